import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

export const writingOrdersConfigSchema = baseConfigSchema({ port: 8082, service: 'writing-orders' }).extend({
  /** IANA zone the studio works in: days for writer ids, statistics and exports. */
  BUSINESS_TIMEZONE: z.string().default('Asia/Shanghai'),
  // --- writers area (writers, ratings, cases, statistics) ---
  /** Encrypts writers' ID numbers and Alipay accounts at rest (see src/writer-privacy.ts). */
  DATA_ENCRYPTION_KEY: z.string({ error: 'set a long random secret (at least 16 characters)' }).min(16, 'must be at least 16 characters'),
  /** identity's base URL and the shared secret for its /internal/* API (accounts, counts). */
  IDENTITY_URL: z.url().default('http://127.0.0.1:8081'),
  INTERNAL_API_TOKEN: z.string({ error: 'set the secret shared with identity (at least 16 characters)' }).min(16, 'must be at least 16 characters'),
  /** Files live under UPLOAD_ROOT/<dir>; case images in CASE_IMAGE_DIR. */
  UPLOAD_ROOT: z.string().default('./data/uploads'),
  CASE_IMAGE_DIR: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a plain folder name').default('cases'),
  CASE_IMAGE_MAX_MB: z.coerce.number().int().min(1).max(50).default(2),
  WRITER_REGISTRATION_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  // --- orders area (paid orders, customer orders, settlement, commission, exports) ---
  /** Largest bill export (.xlsx/.csv) POST /api/orders/import accepts. */
  ORDER_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(200).default(20),
});

export type WritingOrdersConfig = z.infer<typeof writingOrdersConfigSchema>;
