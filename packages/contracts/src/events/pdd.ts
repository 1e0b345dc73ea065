import { z } from 'zod';
import { defineEvent } from './envelope.js';

export const pddVerificationMode = z.enum(['auto', 'manual', 'batch']);

/** A card code was sent to the buyer through the platform (`pdd.voucher.voucher.info.send`). */
export const pddOrderDelivered = defineEvent(
  'pdd.order.delivered.v1',
  z.object({
    order_sn: z.string(),
    goods_id: z.string(),
    card_code_id: z.number().int(),
    /** Masked; the code itself never leaves the service. */
    code_masked: z.string(),
    delivered_at: z.string(),
  }),
);

/** The platform accepted the verification (`pdd.voucher.virtual.card.verification`). */
export const pddOrderVerified = defineEvent(
  'pdd.order.verified.v1',
  z.object({
    order_sn: z.string(),
    goods_id: z.string(),
    mode: pddVerificationMode,
    attempts: z.number().int(),
    operator_user_id: z.number().int().nullable(),
    verified_at: z.string(),
  }),
);

/** Verification gave up: MAX_RETRY_TIMES attempts failed, or the platform refused it for good. */
export const pddVerificationFailed = defineEvent(
  'pdd.verification.failed.v1',
  z.object({
    order_sn: z.string(),
    goods_id: z.string(),
    mode: pddVerificationMode,
    attempts: z.number().int(),
    error_code: z.string().nullable(),
    reason: z.string(),
  }),
);
