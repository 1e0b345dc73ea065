import type { Alert, CardCode, Goods, PddOrder, VerificationRecord } from '../db/models.js';
import { fenToYuan, yuanToFen } from '../domain/money.js';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export const orderView = (o: PddOrder): Record<string, unknown> => ({
  order_sn: o.order_sn,
  goods_id: o.goods_id,
  goods_name: o.goods_name,
  goods_count: o.goods_count,
  pay_amount: fenToYuan(yuanToFen(o.pay_amount)),
  status: o.status,
  platform_status: o.platform_status,
  platform_updated_at: new Date(Number(o.platform_updated_at) * 1000).toISOString(),
  card_code_id: o.card_code_id ?? null,
  delivery_attempts: o.delivery_attempts,
  verify_attempts: o.verify_attempts,
  next_verify_at: iso(o.next_verify_at),
  last_error: o.last_error ?? null,
  delivered_at: iso(o.delivered_at),
  verified_at: iso(o.verified_at),
  created_at: iso(o.created_at),
});

export const recordView = (r: VerificationRecord): Record<string, unknown> => ({
  id: r.id,
  order_sn: r.order_sn,
  goods_id: r.goods_id,
  mode: r.mode,
  verification_code: r.code_masked,
  status: r.status,
  attempts: r.attempts,
  error_code: r.error_code ?? null,
  reason: r.reason ?? null,
  operator_user_id: r.operator_user_id,
  verified_at: iso(r.verified_at),
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export const goodsView = (g: Goods, stock: { available: number; claimed: number; delivered: number }): Record<string, unknown> => ({
  goods_id: g.goods_id,
  goods_name: g.goods_name,
  is_virtual: Boolean(g.is_virtual),
  delivery_method: g.delivery_method,
  verify_rule: g.verify_rule,
  verify_delay_minutes: g.verify_delay_minutes,
  low_stock_threshold: g.low_stock_threshold,
  stock,
  low_stock: stock.available < g.low_stock_threshold,
});

export const codeView = (c: CardCode): Record<string, unknown> => ({
  id: c.id,
  goods_id: c.goods_id,
  code: c.code_masked,
  status: c.status,
  order_sn: c.order_sn ?? null,
  batch_id: c.batch_id,
  delivered_at: iso(c.delivered_at),
  created_at: iso(c.created_at),
});

export const alertView = (a: Alert): Record<string, unknown> => ({
  id: a.id,
  kind: a.kind,
  subject: a.subject,
  occurrences: a.occurrences,
  status: a.status,
  last_error: a.last_error ?? null,
  first_at: iso(a.first_at),
  last_at: iso(a.last_at),
  sent_at: iso(a.sent_at),
});
