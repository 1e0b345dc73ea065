/**
 * Order life: `unconfigured` (goods not set up yet) or `ignored` (not a virtual card goods) →
 * `pending` → `delivering` (a code is claimed, the send is in flight) → `delivered` → `verified`;
 * `waiting_stock` when no code is left; `delivery_failed` / `verify_failed` when the platform refuses.
 */
export const ORDER_STATUSES = ['unconfigured', 'ignored', 'pending', 'waiting_stock', 'delivering', 'delivery_failed', 'delivered', 'verified', 'verify_failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * How a goods' orders are verified once delivered:
 * - `on_delivery`: at once (codes consumed by the act of delivery, e.g. top-up codes);
 * - `after_delay`: `verify_delay_minutes` after delivery (the buyer had time to redeem);
 * - `manual`: only when staff verify the code the buyer presents (POST /api/pdd/verify).
 */
export const VERIFY_RULES = ['on_delivery', 'after_delay', 'manual'] as const;
export type VerifyRule = (typeof VERIFY_RULES)[number];

export const VERIFY_MODES = ['auto', 'manual', 'batch'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];

/** When automatic verification of an order delivered at `deliveredAt` is due; null: never automatically. */
export function autoVerifyAt(rule: VerifyRule, delayMinutes: number, deliveredAt: Date): Date | null {
  if (rule === 'on_delivery') return deliveredAt;
  if (rule === 'after_delay') return new Date(deliveredAt.getTime() + delayMinutes * 60_000);
  return null;
}

/** The status a newly seen order starts in, from its goods' configuration. */
export function initialStatus(goods: { is_virtual: boolean; delivery_method: string } | undefined): OrderStatus {
  if (!goods) return 'unconfigured';
  return goods.is_virtual && goods.delivery_method === 'card_code' ? 'pending' : 'ignored';
}

/** Exponential backoff before attempt n+1 after n failed attempts. */
export const backoffSeconds = (base: number, failedAttempts: number) => base * 2 ** Math.max(0, failedAttempts - 1);

/** After a failed attempt: give up (final) or try again later. */
export function afterFailure(failedAttempts: number, maxAttempts: number, permanent: boolean): 'retry' | 'fail' {
  return permanent || failedAttempts >= maxAttempts ? 'fail' : 'retry';
}

/** Idempotency keys sent to the platform: one delivery and one verification per order. */
export const deliveryBizNo = (orderSn: string) => `D${orderSn}`;
export const verificationTransNo = (orderSn: string) => `V${orderSn}`;
