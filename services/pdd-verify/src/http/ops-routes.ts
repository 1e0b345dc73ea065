import { ok, permissions } from '@backoffice/contracts';
import { z } from 'zod';
import { pageOf, paging, type PddDeps } from './context.js';
import { alertView } from './views.js';

export function opsRoutes(deps: PddDeps) {
  const { engine } = deps;
  const api = deps.router('监控与告警');
  api
    .route({
      method: 'post',
      path: '/api/pdd/sync',
      summary: '立即执行一轮：拉取订单、发货、到期核销、发送告警（与定时任务相同）',
      access: { permission: permissions.pddManage },
      handler: async () => ok(await engine.runCycle(), '本轮处理完成'),
    })
    .route({
      method: 'get',
      path: '/api/pdd/status',
      summary: '运行状态：订单游标、平台熔断状态、令牌到期时间、各状态订单数',
      access: { permission: permissions.pddRead },
      handler: async () => {
        const counts = await engine.models.PddOrder.count({ group: ['status'] });
        const cursor = await engine.orders.cursor();
        return ok({
          cursor: cursor ? new Date(cursor * 1000).toISOString() : null,
          platform_breaker: engine.http.state,
          token_expires_at: engine.tokens.expiresAt()?.toISOString() ?? null,
          orders: Object.fromEntries((counts as unknown as Array<{ status: string; count: number }>).map((c) => [c.status, Number(c.count)])),
        });
      },
    })
    .route({
      method: 'get',
      path: '/api/pdd/alerts',
      summary: '告警记录（同类告警在窗口内合并为一条、一封邮件）',
      access: { permission: permissions.pddRead },
      query: z.object({ kind: z.string().trim().max(32).optional(), ...paging }),
      handler: async ({ query }) => {
        const { rows, count } = await engine.alerts.list(query.page, query.page_size, query.kind);
        return ok(pageOf(count, rows.map(alertView), query.page, query.page_size));
      },
    });
  return api.router;
}
