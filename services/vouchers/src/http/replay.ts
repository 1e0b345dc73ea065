import { QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import type { Request } from 'express';

const SCOPE = 'vouchers.verify';

/**
 * `Idempotency-Key` on verify: the first success is stored and a retry with the same key gets it
 * back. No transaction is held across the platform calls; concurrent retries meet the voucher claim
 * (409) instead, and a retry after a failure simply runs again.
 */
export async function replayed(sequelize: Sequelize, req: Request): Promise<unknown | undefined> {
  const key = req.get('idempotency-key');
  if (!key) return undefined;
  const [row] = await sequelize.query<{ body: string }>('SELECT body FROM idempotency_keys WHERE scope = ? AND idem_key = ?', {
    replacements: [SCOPE, `${req.user!.id}:${key}`],
    type: QueryTypes.SELECT,
  });
  return row ? JSON.parse(row.body) : undefined;
}

export async function remember(sequelize: Sequelize, req: Request, body: unknown): Promise<void> {
  const key = req.get('idempotency-key');
  if (!key) return;
  try {
    await sequelize.query('INSERT INTO idempotency_keys (scope, idem_key, status, body, created_at) VALUES (?, ?, 200, ?, ?)', {
      replacements: [SCOPE, `${req.user!.id}:${key}`.slice(0, 128), JSON.stringify(body), new Date()],
    });
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
  }
}
