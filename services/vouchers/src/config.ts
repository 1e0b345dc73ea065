import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const vouchersConfigSchema = baseConfigSchema({ port: 8084, service: 'vouchers' }).extend({
  /** Encrypts platform secrets, tokens and members' phones at rest; keys the phone lookup hashes. */
  DATA_ENCRYPTION_KEY: z.string({ error: 'set a long random secret (at least 16 characters)' }).min(16, 'must be at least 16 characters'),
  /** Where the platforms are (the sandboxes under `npm start`); a platform row is created from these at first start. */
  MEITUAN_API_URL: z.url().optional(),
  DOUYIN_API_URL: z.url().optional(),
  // Defaults are the sandboxes' demo credentials; production sets the real ones (or edits /api/v1/platforms).
  MEITUAN_APP_KEY: z.string().default('mt-demo-app-key'),
  MEITUAN_APP_SECRET: z.string().default('mt-demo-app-secret'),
  MEITUAN_SHOP_UUID: z.string().default('mt-demo-shop'),
  DOUYIN_CLIENT_KEY: z.string().default('dy-demo-client-key'),
  DOUYIN_CLIENT_SECRET: z.string().default('dy-demo-client-secret'),
  DOUYIN_POI_ID: z.string().default('dy-demo-poi'),
  /** Per attempt, for every platform call. */
  PLATFORM_TIMEOUT_MS: ms(3000),
  PLATFORM_BREAKER_RESET_MS: ms(10_000),
  /** A claim left by a crashed or cut-off verification is resolved with the platform after this long. */
  PENDING_CLAIM_STALE_MS: ms(60_000),
});

export type VouchersConfig = z.infer<typeof vouchersConfigSchema>;
