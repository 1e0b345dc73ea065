import { badRequest } from '@backoffice/contracts';
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import { runWrite } from './results.js';
import { inTransaction } from './transaction.js';

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** The key column holds 128 characters; a client's key must fit it and be printable ASCII. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * Runs `work` once per (scope, key). The key row is inserted first inside the same transaction as the
 * work, so a concurrent request with the same key waits on it and then replays the stored answer;
 * if the work fails, the row disappears with it and a retry runs afresh.
 */
export async function runIdempotent(
  sequelize: Sequelize,
  scope: string,
  key: string | undefined,
  work: (transaction: Transaction) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!key) return { ...(await inTransaction(sequelize, work)), replayed: false };
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw badRequest('Idempotency-Key 须为 1 到 128 个可见 ASCII 字符', 'BAD_IDEMPOTENCY_KEY');
  try {
    return await inTransaction(sequelize, async (transaction) => {
      await sequelize.query('INSERT INTO idempotency_keys (scope, idem_key, status, body, created_at) VALUES (?, ?, 0, NULL, ?)', {
        replacements: [scope, key, new Date()],
        type: QueryTypes.INSERT,
        transaction,
      });
      const result = await work(transaction);
      await sequelize.query('UPDATE idempotency_keys SET status = ?, body = ? WHERE scope = ? AND idem_key = ?', {
        replacements: [result.status, JSON.stringify(result.body), scope, key],
        transaction,
      });
      return { ...result, replayed: false };
    });
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    const [row] = await sequelize.query<{ status: number; body: string }>('SELECT status, body FROM idempotency_keys WHERE scope = ? AND idem_key = ?', {
      replacements: [scope, key],
      type: QueryTypes.SELECT,
    });
    return { status: Number(row.status), body: JSON.parse(row.body), replayed: true };
  }
}

/** Forgets keys older than `hours` (a retry comes within minutes; the table must not grow forever). */
export async function pruneIdempotencyKeys(sequelize: Sequelize, hours = 48): Promise<number> {
  return runWrite(sequelize, 'DELETE FROM idempotency_keys WHERE created_at < ?', { replacements: [new Date(Date.now() - hours * 3_600_000)] });
}
