import { badRequest, notFound, ok, permissions } from '@backoffice/contracts';
import { containsPattern, fields, runIdempotent } from '@backoffice/kit';
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { MSG } from '../db/customer-order-store.js';
import { usernamesById, writersById } from '../db/lookups.js';
import type { CustomerOrder } from '../db/order-models.js';
import { actorOf, FINANCE_ONLY, type OrderDeps } from './order-context.js';
import { idList, orderFields, queryMoney, date, settlementStatus } from './order-schemas.js';
import { customerOrderView } from './order-views.js';

const listQuery = z.object({
  page: fields.page,
  pageSize: fields.pageSize,
  order_id: z.string().trim().min(1).optional(),
  date_start: date('开始日期').optional(),
  date_end: date('结束日期').optional(),
  customer_id: z.coerce.number().int().positive('客服ID必须是正整数').optional(),
  writer_id: z.string().trim().min(1).optional(),
  is_fixed: z.enum(['0', '1'], { error: 'is_fixed 只能是 0 或 1' }).optional(),
  dispatch_id: z.string().trim().min(1).optional(),
  customer_name: z.string().trim().min(1).max(100).optional(),
  fee_min: queryMoney('稿费最小值').optional(),
  fee_max: queryMoney('稿费最大值').optional(),
  order_amount_min: queryMoney('订单金额最小值').optional(),
  order_amount_max: queryMoney('订单金额最大值').optional(),
  settlement_status: settlementStatus.optional(),
  is_locked: z.enum(['0', '1'], { error: 'is_locked 只能是 0 或 1' }).optional(),
});

export async function withNames(deps: OrderDeps, rows: CustomerOrder[]): Promise<Array<Record<string, unknown>>> {
  const [users, writers] = await Promise.all([
    usernamesById(deps.models, rows.flatMap((r) => [r.customer_id, r.locked_by])),
    writersById(deps.sequelize, rows.flatMap((r) => [r.writer_id, r.writer_id_2])),
  ]);
  return rows.map((r) => customerOrderView(r, { users, writers }));
}

