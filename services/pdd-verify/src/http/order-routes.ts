import { notFound, ok, permissions, unprocessable } from '@backoffice/contracts';
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { ORDER_STATUSES, VERIFY_MODES } from '../domain/rules.js';
import { orderSn, pageOf, paging, type PddDeps } from './context.js';
import { orderView, recordView } from './views.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const RECORD_STATUSES = ['pending', 'retrying', 'success', 'failed', 'superseded'] as const;

export function orderRoutes(deps: PddDeps) {
  const { models, orders } = deps.engine;
  const api = deps.router('订单与核销记录');
  api
    .route({
      method: 'get',
      path: '/api/pdd/orders',
      summary: '订单列表（状态、商品、订单号、日期筛选，分页 page/page_size）',
      access: { permission: permissions.pddRead },
      query: z.object({
        status: z.enum(ORDER_STATUSES, { error: `状态只能是 ${ORDER_STATUSES.join(', ')}` }).optional(),
        goods_id: z.string().trim().max(32).optional(),
        order_sn: z.string().trim().max(64).optional(),
        date_from: date.optional(),
        date_to: date.optional(),
        ...paging,
      }),
      handler: async ({ query }) => {
        const where: WhereOptions = {
          ...(query.status ? { status: query.status } : {}),
          ...(query.goods_id ? { goods_id: query.goods_id } : {}),
          ...(query.order_sn ? { order_sn: query.order_sn } : {}),
          ...(query.date_from || query.date_to
            ? { created_at: { ...(query.date_from ? { [Op.gte]: new Date(`${query.date_from}T00:00:00+08:00`) } : {}), ...(query.date_to ? { [Op.lt]: new Date(new Date(`${query.date_to}T00:00:00+08:00`).getTime() + 86_400_000) } : {}) } }
            : {}),
        };
        const { rows, count } = await models.PddOrder.findAndCountAll({ where, order: [['id', 'DESC']], limit: query.page_size, offset: (query.page - 1) * query.page_size });
        return ok(pageOf(count, rows.map(orderView), query.page, query.page_size));
      },
    })
    .route({
      method: 'get',
      path: '/api/pdd/orders/:order_sn',
      summary: '订单详情（含核销记录；卡密只显示脱敏）',
      access: { permission: permissions.pddRead },
      params: z.object({ order_sn: orderSn }),
      handler: async ({ params }) => {
        const order = await models.PddOrder.findOne({ where: { order_sn: params.order_sn } });
        if (!order) throw notFound('订单不存在', 'ORDER_NOT_FOUND');
        const [card, records] = await Promise.all([
          order.card_code_id ? models.CardCode.findByPk(order.card_code_id) : null,
          models.VerificationRecord.findAll({ where: { order_sn: order.order_sn }, order: [['id', 'ASC']] }),
        ]);
        return ok({ ...orderView(order), card_code: card?.code_masked ?? null, verification_records: records.map(recordView) });
      },
    })
    .route({
      method: 'post',
      path: '/api/pdd/orders/:order_sn/retry',
      summary: '重试失败的订单：发货失败的重新发货，核销失败的重新开始自动核销（下一轮执行）',
      access: { permission: permissions.pddManage },
      params: z.object({ order_sn: orderSn }),
      handler: async ({ params }) => {
        const order = await models.PddOrder.findOne({ where: { order_sn: params.order_sn } });
        if (!order) throw notFound('订单不存在', 'ORDER_NOT_FOUND');
        const from = await orders.retry(order.order_sn);
        if (!from) throw unprocessable('只有发货失败或核销失败的订单可以重试', 'NOT_RETRYABLE');
        await order.reload();
        return ok(orderView(order), from === 'delivery_failed' ? '已重新加入发货队列' : '已重新加入核销队列');
      },
    })
    .route({
      method: 'get',
      path: '/api/pdd/verification-records',
      summary: '核销记录（订单号、状态、方式筛选，分页 page/page_size）',
      access: { permission: permissions.pddRead },
      query: z.object({
        order_sn: z.string().trim().max(64).optional(),
        status: z.enum(RECORD_STATUSES, { error: `状态只能是 ${RECORD_STATUSES.join(', ')}` }).optional(),
        mode: z.enum(VERIFY_MODES, { error: `方式只能是 ${VERIFY_MODES.join(', ')}` }).optional(),
        ...paging,
      }),
      handler: async ({ query }) => {
        const where: WhereOptions = {
          ...(query.order_sn ? { order_sn: query.order_sn } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.mode ? { mode: query.mode } : {}),
        };
        const { rows, count } = await models.VerificationRecord.findAndCountAll({ where, order: [['id', 'DESC']], limit: query.page_size, offset: (query.page - 1) * query.page_size });
        return ok(pageOf(count, rows.map(recordView), query.page, query.page_size));
      },
    });
  return api.router;
}
