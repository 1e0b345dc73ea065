import { badRequest } from '@backoffice/contracts';
import { z, type ZodType } from 'zod';

export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    // messages written for people (Chinese, from the seeds) stand alone; library defaults get the field name
    const human = /[\u4e00-\u9fa5]/.test(issue.message);
    return { path, message: human || !path ? issue.message : `参数 ${path} 不合法：${issue.message}` };
  });
}

/** Parses input or throws a 400 whose message is the first problem, with every problem in details. */
export function parseInput<S extends ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodIssuesToDetails(result.error.issues);
  throw badRequest(details[0]?.message ?? '参数不合法', 'VALIDATION_FAILED', details);
}

/** Common field shapes. */
export const fields = {
  id: z.coerce.number({ error: 'ID 必须是正整数' }).int('ID 必须是正整数').positive('ID 必须是正整数'),
  page: z.coerce.number().int().min(1, '页码最小为 1').default(1),
  pageSize: z.coerce.number().int().min(1, '每页条数最小为 1').max(200, '每页条数最多 200').default(10),
  /** Query-string booleans: true/false/1/0. */
  flag: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
};