/** Customer orders (seed 八 1–5) and their settlement actions (六 5–7). */
export function customerOrderRoutes(deps: OrderDeps) {
  const { models, customerOrders, sequelize } = deps;
  const api = deps.router('客服订单');
  const byFen = (fen: number) => (fen / 100).toFixed(2); // fen → DECIMAL text for SQL comparison

  api
    .route({
      method: 'put',
      path: '/api/customer-orders/settlement-status',
      summary: '手动修改结算状态（Locked→WriterSettled/AllSettled，SelfLocked→AllSettled，WriterSettled→AllSettled）',
      access: { permission: permissions.ordersSettle },
      deniedMessage: FINANCE_ONLY,
      body: z.object({ order_id: z.string().trim().optional(), new_status: z.string().trim().optional() }),
      handler: async ({ body }, req) => {
        if (!body.order_id || !body.new_status) throw badRequest('请提供订单编号和新结算状态', 'MISSING_FIELDS');
        return ok(await customerOrders.settle(body.order_id, body.new_status, actorOf(req.user!)), '结算状态修改成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/customer-orders/lock',
      summary: '锁定客服订单（已定稿、未结算、未锁定；无写手稿费的订单进入 SelfLocked）；支持 Idempotency-Key',
      access: { permission: permissions.ordersSettle },
      deniedMessage: FINANCE_ONLY,
      body: idList('请提供要锁定的订单ID列表'),
      handler: async ({ body }, req, res) => {
        const result = await runIdempotent(sequelize, `customer-orders.lock:${req.user!.id}`, req.get('idempotency-key') ?? undefined, async (transaction) => {
          const data = await customerOrders.lock(body.order_ids, actorOf(req.user!), transaction);
          return { status: 200, body: ok(data, '锁定成功') };
        });
        if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.status(result.status);
        return result.body;
      },
    })
    .route({
      method: 'post',
      path: '/api/customer-orders/unlock',
      summary: '解锁客服订单（已结算的 WriterSettled/AllSettled 保持锁定）',
      access: { permission: permissions.ordersSettle },
      deniedMessage: FINANCE_ONLY,
      body: idList('请提供要解锁的订单ID列表'),
      handler: async ({ body }, req) => {
        const data = await customerOrders.unlock(body.order_ids, actorOf(req.user!));
        return ok(data, `解锁成功，${data.unlocked_count}个订单已解锁，${data.kept_locked_count}个已结算订单保持锁定状态`);
      },
    })
    .route({
      method: 'post',
      path: '/api/customer-orders',
      summary: '创建客服订单（客服填报）',
      access: { permission: permissions.ordersWrite },
      status: 201,
      body: orderFields,
      handler: async ({ body }, req) => {
        const order = await customerOrders.create(body, actorOf(req.user!));
        return ok({ id: order.id, order_id: order.order_id }, '创建成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/customer-orders',
      summary: '客服订单列表（订单号、日期、客服、写手、定稿、派单号、客户名、稿费/金额范围、结算状态、锁定筛选）',
      access: { permission: permissions.ordersRead },
      query: listQuery,
      handler: async ({ query }) => {
        const and: WhereOptions[] = [];
        const eq = { order_id: query.order_id, customer_id: query.customer_id, writer_id: query.writer_id, dispatch_id: query.dispatch_id, settlement_status: query.settlement_status };
        for (const [k, v] of Object.entries(eq)) if (v !== undefined) and.push({ [k]: v });
        if (query.is_fixed !== undefined) and.push({ is_fixed: Number(query.is_fixed) });
        if (query.is_locked !== undefined) and.push({ is_locked: Number(query.is_locked) });
        if (query.date_start) and.push({ date: { [Op.gte]: query.date_start } });
        if (query.date_end) and.push({ date: { [Op.lte]: query.date_end } });
        if (query.customer_name) and.push({ customer_name: { [Op.like]: containsPattern(query.customer_name) } });
        // compared in integer fen: the same on MariaDB (DECIMAL) and SQLite (no decimal type)
        const totalFeeFen = sequelize.literal('ROUND((COALESCE(fee, 0) + COALESCE(fee_2, 0)) * 100)');
        if (query.fee_min !== undefined) and.push(sequelize.where(totalFeeFen, Op.gte, query.fee_min));
        if (query.fee_max !== undefined) and.push(sequelize.where(totalFeeFen, Op.lte, query.fee_max));
        if (query.order_amount_min !== undefined) and.push({ order_amount: { [Op.gte]: byFen(query.order_amount_min) } });
        if (query.order_amount_max !== undefined) and.push({ order_amount: { [Op.lte]: byFen(query.order_amount_max) } });
        const { rows, count } = await models.CustomerOrder.findAndCountAll({
          where: { [Op.and]: and },
          order: [['date', 'DESC'], ['id', 'DESC']],
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        });
        return ok({ total: count, list: await withNames(deps, rows), page: query.page, pageSize: query.pageSize }, '获取成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/customer-orders/:id',
      summary: '客服订单详情（含锁定信息）',
      access: { permission: permissions.ordersRead },
      params: z.object({ id: fields.id }),
      handler: async ({ params }) => {
        const order = await models.CustomerOrder.findByPk(params.id);
        if (!order) throw notFound(MSG.notFound, 'ORDER_NOT_FOUND');
        return ok((await withNames(deps, [order]))[0], '获取成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/customer-orders/:id',
      summary: '更新客服订单（录入客服；锁定后仅超级管理员/财务；订单号不可改；稿费≥100的定稿状态仅管理/财务）',
      access: { permission: permissions.ordersWrite },
      params: z.object({ id: fields.id }),
      body: orderFields.partial(),
      handler: async ({ params, body }, req) => {
        await customerOrders.update(params.id, body, actorOf(req.user!));
        return ok(undefined, '更新成功');
      },
    })
    .route({
      method: 'delete',
      path: '/api/customer-orders/:id',
      summary: '删除客服订单（仅超级管理员；仅未结算且未锁定的订单）',
      access: { permission: permissions.ordersWrite },
      deniedMessage: MSG.deleteSuperOnly,
      params: z.object({ id: fields.id }),
      handler: async ({ params }, req) => {
        await customerOrders.remove(params.id, actorOf(req.user!));
        return ok(undefined, '删除成功');
      },
    });
  return api.router;
}
