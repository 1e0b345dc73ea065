import { fields } from '@backoffice/kit';
import { z } from 'zod';
import { SETTLEMENT_STATUSES } from '../domain/settlement.js';
import { formatFen, toFen } from '../domain/money.js';

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isCalendarDate = (s: string) => {
  if (!CALENDAR_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};
export const date = (label: string) => z.string({ error: `请提供${label}（YYYY-MM-DD）` }).refine(isCalendarDate, `${label}格式应为 YYYY-MM-DD`);

/** An amount as a number or decimal text, stored as "12.30"; null clears it. */
export const money = (label: string) =>
  z.union([z.number(), z.string()], { error: `${label}必须是金额` }).nullable().transform((v, ctx) => {
    const fen = toFen(v);
    if (fen === undefined) {
      ctx.addIssue({ code: 'custom', message: `${label}必须是金额，最多两位小数` });
      return z.NEVER;
    }
    return fen === null ? null : formatFen(fen);
  });
export const queryMoney = (label: string) => z.string().transform((v, ctx) => {
  const fen = toFen(v);
  if (fen === null || fen === undefined) {
    ctx.addIssue({ code: 'custom', message: `${label}必须是金额` });
    return z.NEVER;
  }
  return fen;
});

const zeroOne = (label: string) =>
  z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1'), z.boolean()], { error: `${label}只能是 0 或 1` }).transform((v) => (v === 1 || v === '1' || v === true ? 1 : 0));
const text = (label: string, max: number) => z.string().trim().max(max, `${label}不能超过${max}个字符`).nullable();
const id = (label: string) => z.string().trim().min(1, `${label}不能为空`).max(32, `${label}不能超过32个字符`).nullable();

export const orderFields = z.object({
  order_id: z.string({ error: '订单编号不能为空' }).trim().min(1, '订单编号不能为空').max(64, '订单编号不能超过64个字符'),
  date: date('日期'),
  is_fixed: zeroOne('是否定稿'),
  order_content: z.string().max(5000, '稿件内容信息不能超过5000个字符').nullable().optional(),
  word_count: z.coerce.number({ error: '稿件字数必须是整数' }).int('稿件字数必须是整数').min(0, '稿件字数不能为负').nullable().optional(),
  fee: money('稿费').optional(),
  customer_id: z.coerce.number({ error: '客服ID必须是正整数' }).int().positive('客服ID必须是正整数').optional(),
  writer_id: id('写手ID').optional(),
  fee_2: money('第二个写手的稿费').optional(),
  writer_id_2: id('第二个写手ID').optional(),
  dispatch_id: z.string().trim().max(64, '派单编号不能超过64个字符').nullable().optional().transform((v) => (v === '' ? null : v)),
  exchange_time: text('交稿时间', 32).optional(),
  payment_channel: text('付款渠道', 32).optional(),
  store_name: text('店铺名', 100).optional(),
  new_customer: zeroOne('是否新客户').optional(),
  customer_name: text('客户名称', 100).optional(),
  order_amount: money('订单下单金额').optional(),
  refund_amount: money('退款金额').optional(),
  special_situation: text('特殊情况', 255).optional(),
  fee_per_1000: money('每千字费用').optional(),
});

export const settlementStatus = z.enum(SETTLEMENT_STATUSES, { error: `结算状态只能是 ${SETTLEMENT_STATUSES.join('/')}` });
/** "Eligible,Locked" → ['Eligible', 'Locked']. */
export const statusList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(settlementStatus).min(1, '请至少选择一个结算状态'));

export const idList = (emptyMessage: string) =>
  z.object({
    order_ids: z.array(fields.id, { error: emptyMessage }).min(1, emptyMessage).max(5000, '一次最多处理5000个订单'),
  });

export const exportQuery = z.object({
  start: date('开始日期'),
  end: date('结束日期'),
  settlement_status: statusList.optional(),
  format: z.enum(['json', 'xlsx'], { error: 'format 只能是 json 或 xlsx' }).default('json'),
});
