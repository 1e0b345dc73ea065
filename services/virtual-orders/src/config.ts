import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

const sources = ['淘宝', '集团业务', '其他业务'] as const;

export const virtualOrdersConfigSchema = baseConfigSchema({ port: 8083, service: 'virtual-orders' }).extend({
  /** Encrypts CS phones and ID-card numbers at rest. */
  DATA_ENCRYPTION_KEY: z.string({ error: 'set a long random secret (at least 16 characters)' }).min(16, 'must be at least 16 characters'),
  IDENTITY_URL: z.url().default('http://127.0.0.1:8081'),
  INTERNAL_API_TOKEN: z.string({ error: "set the shared secret of identity's /internal API" }).min(16, 'must be at least 16 characters'),
  UPLOAD_ROOT: z.string().default('./data/uploads'),
  MAX_IMPORT_MB: z.coerce.number().int().min(1).max(200).default(20),
  /** Files up to this size are imported while the request waits; larger ones run as an import job (202). */
  IMPORT_SYNC_MAX_KB: z.coerce.number().int().min(1).default(512),
  /** Upper bound of one task's amount (yuan, a multiple of 5). */
  VIRTUAL_TASK_MAX_YUAN: z.coerce
    .number()
    .int()
    .min(5)
    .refine((v) => v % 5 === 0, 'must be a multiple of 5')
    .default(50),
  /** Largest subsidy one row may carry (yuan). */
  MAX_SUBSIDY_YUAN: z.coerce.number().int().min(1).default(100000),
  /** Days a pool stays active after its last import; 0 = until paid out. */
  POOL_VALID_DAYS: z.coerce.number().int().min(0).default(0),
  /** Task template (seed 000 配置说明 task_templates). */
  TASK_SUMMARY: z.string().max(100).default('虚拟任务 - 数据处理'),
  TASK_REQUIREMENT: z.string().max(500).default('请按照要求完成数据处理任务...'),
  TASK_SOURCE: z.enum(sources, { error: `must be one of ${sources.join(', ')}` }).default('集团业务'),
  TASK_COMMISSION_UNIT: z.string().max(8).default('元'),
  TASK_END_DATE_DAYS: z.coerce.number().int().min(1).default(1),
  TASK_DELIVERY_DATE_DAYS: z.coerce.number().int().min(1).default(3),
  /** Hours after creation an unaccepted task expires. */
  TASK_EXPIRY_HOURS: z.coerce.number().int().min(1).default(24),
  /** Run the hourly expiry and daily report jobs in this process (tests drive them by hand). */
  VIRTUAL_SCHEDULED_JOBS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Offset of the business day (Asia/Shanghai) used for report dates and date filters. */
  BUSINESS_UTC_OFFSET: z
    .string()
    .regex(/^[+-]\d{2}:\d{2}$/, 'must look like +08:00')
    .default('+08:00'),
});

export type VirtualOrdersConfig = z.infer<typeof virtualOrdersConfigSchema>;

export interface TaskTemplate {
  summary: string;
  requirement: string;
  source: string;
  commissionUnit: string;
  endDateDays: number;
  deliveryDateDays: number;
}

export const taskTemplate = (c: VirtualOrdersConfig): TaskTemplate => ({
  summary: c.TASK_SUMMARY,
  requirement: c.TASK_REQUIREMENT,
  source: c.TASK_SOURCE,
  commissionUnit: c.TASK_COMMISSION_UNIT,
  endDateDays: c.TASK_END_DATE_DAYS,
  deliveryDateDays: c.TASK_DELIVERY_DATE_DAYS,
});
