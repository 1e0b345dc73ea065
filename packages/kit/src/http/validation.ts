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

/** The path of the first string holding a NUL character: no field of ours means one, and SQLite cuts text at it. */
function nulPath(value: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulPath(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Parses input or throws a 400 whose message is the first problem, with every problem in details. */
export function parseInput<S extends ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    const nul = nulPath(result.data);
    if (nul) throw badRequest(`参数 ${nul.join('.') || '(输入)'} 不能包含空字符（\\0）`, 'VALIDATION_FAILED', [{ path: nul.join('.'), message: '不能包含空字符' }]);
    return result.data;
  }
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
