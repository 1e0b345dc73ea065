import { moneyText } from '../domain/money.js';
import type { WriterRow } from '../db/lookups.js';
import type { CustomerOrder, PaidOrder } from '../db/order-models.js';
import { formatFen, toFen } from '../domain/money.js';

export interface Names {
  users: Map<number, string>;
  writers: Map<string, WriterRow>;
  /** Commission of the customer order with the same number (paid-order lists). */
  commissions?: Map<string, unknown>;
}

const writerName = (names: Names, id: string | null) => (id ? (names.writers.get(id)?.name ?? null) : null);
const userName = (names: Names, id: number | null) => (id === null ? null : (names.users.get(id) ?? null));

export function paidOrderView(o: PaidOrder, names: Names): Record<string, unknown> {
  return {
    order_id: o.order_id,
    payment_id: o.payment_id,
    amount: moneyText(o.amount),
    status: o.status,
    create_time: o.create_time,
    merchant_remark: o.merchant_remark,
    refund_amount: moneyText(o.refund_amount),
    fee: moneyText(o.fee),
    channel: o.channel,
    confirm_time: o.confirm_time,
    merchant_payment: moneyText(o.merchant_payment),
    created_at: o.created_at,
    updated_at: o.updated_at,
    customer_id: o.customer_id,
    customer_name: userName(names, o.customer_id),
    writer_id: o.writer_id,
    writer_name: writerName(names, o.writer_id),
    writer_id_2: o.writer_id_2,
    writer_name_2: writerName(names, o.writer_id_2),
    writer_fee: moneyText(o.writer_fee),
    writer_fee_2: moneyText(o.writer_fee_2),
    fee_per_1000: moneyText(o.fee_per_1000),
    customer_commission: moneyText(names.commissions?.get(o.order_id) ?? null),
  };
}

export function customerOrderView(o: CustomerOrder, names: Names): Record<string, unknown> {
  return {
    id: o.id,
    order_id: o.order_id,
    date: o.date,
    is_fixed: Number(o.is_fixed),
    order_content: o.order_content,
    word_count: o.word_count,
    fee: moneyText(o.fee),
    customer_id: o.customer_id,
    customer_service_name: userName(names, o.customer_id),
    writer_id: o.writer_id,
    writer_name: writerName(names, o.writer_id),
    fee_2: moneyText(o.fee_2),
    writer_id_2: o.writer_id_2,
    writer_name_2: writerName(names, o.writer_id_2),
    exchange_time: o.exchange_time,
    payment_channel: o.payment_channel,
    store_name: o.store_name,
    new_customer: Number(o.new_customer),
    customer_name: o.customer_name,
    order_amount: moneyText(o.order_amount),
    refund_amount: moneyText(o.refund_amount),
    special_situation: o.special_situation,
    dispatch_id: o.dispatch_id,
    fee_per_1000: moneyText(o.fee_per_1000),
    total_fee: formatFen((toFen(o.fee) ?? 0) + (toFen(o.fee_2) ?? 0)),
    customer_commission: moneyText(o.customer_commission),
    is_locked: Number(o.is_locked),
    locked_by: o.locked_by,
    locked_at: o.locked_at,
    locked_by_name: userName(names, o.locked_by),
    settlement_status: o.settlement_status,
    created_by: o.created_by,
    created_at: o.created_at,
    updated_at: o.updated_at,
  };
}
