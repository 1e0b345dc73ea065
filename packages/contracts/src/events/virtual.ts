import { z } from 'zod';
import { defineEvent } from './envelope.js';

/** Money on the bus is integer fen (分), like in code. */
const fen = z.number().int().nonnegative();

/** A subsidy file finished importing: who was credited how much, how many tasks were generated. */
export const subsidyImported = defineEvent(
  'virtual.subsidy.imported.v1',
  z.object({
    import_id: z.string(),
    file_sha256: z.string(),
    rows_read: z.number().int(),
    rows_accepted: z.number().int(),
    rows_rejected: z.number().int(),
    students: z.number().int(),
    total_amount_fen: fen,
    tasks_generated: z.number().int(),
  }),
);

/** Unaccepted tasks of one pool expired: their amount went back to the pool, to be re-allocated. */
export const taskExpired = defineEvent(
  'virtual.task.expired.v1',
  z.object({
    pool_id: z.number().int(),
    student_id: z.number().int(),
    amount_fen: fen,
    task_count: z.number().int(),
    order_numbers: z.array(z.string()),
    expired_at: z.string(),
  }),
);
