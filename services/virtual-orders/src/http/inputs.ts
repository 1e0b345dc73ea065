import { badRequest } from '@backoffice/contracts';
import { z } from 'zod';
import { dayStart, isRealDate } from '../domain/dates.js';

/** Seed 000 paging: page and size. */
export const paging = {
  page: z.coerce.number().int('页码必须是正整数').min(1, '页码最小为 1').default(1),
  size: z.coerce.number().int('每页数量必须是正整数').min(1, '每页数量最小为 1').max(200, '每页数量最多 200').default(20),
};

export const dateField = (label: string) => z.string().refine(isRealDate, `${label}格式应为 YYYY-MM-DD`).optional();

/** [start of start_date, start of the day after end_date) in business time. */
export function dateRange(start: string | undefined, end: string | undefined, offset: string) {
  if (start && end && start > end) throw badRequest('开始日期不能晚于结束日期', 'BAD_DATE_RANGE');
  const from = start ? dayStart(start, offset) : null;
  const to = end ? new Date(dayStart(end, offset).getTime() + 86_400_000) : null;
  return { from, to };
}
