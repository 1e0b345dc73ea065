import { formatFen, toFen } from './money.js';
import { sheetDateToWallClock, wallClockToDate } from './wall-clock.js';

/** A payment bill as the orders table keeps it; money as "12.30", times as instants. */
export interface Bill {
  order_id: string;
  payment_id: string | null;
  amount: string | null;
  status: string | null;
  create_time: Date | null;
  merchant_remark: string | null;
  refund_amount: string | null;
  fee: string | null;
  channel: string | null;
  confirm_time: Date | null;
  merchant_payment: string | null;
}
export type BillField = Exclude<keyof Bill, never>;
export const BILL_FIELDS: readonly BillField[] = [
  'order_id', 'payment_id', 'amount', 'status', 'create_time', 'merchant_remark', 'refund_amount', 'fee', 'channel', 'confirm_time', 'merchant_payment',
];

/**
 * Column titles of the bill exports studios download (Alipay 交易明细, WeCom 对外收款), and our own
 * field names, mapped to the orders columns.
 */
const HEADERS: Record<string, BillField> = {};
const alias = (field: BillField, ...titles: string[]) => titles.forEach((t) => (HEADERS[normal(t)] = field));
function normal(title: string) {
  return title.replace(/[\s\u3000\ufeff]/g, '').replace(/[（(].*?[)）]/g, '').toLowerCase();
}
alias('order_id', 'order_id', '订单编号', '订单号', '商户订单号', '商家订单号');
alias('payment_id', 'payment_id', '支付单号', '支付宝交易号', '交易号', '交易单号', '微信支付单号', '支付订单号');
alias('amount', 'amount', '买家实付金额', '实付金额', '订单金额', '交易金额', '金额', '收款金额');
alias('status', 'status', '订单状态', '交易状态', '状态');
alias('create_time', 'create_time', '订单创建时间', '创建时间', '交易创建时间', '下单时间', '交易时间', '付款时间');
alias('merchant_remark', 'merchant_remark', '商家备注', '备注', '商品名称');
alias('refund_amount', 'refund_amount', '卖家实退金额', '退款金额', '实退金额', '已退款金额');
alias('fee', 'fee', '手续费', '服务费', '服务费（元）');
alias('channel', 'channel', '渠道', '支付渠道', '收款渠道');
alias('confirm_time', 'confirm_time', '确认收货时间', '交易完成时间', '完成时间');
alias('merchant_payment', 'merchant_payment', '打款商家金额', '商家实收', '商家实收金额', '结算金额');

/** Column index → field for a header row, or null when the row is not a bill header. */
export function headerMap(cells: unknown[]): Map<number, BillField> | null {
  const map = new Map<number, BillField>();
  cells.forEach((c, i) => {
    const field = typeof c === 'string' ? HEADERS[normal(c)] : undefined;
    if (field && ![...map.values()].includes(field)) map.set(i, field);
  });
  return [...map.values()].includes('order_id') ? map : null;
}

export const CHANNELS = ['支付宝', '企业微信'] as const;

export type ParsedRow = { ok: true; bill: Bill } | { ok: false; order_id: string | null; reason: string };

const text = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return sheetDateToWallClock(v);
  if (typeof v === 'object' && v && 'text' in v) return String((v as { text: unknown }).text).trim() || null;
  if (typeof v === 'object' && v && 'richText' in v) return (v as { richText: Array<{ text: string }> }).richText.map((r) => r.text).join('').trim() || null;
  if (typeof v === 'object' && v && 'result' in v) return text((v as { result: unknown }).result);
  const s = String(v).trim();
  // exports often pad ids with a tab or quote so spreadsheets keep them as text
  return s.replace(/^[`'\t]+/, '') || null;
};

const LABEL: Record<BillField, string> = {
  order_id: '订单编号', payment_id: '支付单号', amount: '买家实付金额', status: '订单状态', create_time: '订单创建时间', merchant_remark: '商家备注',
  refund_amount: '卖家实退金额', fee: '手续费', channel: '渠道', confirm_time: '确认收货时间', merchant_payment: '打款商家金额',
};
const LIMIT: Partial<Record<BillField, number>> = { order_id: 64, payment_id: 64, status: 50, merchant_remark: 255, channel: 20 };

/** One data row of a bill file, checked and normalised; the reason says what a person must fix. */
export function parseBillRow(cells: unknown[], header: Map<number, BillField>, zone: string, defaultChannel: string | null): ParsedRow {
  const raw: Partial<Record<BillField, unknown>> = {};
  for (const [i, field] of header) raw[field] = cells[i];
  const orderId = text(raw.order_id);
  const fail = (reason: string): ParsedRow => ({ ok: false, order_id: orderId, reason });
  if (!orderId) return fail('缺少订单编号');
  const bill: Partial<Bill> = { order_id: orderId };
  for (const field of BILL_FIELDS) {
    if (field === 'order_id') continue;
    const value = raw[field];
    if (field === 'amount' || field === 'refund_amount' || field === 'fee' || field === 'merchant_payment') {
      const fen = toFen(typeof value === 'number' ? value : text(value));
      if (fen === undefined) return fail(`${LABEL[field]}不是有效金额: ${text(value)}`);
      bill[field] = fen === null ? null : formatFen(fen);
    } else if (field === 'create_time' || field === 'confirm_time') {
      const t = text(value);
      if (!t) bill[field] = null;
      else {
        const at = wallClockToDate(t, zone);
        if (!at) return fail(`${LABEL[field]}不是有效时间: ${t}`);
        bill[field] = at;
      }
    } else {
      bill[field] = text(value);
    }
  }
  bill.channel = bill.channel ?? defaultChannel;
  for (const [field, max] of Object.entries(LIMIT) as Array<[BillField, number]>) {
    const v = bill[field];
    if (typeof v === 'string' && v.length > max) return fail(`${LABEL[field]}不能超过${max}个字符`);
  }
  return { ok: true, bill: bill as Bill };
}

/** The comparable form of a bill (as read back from either database) to tell unchanged rows. */
export function billKey(b: Record<BillField, unknown>): string {
  return BILL_FIELDS.map((f) => {
    const v = b[f];
    if (v === null || v === undefined) return '';
    if (f === 'amount' || f === 'refund_amount' || f === 'fee' || f === 'merchant_payment') {
      const fen = toFen(v);
      return fen === null || fen === undefined ? '' : formatFen(fen);
    }
    if (f === 'create_time' || f === 'confirm_time') return String(new Date(v as string | Date).getTime());
    return String(v);
  }).join('\u0001');
}
