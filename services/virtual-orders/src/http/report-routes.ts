import { ok, permissions } from '@backoffice/contracts';
import { z } from 'zod';
import { listReports, takeSnapshot } from '../db/reports.js';
import { addDays, businessDay } from '../domain/dates.js';
import { BASE, type VirtualDeps } from './context.js';
import { dateField, paging } from './inputs.js';

export function reportRoutes(deps: VirtualDeps) {
  const api = deps.router('虚拟订单 · 统计报表');
  api
    .route({
      method: 'get',
      path: `${BASE}/reports`,
      summary: '每日统计报表（virtual_order_reports）',
      access: { permission: permissions.virtualRead },
      query: z.object({ start_date: dateField('开始日期'), end_date: dateField('结束日期'), ...paging }),
      handler: async ({ query }) => ok(await listReports(deps.sql, query.page, query.size, query.start_date, query.end_date)),
    })
    .route({
      method: 'post',
      path: `${BASE}/reports/snapshot`,
      summary: '立即生成某日的统计报表（默认昨天；同一天再次生成会覆盖）',
      access: { permission: permissions.virtualWrite },
      body: z.object({ date: dateField('报表日期') }),
      handler: async ({ body }) => {
        const now = deps.clock();
        const day = body.date ?? businessDay(addDays(now, -1), deps.config.BUSINESS_UTC_OFFSET);
        return ok(await takeSnapshot(deps.sql, day, now), '报表已生成');
      },
    });
  return api.router;
}
