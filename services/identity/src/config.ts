import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

export const identityConfigSchema = baseConfigSchema({ port: 8081, service: 'identity' }).extend({
  /** PEM (PKCS#8, P-256). Without it a key is generated once and kept in the database. */
  JWT_PRIVATE_KEY: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).default(7 * 86_400),
  ADMIN_USERNAME: z.string().min(3).default('admin'),
  /** Without it a password is generated at the first start and printed once. */
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** Shared secret other services send as x-internal-token to /internal/*. */
  INTERNAL_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;
