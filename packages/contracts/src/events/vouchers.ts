import { z } from 'zod';
import { defineEvent } from './envelope.js';

const voucherFact = z.object({
  voucher_id: z.number().int(),
  voucher_no: z.string(),
  platform_code: z.enum(['meituan', 'douyin']),
  voucher_type: z.number().int().min(1).max(3),
  product_id: z.number().int().nullable(),
  /** The gym member the voucher was redeemed for. */
  member_id: z.number().int(),
  /** 1 card opened, 2 card renewed, 3 course bought, 4 class booked. */
  result_type: z.number().int().min(1).max(4),
  result_id: z.number().int(),
  paid_price_fen: z.number().int(),
  operator_id: z.number().int(),
});

export const voucherVerified = defineEvent('vouchers.voucher.verified.v1', voucherFact.extend({ verified_at: z.string() }));
export const voucherCancelled = defineEvent('vouchers.voucher.cancelled.v1', voucherFact.extend({ cancelled_at: z.string() }));
