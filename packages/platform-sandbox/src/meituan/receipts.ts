import { beijingDate, beijingTimestamp } from '../common/clock.js';

export type ReceiptStatus = 'unused' | 'used' | 'expired' | 'refunded';

/** One group-buy receipt (团购券) as Meituan keeps it. Prices in yuan with two decimals, as the API sends them. */
export interface Receipt {
  receipt_code: string;
  order_id: string;
  deal_id: number;
  dealgroup_id: number;
  deal_title: string;
  deal_price: number;
  deal_marketprice: number;
  mobile: string;
  buyer_name: string;
  status: ReceiptStatus;
  expire_at: number;
  created_at: number;
  consumed_at?: number;
  requestid?: string;
  /** How many times the code was redeemed over its life (tests assert a single redemption). */
  consume_count: number;
  reverse_count: number;
}

export const MEITUAN_DEMO = {
  appKey: 'mt-demo-app-key',
  appSecret: 'mt-demo-app-secret',
  shopUuid: 'mt-demo-shop',
} as const;

/** Demo deals; the gym maps them to its products in the platform's configuration. */
export const MEITUAN_DEALS = [
  { deal_id: 610001, title: '【月卡】健身房30天畅练', price: 199, market: 299 },
  { deal_id: 610002, title: '【季卡】健身房90天畅练', price: 499, market: 799 },
  { deal_id: 610003, title: '【私教】一对一私教课10节', price: 1999, market: 2999 },
  { deal_id: 610004, title: '【团课】瑜伽团课体验1次', price: 29.9, market: 59 },
] as const;

/** The public view of a receipt (list and query answers). */
export function receiptView(r: Receipt, now: number) {
  const status = r.status === 'unused' && r.expire_at < now ? 'expired' : r.status;
  return {
    receipt_code: r.receipt_code,
    order_id: r.order_id,
    deal_id: r.deal_id,
    dealgroup_id: r.dealgroup_id,
    deal_title: r.deal_title,
    deal_price: r.deal_price,
    deal_marketprice: r.deal_marketprice,
    mobile: r.mobile,
    buyer_name: r.buyer_name,
    status: { unused: 1, used: 2, expired: 3, refunded: 4 }[status],
    receipt_end_date: beijingTimestamp(r.expire_at),
    create_time: beijingTimestamp(r.created_at),
    consume_time: r.consumed_at ? beijingTimestamp(r.consumed_at) : null,
    create_date: beijingDate(r.created_at),
  };
}

export function seedReceipts(now: number): Receipt[] {
  const out: Receipt[] = [];
  let n = 0;
  const add = (deal: (typeof MEITUAN_DEALS)[number], status: ReceiptStatus, expireDays: number) => {
    n += 1;
    out.push({
      receipt_code: `MT${String(10000000 + n)}`,
      order_id: `MTO${String(50000000 + n)}`,
      deal_id: deal.deal_id,
      dealgroup_id: deal.deal_id + 1000,
      deal_title: deal.title,
      deal_price: deal.price,
      deal_marketprice: deal.market,
      mobile: `1380013${String(8000 + n).padStart(4, '0')}`,
      buyer_name: `美团用户${n}`,
      status,
      expire_at: now + expireDays * 86_400_000,
      created_at: now - 3_600_000,
      consumed_at: status === 'used' ? now - 7_200_000 : undefined,
      consume_count: status === 'used' ? 1 : 0,
      reverse_count: 0,
    });
  };
  for (const deal of MEITUAN_DEALS) {
    for (let i = 0; i < 3; i++) add(deal, 'unused', 30);
    add(deal, 'used', 30);
    add(deal, 'unused', -1);
    add(deal, 'refunded', 30);
  }
  return out;
}
