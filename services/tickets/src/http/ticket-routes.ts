import { badRequest, ok, permissions, unprocessable } from '@backoffice/contracts';
import { containsPattern, fields } from '@backoffice/kit';
import type { Request } from 'express';
import { Op, QueryTypes, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { pickTechnician, type Candidate } from '../domain/auto-assign.js';
import { assertCanComplete } from '../domain/receipts.js';
import { isCalendarDate, MAINLAND_MOBILE } from '../domain/booking-rules.js';
import { TICKET_STATUSES } from '../domain/ticket-status.js';
import { expectedVersion } from '../domain/version.js';
import type { Ticket } from '../db/models.js';
import { mayWorkTicket, seesAllTickets, technicianOfUser, visibleTicket, workableTicket } from './access.js';
import type { TicketsDeps } from './context.js';
import { eventView, imageView, ticketView } from './views.js';

const idParams = z.object({ id: z.uuid({ error: '工单ID格式不正确' }) });
const version = z.number({ error: 'version 必须是整数' }).int().min(1).optional();
const date = z.string().refine(isCalendarDate, '日期格式应为 YYYY-MM-DD');
const centerId = z.string().trim().min(1).max(50, '服务中心编号不能超过50个字符');

const listQuery = z.object({
  status: z.enum(TICKET_STATUSES, { error: `状态只能是 ${TICKET_STATUSES.join(', ')}` }).optional(),
  technician_id: z.uuid({ error: '技师ID格式不正确' }).optional(),
  date_from: date.optional(),
  date_to: date.optional(),
  keyword: z.string().trim().max(50, '关键字不能超过50个字符').optional(),
  page: fields.page,
  pageSize: fields.pageSize,
});

const SEVEN_DAYS_MS = 7 * 86_400_000;

export function ticketRoutes(deps: TicketsDeps) {
  const { models, store, phones, sequelize } = deps;
  const actor = (req: Request) => ({ userId: req.user!.id });
  const versionOf = (req: Request, body: { version?: number }) => expectedVersion(body.version, req.get('if-match'));

  const listTickets = async (where: WhereOptions, page: number, pageSize: number) => {
    const { rows, count } = await models.Ticket.findAndCountAll({
      where,
      include: [{ model: models.Technician, as: 'technician' }],
      order: [['appointment_date', 'DESC'], ['created_at', 'DESC']],
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    const list = rows.map((t) => ticketView(t, (t as Ticket & { technician?: Parameters<typeof ticketView>[1] }).technician));
    return { total: count, list, page, pageSize };
  };

  /** Candidates for auto-assignment with their load over the last 7 days, counted in one query. */
  const candidates = async (transaction: Transaction): Promise<Candidate[]> => {
    const technicians = await models.Technician.findAll({ where: { is_active: true }, transaction });
    const loads = await sequelize.query<{ technician_id: string; n: number }>(
      'SELECT technician_id, COUNT(*) AS n FROM tickets WHERE technician_id IS NOT NULL AND assigned_at >= ? GROUP BY technician_id',
      { replacements: [new Date(Date.now() - SEVEN_DAYS_MS)], type: QueryTypes.SELECT, transaction },
    );
    const load = new Map(loads.map((l) => [l.technician_id, Number(l.n)]));
    return technicians.map((t) => ({ id: t.id, name: t.name, centerId: t.center_id, isActive: Boolean(t.is_active), recentTickets: load.get(t.id) ?? 0 }));
  };

  const api = deps.router('工单');
  api
    .route({
      method: 'get',
      path: '/api/tickets',
      summary: '工单列表（状态、技师、预约日期范围、关键字筛选，分页）',
      access: { anyOf: [permissions.ticketsRead, permissions.ticketsOwn] },
      query: listQuery,
      handler: async ({ query }, req) => {
        const where: Record<string | symbol, unknown> = {};
        if (query.status) where.status = query.status;
        if (query.technician_id) where.technician_id = query.technician_id;
        if (query.date_from || query.date_to) {
          where.appointment_date = { ...(query.date_from ? { [Op.gte]: query.date_from } : {}), ...(query.date_to ? { [Op.lte]: query.date_to } : {}) };
        }
        if (query.keyword) {
          const like = containsPattern(query.keyword);
          where[Op.or] = [
            { ticket_no: { [Op.like]: like } },
            { customer_name: { [Op.like]: like } },
            { address: { [Op.like]: like } },
            ...(MAINLAND_MOBILE.test(query.keyword) ? [{ customer_phone_hash: phones.hash(query.keyword) }] : []),
          ];
        }
        if (!seesAllTickets(req.user!)) {
          const mine = await technicianOfUser(models, req.user!);
          if (!mine) return ok({ total: 0, list: [], page: query.page, pageSize: query.pageSize });
          where.technician_id = mine.id;
        }
        return ok(await listTickets(where, query.page, query.pageSize));
      },
    })
    .route({
      method: 'get',
      path: '/api/tickets/mine',
      summary: '我的工单（当前登录技师被分配的工单）',
      access: { permission: permissions.ticketsOwn },
      query: listQuery.pick({ status: true, page: true, pageSize: true }),
      handler: async ({ query }, req) => {
        const mine = await technicianOfUser(models, req.user!);
        if (!mine) throw unprocessable('当前账号未关联技师', 'NOT_A_TECHNICIAN');
        return ok(await listTickets({ technician_id: mine.id, ...(query.status ? { status: query.status } : {}) }, query.page, query.pageSize));
      },
    })
    .route({
      method: 'get',
      path: '/api/tickets/:id',
      summary: '工单详情（含图片与操作记录）；有权处理该工单的人员可见完整电话，查看会被记录',
      access: { anyOf: [permissions.ticketsRead, permissions.ticketsOwn] },
      params: idParams,
      handler: async ({ params }, req, res) => {
        const ticket = await visibleTicket(models, req.user!, params.id);
        const [technician, images] = await Promise.all([
          ticket.technician_id ? models.Technician.findByPk(ticket.technician_id) : null,
          models.TicketImage.findAll({ where: { ticket_id: ticket.id }, order: [['created_at', 'ASC']] }),
        ]);
        const reveal = await mayWorkTicket(models, req.user!, ticket, permissions.ticketsWrite);
        if (reveal) {
          await sequelize.transaction((transaction) => store.audit(transaction, ticket.id, 'PHONE_REVEALED', actor(req), { field: 'customer_phone' }));
        }
        const events = await models.TicketEvent.findAll({ where: { ticket_id: ticket.id }, order: [['created_at', 'ASC'], ['id', 'ASC']] });
        res.setHeader('ETag', `"${ticket.version}"`);
        return ok({
          ...ticketView(ticket, technician),
          ...(reveal ? { customer_phone: phones.reveal(ticket.customer_phone_encrypted), customer_phone_revealed: true } : { customer_phone_revealed: false }),
          images: images.map(imageView),
          events: events.map(eventView),
        });
      },
    })
    .route({
      method: 'post',
      path: '/api/tickets/:id/confirm',
      summary: '确认预约（BOOKED → CONFIRMED），可指定服务中心',
      access: { permission: permissions.ticketsWrite },
      params: idParams,
      body: z.object({ version, center_id: centerId.optional() }),
      handler: async ({ params, body }, req) => {
        const ticket = await store.change(params.id, {
          action: 'confirm',
          expectedVersion: versionOf(req, body),
          actor: actor(req),
          apply: () => (body.center_id ? { center_id: body.center_id } : {}),
        });
        return ok(ticketView(ticket), '确认成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/tickets/:id/assign',
      summary: '分配技师；不指定 technician_id 时自动分配（同服务中心优先，近7天工单最少）',
      access: { permission: permissions.ticketsAssign },
      params: idParams,
      body: z.object({ version, technician_id: z.uuid({ error: '技师ID格式不正确' }).optional() }),
      handler: async ({ params, body }, req) => {
        let auto = false;
        const ticket = await store.change(params.id, {
          action: 'assign',
          expectedVersion: versionOf(req, body),
          actor: actor(req),
          apply: async (current, transaction) => {
            let technicianId = body.technician_id;
            if (technicianId) {
              const technician = await models.Technician.findByPk(technicianId, { transaction });
              if (!technician) throw badRequest('技师不存在', 'TECHNICIAN_NOT_FOUND');
              if (!technician.is_active) throw unprocessable('该技师已停用，不能分配', 'TECHNICIAN_INACTIVE');
            } else {
              const picked = pickTechnician(await candidates(transaction), current.center_id);
              if (!picked) throw unprocessable('没有可分配的在岗技师', 'NO_TECHNICIAN_AVAILABLE');
              technicianId = picked.id;
              auto = true;
            }
            return { technician_id: technicianId, assigned_at: new Date() };
          },
          details: { auto: !body.technician_id },
        });
        const technician = await models.Technician.findByPk(ticket.technician_id!);
        return ok(ticketView(ticket, technician), auto ? '已自动分配技师' : '分配成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/tickets/:id/start',
      summary: '开始服务（ASSIGNED → IN_PROGRESS），被分配的技师或有完成权限的人员',
      access: { anyOf: [permissions.ticketsComplete, permissions.ticketsOwn] },
      params: idParams,
      body: z.object({ version }),
      handler: async ({ params, body }, req) => {
        await workableTicket(models, req.user!, params.id, permissions.ticketsComplete);
        const ticket = await store.change(params.id, { action: 'start', expectedVersion: versionOf(req, body), actor: actor(req) });
        return ok(ticketView(ticket), '已开始服务');
      },
    })
    .route({
      method: 'post',
      path: '/api/tickets/:id/complete',
      summary: '完成工单（至少一张回执图片；状态须为 ASSIGNED 或 IN_PROGRESS）',
      access: { anyOf: [permissions.ticketsComplete, permissions.ticketsOwn] },
      params: idParams,
      body: z.object({ version, note: z.string().trim().max(500, '备注不能超过500个字符').optional() }),
      handler: async ({ params, body }, req) => {
        await workableTicket(models, req.user!, params.id, permissions.ticketsComplete);
        const ticket = await store.change(params.id, {
          action: 'complete',
          expectedVersion: versionOf(req, body),
          actor: actor(req),
          details: body.note ? { note: body.note } : undefined,
          apply: async (current, transaction) => {
            const receipts = await models.TicketImage.count({ where: { ticket_id: current.id, type: 'RECEIPT' }, transaction });
            assertCanComplete(receipts);
            return { completed_at: new Date() };
          },
        });
        return ok(ticketView(ticket), '工单已完成');
      },
    })
    .route({
      method: 'post',
      path: '/api/tickets/:id/cancel',
      summary: '取消工单（需填写原因；已完成或已取消的工单不能取消）',
      access: { permission: permissions.ticketsWrite },
      params: idParams,
      body: z.object({ version, reason: z.string({ error: '请填写取消原因' }).trim().min(1, '请填写取消原因').max(255, '取消原因不能超过255个字符') }),
      handler: async ({ params, body }, req) => {
        const ticket = await store.change(params.id, {
          action: 'cancel',
          expectedVersion: versionOf(req, body),
          actor: actor(req),
          reason: body.reason,
          apply: () => ({ cancel_reason: body.reason }),
        });
        return ok(ticketView(ticket), '工单已取消');
      },
    });
  return api.router;
}
