import { badRequest, ok, permissions } from '@backoffice/contracts';
import { conflictOnDuplicate, fields, inTransaction } from '@backoffice/kit';
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { currentRule } from '../db/commission-sql.js';
import { usernamesById, writersById } from '../db/lookups.js';
import { wallClockToDate } from '../domain/wall-clock.js';
import { DEFAULT_RULE, rateFromText, rateText } from '../domain/commission.js';
import { actorOf, FINANCE_ONLY, type OrderDeps } from './order-context.js';
import { paidOrderView } from './order-views.js';

const dateTime = (label: string) => z.string().refine((v) => wallClockToDate(v, 'UTC') !== null, `${label}格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:mm:ss`);

const listQuery = z.object({
  page: fields.page,
  pageSize: fields.pageSize,
  order_id: z.string().trim().min(1).optional(),
  payment_id: z.string().trim().min(1).optional(),
  status: z.string().optional(),
  channel: z.string().trim().min(1).max(20).optional(),
  startTime: dateTime('开始时间').optional(),
  endTime: dateTime('结束时间').optional(),
});

const writerId = z.string().trim().max(32, '写手ID不能超过32个字符').nullable().optional().transform((v) => (v === '' ? null : v));


/** Paid orders (seed 六 1–3, 8), the merge (六 4) and the commission rule. */
export function orderRoutes(deps: OrderDeps) {
  const { models, paidOrders, customerOrders, sequelize, config } = deps;
  const api = deps.router('订单');
  api
    .route({
      method: 'get',
      path: '/api/orders',
      summary: '订单列表（订单号、支付单号、状态 1=含"成功" 2=不含或为空、渠道、创建时间范围）',
      access: { permission: permissions.ordersRead },
      query: listQuery,
      handler: async ({ query }) => {
        const and: WhereOptions[] = [];
        if (query.order_id) and.push({ order_id: query.order_id });
        if (query.payment_id) and.push({ payment_id: query.payment_id });
        if (query.channel) and.push({ channel: query.channel });
        if (query.status === '1') and.push({ status: { [Op.like]: '%成功%' } });
        if (query.status === '2') and.push({ [Op.or]: [{ status: null }, { status: '' }, { status: { [Op.notLike]: '%成功%' } }] });
        if (query.startTime) and.push({ create_time: { [Op.gte]: wallClockToDate(query.startTime, config.BUSINESS_TIMEZONE)! } });
        if (query.endTime) and.push({ create_time: { [Op.lte]: wallClockToDate(query.endTime, config.BUSINESS_TIMEZONE, true)! } });
        const { rows, count } = await models.PaidOrder.findAndCountAll({
          where: { [Op.and]: and },
          order: [['create_time', 'DESC'], ['order_id', 'DESC']],
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        });
        const [users, writers, entered] = await Promise.all([
          usernamesById(models, rows.map((r) => r.customer_id)),
          writersById(sequelize, rows.flatMap((r) => [r.writer_id, r.writer_id_2])),
          rows.length ? models.CustomerOrder.findAll({ where: { order_id: rows.map((r) => r.order_id) }, attributes: ['order_id', 'customer_commission'] }) : [],
        ]);
        const commissions = new Map(entered.map((c) => [c.order_id, c.customer_commission as unknown]));
        return ok({ total: count, list: rows.map((r) => paidOrderView(r, { users, writers, commissions })), page: query.page, pageSize: query.pageSize }, '获取成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/orders/:orderId/customer',
      summary: '分配或更换订单客服',
      access: { permission: permissions.ordersWrite },
      params: z.object({ orderId: z.string().min(1).max(64) }),
      body: z.object({ customer_id: z.coerce.number({ error: '请提供客服用户ID' }).int().positive('客服ID必须是正整数') }),
      handler: async ({ params, body }) => ok(await paidOrders.assignCustomer(params.orderId, body.customer_id)),
    })
    .route({
      method: 'put',
      path: '/api/orders/:orderId/writer',
      summary: '分配或更换订单写手（第一、第二写手）',
      access: { permission: permissions.ordersWrite },
      params: z.object({ orderId: z.string().min(1).max(64) }),
      body: z.object({ writer_id: writerId, writer_id_2: writerId }),
      handler: async ({ params, body }) => ok(await paidOrders.assignWriters(params.orderId, body.writer_id, body.writer_id_2)),
    })
    .route({
      method: 'post',
      path: '/api/customer-orders/merge',
      summary: '把客服订单的客服、写手、写手稿费、每千字费用合并到订单总表（只补缺）',
      access: { permission: permissions.ordersWrite },
      handler: async () => {
        const merged = await paidOrders.merge();
        if (!merged.length) throw badRequest('没有符合条件的订单需要合并', 'NOTHING_TO_MERGE');
        return ok({ total: merged.length, merged_orders: merged.slice(0, 1000) }, '合并成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/orders/recalculate-commission',
      summary: '按当前佣金规则全量重算客服佣金（仅已定稿、客服佣金未导出打款的订单），同步到订单总表',
      access: { permission: permissions.ordersSettle },
      deniedMessage: FINANCE_ONLY,
      handler: async (_input, req) => {
        const result = await customerOrders.recalculate(actorOf(req.user!));
        return ok(result, `全量重算完成，共处理 ${result.total} 个订单`);
      },
    })
    .route({
      method: 'get',
      path: '/api/customer-orders/commission-rule',
      summary: '当前客服佣金规则（版本、比例、扣除项）',
      access: { anyOf: [permissions.ordersCommissionRule, permissions.ordersSettle] },
      deniedMessage: FINANCE_ONLY,
      handler: async () => ok(ruleView(await currentRule(sequelize)), '获取成功'),
    })
    .route({
      method: 'put',
      path: '/api/customer-orders/commission-rule',
      summary: '修改客服佣金规则（生成新版本；需再次全量重算才会作用于已有订单）',
      access: { permission: permissions.ordersCommissionRule },
      deniedMessage: FINANCE_ONLY,
      body: z.object({
        rate_percent: z.union([z.string(), z.number()], { error: '请提供佣金比例 rate_percent（如 10.00）' }).transform((v, ctx) => {
          const bp = rateFromText(String(v));
          if (bp === undefined) {
            ctx.addIssue({ code: 'custom', message: '佣金比例必须在 0 到 100 之间，最多两位小数' });
            return z.NEVER;
          }
          return bp;
        }),
        deduct_refund: z.boolean().default(DEFAULT_RULE.deduct_refund),
        deduct_payment_fee: z.boolean().default(DEFAULT_RULE.deduct_payment_fee),
        deduct_writer_fees: z.boolean().default(DEFAULT_RULE.deduct_writer_fees),
        note: z.string().trim().max(255, '备注不能超过255个字符').optional(),
      }),
      handler: async ({ body }, req) => {
        const rule = await inTransaction(sequelize, async (transaction) => {
          const current = await currentRule(sequelize, transaction);
          const version = current.version + 1;
          // the primary key decides between two finance staff saving at once
          await sequelize.getQueryInterface().bulkInsert(
            'commission_rules',
            [{ version, rate_bp: body.rate_percent, deduct_refund: body.deduct_refund ? 1 : 0, deduct_payment_fee: body.deduct_payment_fee ? 1 : 0, deduct_writer_fees: body.deduct_writer_fees ? 1 : 0, note: body.note ?? null, created_by: req.user!.id, created_at: new Date() }],
            { transaction },
          ).catch(conflictOnDuplicate('佣金规则已被他人修改，请刷新后重试', 'RULE_CHANGED'));
          return currentRule(sequelize, transaction);
        });
        return ok(ruleView(rule), '佣金规则已更新');
      },
    });
  return api.router;
}

function ruleView(rule: Awaited<ReturnType<typeof currentRule>>) {
  return {
    version: rule.version,
    rate_percent: rateText(rule.rate_bp),
    deduct_refund: rule.deduct_refund,
    deduct_payment_fee: rule.deduct_payment_fee,
    deduct_writer_fees: rule.deduct_writer_fees,
    note: rule.note,
    created_by: rule.created_by,
    created_at: rule.created_at,
    formula: 'commission = round((amount' + (rule.deduct_refund ? ' − refund' : '') + (rule.deduct_payment_fee ? ' − payment fee' : '') + (rule.deduct_writer_fees ? ' − writer fees' : '') + `) × ${rateText(rule.rate_bp)}%, 2)`,
  };
}
