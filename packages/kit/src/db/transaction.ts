import { DatabaseError, type Sequelize, type Transaction } from 'sequelize';

/** MySQL/MariaDB abort a whole transaction on these; running it again is the documented remedy. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

export function isRetryableTransactionError(err: unknown): boolean {
  if (!(err instanceof DatabaseError)) return false;
  const code = (err.parent as { code?: string } | undefined)?.code;
  return !!code && RETRYABLE.has(code);
}

/**
 * A managed transaction that is run again (up to `retries` times, with a short random pause) when the
 * database chose it as a deadlock victim. The callback must only touch the database, or be safe to repeat.
 */
export async function inTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>, retries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sequelize.transaction(work);
    } catch (err) {
      if (attempt > retries || !isRetryableTransactionError(err)) throw err;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * attempt));
    }
  }
}
