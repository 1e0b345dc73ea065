import { dialectOf } from '@backoffice/kit';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { copyBillAmounts } from './commission-sql.js';
import { BILL_FIELDS, billKey, type Bill, type BillField } from '../domain/bill-rows.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Writes one batch of bills: one SELECT tells new, changed and unchanged rows apart, then one
 * multi-row INSERT … ON DUPLICATE KEY UPDATE (SQLite: ON CONFLICT DO UPDATE) writes the new and
 * changed ones. Assignments (customer, writers) and commission are never touched by an import.
 */
export async function upsertBills(sequelize: Sequelize, bills: Bill[], transaction: Transaction): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  if (!bills.length) return counts;
  const existing = await sequelize.query<Record<BillField, unknown>>(`SELECT ${BILL_FIELDS.join(', ')} FROM orders WHERE order_id IN (?)`, {
    replacements: [bills.map((b) => b.order_id)],
    type: QueryTypes.SELECT,
    transaction,
  });
  const before = new Map(existing.map((r) => [String(r.order_id), billKey(r)]));
  const write: Bill[] = [];
  for (const b of bills) {
    const old = before.get(b.order_id);
    if (old === undefined) counts.inserted++;
    else if (old === billKey(b)) {
      counts.unchanged++;
      continue;
    } else counts.updated++;
    write.push(b);
  }
  if (!write.length) return counts;
  const now = new Date();
  const cols = [...BILL_FIELDS, 'created_at', 'updated_at'];
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  const values = write.flatMap((b) => [...BILL_FIELDS.map((f) => b[f]), now, now]);
  const updates = BILL_FIELDS.filter((f) => f !== 'order_id');
  const onConflict =
    dialectOf(sequelize) === 'mysql'
      ? `ON DUPLICATE KEY UPDATE ${[...updates, 'updated_at'].map((f) => `${f} = VALUES(${f})`).join(', ')}`
      : `ON CONFLICT(order_id) DO UPDATE SET ${[...updates, 'updated_at'].map((f) => `${f} = excluded.${f}`).join(', ')}`;
  await sequelize.query(`INSERT INTO orders (${cols.join(', ')}) VALUES ${write.map(() => tuple).join(', ')} ${onConflict}`, {
    replacements: values,
    transaction,
  });
  await copyBillAmounts(sequelize, write.map((b) => b.order_id), transaction);
  return counts;
}
