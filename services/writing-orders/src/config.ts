import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

export const writingOrdersConfigSchema = baseConfigSchema({ port: 8082, service: 'writing-orders' }).extend({
  /** IANA zone the studio works in: days for writer ids, statistics and exports. */
  BUSINESS_TIMEZONE: z.string().default('Asia/Shanghai'),
  // --- writers area (writers, ratings, cases, statistics) ---
  // --- orders area (paid orders, customer orders, settlement, commission, exports) ---
});

export type WritingOrdersConfig = z.infer<typeof writingOrdersConfigSchema>;
