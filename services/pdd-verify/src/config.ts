import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

/** The sandbox's demo app (npm start); production must set real credentials. */
const SANDBOX_SECRET = 'pdd-sandbox-secret-0123456789';
const flag = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^(true|false|1|0|yes|no|on|off)$/i.test(v.trim()), 'must be True or False')
    .transform((v) => /^(true|1|yes|on)$/i.test(v.trim()));
const seconds = (fallback: number, min = 0, max = 86_400) => z.coerce.number().int().min(min).max(max).default(fallback);

export const pddVerifyConfigSchema = baseConfigSchema({ port: 8086, service: 'pdd-verify' })
  .extend({
    /** Base URL of the PDD open platform (its router is `<url>/api/router`). */
    PDD_API_URL: z.url().default('https://gw-api.pinduoduo.com'),
    PDD_APP_ID: z.string().trim().min(1).default('pdd-sandbox-app'),
    PDD_APP_SECRET: z.string().trim().min(1).default(SANDBOX_SECRET),
    /** The shop's authorisation; refreshed with PDD_REFRESH_TOKEN and kept (encrypted) in the database. */
    PDD_ACCESS_TOKEN: z.string().trim().default('pdd-sandbox-access-token'),
    PDD_REFRESH_TOKEN: z.string().trim().default('pdd-sandbox-refresh-token'),
    PDD_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** Extra attempts of one platform call on network errors and 5xx (the call is idempotent). */
    PDD_HTTP_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    PDD_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** Encrypts card codes and tokens at rest and keys the codes' uniqueness hash. */
    DATA_ENCRYPTION_KEY: z.string({ error: 'set a long random secret (at least 16 characters)' }).min(16, 'must be at least 16 characters'),
    /** Seconds between two cycles (pull orders, deliver, verify, send alerts). */
    ORDER_CHECK_INTERVAL: seconds(60, 5, 3600),
    /** The order window ends this far behind now: the platform's order index lags. */
    ORDER_SYNC_LAG_SECONDS: seconds(180, 0, 3600),
    /** Each pull starts this far before the cursor, so orders indexed late are not missed. */
    ORDER_SYNC_OVERLAP_SECONDS: seconds(300, 0, 3600),
    /** The first pull (no cursor yet) starts this many minutes back. */
    ORDER_SYNC_LOOKBACK_MINUTES: z.coerce.number().int().min(1).max(7 * 1440).default(60),
    MAX_RETRY_TIMES: z.coerce.number().int().min(1).max(20).default(3),
    /** Verification retry n waits RETRY_BACKOFF_SECONDS × 2^(n-1). */
    RETRY_BACKOFF_SECONDS: seconds(30, 0, 86_400),
    /** A delivery or verification in progress holds its order this long; after a crash another run resumes it. */
    DELIVERY_LEASE_SECONDS: seconds(120, 0, 3600),
    LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(10),
    CARD_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(200).default(20),
    NOTIFICATION_ENABLED: flag('True'),
    EMAIL_SMTP_SERVER: z.string().trim().optional(),
    EMAIL_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    EMAIL_USERNAME: z.string().trim().optional(),
    EMAIL_PASSWORD: z.string().optional(),
    EMAIL_FROM: z.string().trim().optional(),
    EMAIL_TO: z
      .string()
      .default('')
      .transform((v) => v.split(/[,;]/).map((s) => s.trim()).filter(Boolean)),
    /** Alerts with the same subject within this many minutes make one mail. */
    ALERT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.PDD_APP_SECRET === SANDBOX_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['PDD_APP_SECRET'], message: 'set the real app secret in production (the default is the sandbox demo app)' });
    }
  });

export type PddVerifyConfig = z.infer<typeof pddVerifyConfigSchema>;
