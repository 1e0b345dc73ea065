import { badRequest, ok } from '@backoffice/contracts';
import { runIdempotent } from '@backoffice/kit';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { APPOINTMENT_TIME, isBookableDate, isCalendarDate, isOrderedWindow, MAINLAND_MOBILE } from '../domain/booking-rules.js';
import type { TicketsDeps } from './context.js';

const text = (label: string, max: number) =>
  z.string({ error: `请填写${label}` }).trim().min(1, `请填写${label}`).max(max, `${label}不能超过${max}个字符`);

const bookingBody = z.object({
  customer_name: text('联系人姓名', 50),
  customer_phone: z.string({ error: '请填写手机号' }).trim().regex(MAINLAND_MOBILE, '请填写正确的11位手机号'),
  address: text('服务地址', 255).refine((v) => v.length >= 5, '服务地址至少5个字符'),
  appointment_date: z.string({ error: '请选择预约日期' }).refine(isCalendarDate, '预约日期格式应为 YYYY-MM-DD'),
  appointment_time: z
    .string({ error: '请选择预约时间' })
    .trim()
    .regex(APPOINTMENT_TIME, '预约时间格式应为 HH:mm 或 HH:mm-HH:mm')
    .refine(isOrderedWindow, '预约时间段的结束时间须晚于开始时间'),
  issue_desc: text('故障描述', 2000),
  center_id: z.string().trim().min(1).max(50).optional(),
});

/** The public booking form: no login, limited per IP, safe to retry with an Idempotency-Key. */
export function bookingRoutes(deps: TicketsDeps) {
  const { store, phones, sequelize, config } = deps;
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: config.BOOKING_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => void res.status(429).json({ code: 429, message: '预约提交过于频繁，请稍后再试', reason: 'RATE_LIMITED' }),
  });
  const api = deps.router('预约');
  api.route({
    method: 'post',
    path: '/api/public/booking',
    summary: '用户预约提交（无需登录），返回工单号；支持 Idempotency-Key 防重复提交',
    access: 'public',
    before: [limiter],
    body: bookingBody,
    handler: async ({ body }, req, res) => {
      if (!isBookableDate(body.appointment_date, config.BUSINESS_TIMEZONE)) throw badRequest('预约日期不能早于今天', 'DATE_IN_PAST');
      const key = req.get('idempotency-key')?.slice(0, 128);
      const phone = phones.protect(body.customer_phone);
      const result = await runIdempotent(sequelize, 'booking', key, async (transaction) => {
        const ticket = await store.book(
          {
            customer_name: body.customer_name,
            customer_phone_hash: phone.hash,
            customer_phone_encrypted: phone.encrypted,
            customer_phone_masked: phone.masked,
            address: body.address,
            appointment_date: body.appointment_date,
            appointment_time: body.appointment_time,
            issue_desc: body.issue_desc,
            center_id: body.center_id ?? null,
            technician_id: null,
          },
          transaction,
        );
        const data = { ticket_no: ticket.ticket_no, status: ticket.status, appointment_date: ticket.appointment_date, appointment_time: ticket.appointment_time };
        return { status: 201, body: ok(data, `预约成功，您的工单号是 ${ticket.ticket_no}`) };
      });
      if (result.replayed) res.setHeader('idempotent-replayed', 'true');
      res.status(result.status).json(result.body);
    },
  });
  return api.router;
}
