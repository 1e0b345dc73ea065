import { z } from 'zod';
import { defineEvent } from './envelope.js';

/** Money as printed in the seed: a decimal string with two places ("51.85", "-3.00"). */
const money = z.string().regex(/^-?\d+\.\d{2}$/);

/** A customer order (seed 八) reached AllSettled: customer service and writers are paid. */
export const customerOrderSettled = defineEvent(
  'writing.customer-order.settled.v1',
  z.object({
    id: z.number().int(),
    order_id: z.string(),
    from: z.string(),
    customer_id: z.number().int().nullable(),
    customer_commission: money.nullable(),
    writer_id: z.string().nullable(),
    writer_id_2: z.string().nullable(),
    fee: money.nullable(),
    fee_2: money.nullable(),
    actor_user_id: z.number().int().nullable(),
  }),
);

/** A customer order's writers were paid (Locked → WriterSettled); customer service not yet. */
export const customerOrderWriterSettled = defineEvent(
  'writing.customer-order.writer-settled.v1',
  z.object({
    id: z.number().int(),
    order_id: z.string(),
    writer_id: z.string().nullable(),
    writer_id_2: z.string().nullable(),
    fee: money.nullable(),
    fee_2: money.nullable(),
    actor_user_id: z.number().int().nullable(),
  }),
);

/** A full commission recalculation ran under one version of the commission rule. */
export const commissionRecalculated = defineEvent(
  'writing.commission.recalculated.v1',
  z.object({
    rule_version: z.number().int(),
    rate_percent: z.string(),
    processed: z.number().int(),
    actor_user_id: z.number().int().nullable(),
  }),
);
