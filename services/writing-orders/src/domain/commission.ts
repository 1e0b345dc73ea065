import { formatFen, toFen } from './money.js';

/**
 * The customer-service commission rule. The seed gives no formula, so the formula is data: a rate in
 * basis points applied to the order's net amount, where each deduction can be switched off. Finance
 * reads and replaces it through the API; every change is a new version.
 *
 *   net        = paid amount − (refund) − (payment fee) − (writer fees)
 *   commission = round_half_away_from_zero(net × rate_bp / 10000) fen   (negative results are kept)
 *
 * The paid amount is the bill's `amount` (orders) when the bill was imported, else the amount the
 * agent entered (`order_amount`); the refund likewise. Recalculation evaluates this in SQL.
 */
export interface CommissionRule {
  rate_bp: number;
  deduct_refund: boolean;
  deduct_payment_fee: boolean;
  deduct_writer_fees: boolean;
}

/** Default: 10 % of what the studio keeps after refund, payment fee and writer fees. */
export const DEFAULT_RULE: CommissionRule = { rate_bp: 1000, deduct_refund: true, deduct_payment_fee: true, deduct_writer_fees: true };

/** "10.00" ⇄ 1000 basis points. */
export const rateText = (bp: number) => formatFen(bp);
export function rateFromText(text: string): number | undefined {
  const bp = toFen(text);
  return bp === null || bp === undefined || bp < 0 || bp > 10000 ? undefined : bp;
}

export interface CommissionInputs {
  amountFen: number;
  refundFen: number;
  paymentFeeFen: number;
  writerFeesFen: number;
}

/** The same rule in code (for tests and previews); SQL recalculation must agree with it. */
export function commissionFen(rule: CommissionRule, i: CommissionInputs): number {
  const net =
    i.amountFen - (rule.deduct_refund ? i.refundFen : 0) - (rule.deduct_payment_fee ? i.paymentFeeFen : 0) - (rule.deduct_writer_fees ? i.writerFeesFen : 0);
  const scaled = net * rule.rate_bp; // exact: both integers, far below 2^53
  const q = Math.trunc(scaled / 10000);
  const r = Math.abs(scaled % 10000);
  return r * 2 >= 10000 ? q + Math.sign(scaled) : q;
}
