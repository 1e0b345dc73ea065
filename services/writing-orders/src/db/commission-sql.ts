import { affectedRows, dialectOf } from '@backoffice/kit';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { DEFAULT_RULE, type CommissionRule } from '../domain/commission.js';

export interface StoredRule extends CommissionRule {
  version: number;
  note: string | null;
  created_by: number | null;
  created_at: Date | null;
}

/** The rule in force: the highest version, or the documented default (version 0) before any change. */
export async function currentRule(sequelize: Sequelize, transaction?: Transaction): Promise<StoredRule> {
  const [row] = await sequelize.query<Record<string, unknown>>('SELECT * FROM commission_rules ORDER BY version DESC LIMIT 1', { type: QueryTypes.SELECT, transaction });
  if (!row) return { ...DEFAULT_RULE, version: 0, note: '默认规则', created_by: null, created_at: null };
  return {
    version: Number(row.version),
    rate_bp: Number(row.rate_bp),
    deduct_refund: Number(row.deduct_refund) === 1,
    deduct_payment_fee: Number(row.deduct_payment_fee) === 1,
    deduct_writer_fees: Number(row.deduct_writer_fees) === 1,
    note: (row.note as string | null) ?? null,
    created_by: row.created_by === null ? null : Number(row.created_by),
    created_at: row.created_at ? new Date(row.created_at as string) : null,
  };
}

/**
 * The rule as one SQL expression over a customer order's own columns (the bill's amounts were copied
 * onto the row as bill_amount, bill_refund_amount, bill_fee; without a bill the agent's figures count),
 * rounded half away from zero like commissionFen() in domain/commission.ts. MariaDB computes in exact
 * DECIMAL; SQLite has no decimal type, so there every amount is first made whole fen.
 */
export function commissionExpression(rule: CommissionRule, dialect: 'mysql' | 'sqlite'): string {
  const exact = dialect === 'mysql';
  const amount = (expr: string) => (exact ? `(${expr})` : `ROUND((${expr}) * 100)`);
  const terms = [amount('COALESCE(bill_amount, order_amount, 0)')];
  if (rule.deduct_refund) terms.push(`- ${amount('COALESCE(bill_refund_amount, refund_amount, 0)')}`);
  if (rule.deduct_payment_fee) terms.push(`- ${amount('COALESCE(bill_fee, 0)')}`);
  if (rule.deduct_writer_fees) terms.push(`- ${amount('COALESCE(fee, 0) + COALESCE(fee_2, 0)')}`);
  const rate = Math.trunc(rule.rate_bp); // an integer we produced, never user text
  const fraction = `${Math.trunc(rate / 10000)}.${String(rate % 10000).padStart(4, '0')}`; // 1250 → 0.1250
  return exact ? `ROUND((${terms.join(' ')}) * ${fraction}, 2)` : `(ROUND((${terms.join(' ')}) * ${rate} / 10000.0) / 100.0)`;
}

/** Which customer orders a recalculation touches: fixed, and whose commission was not paid out yet. */
export const RECALC_SCOPE = 'is_fixed = 1 AND customer_settlement_exported = 0';

/**
 * Recomputes every in-scope commission with one set-based UPDATE (the same SQL on MariaDB and
 * SQLite) and returns how many orders it covered. Running it again with the same rule changes nothing.
 */
export async function recalculateCommissions(sequelize: Sequelize, rule: StoredRule, transaction: Transaction): Promise<number> {
  const sql = `UPDATE customer_orders SET customer_commission = ${commissionExpression(rule, dialectOf(sequelize))}, commission_rule_version = ? WHERE ${RECALC_SCOPE}`;
  if (dialectOf(sequelize) === 'sqlite') {
    // SQLite writes (and counts) every row the WHERE matched
    const [, changes] = await sequelize.query(sql, { replacements: [rule.version], type: QueryTypes.UPDATE, transaction });
    return affectedRows(changes);
  }
  // MariaDB's affected rows are only the changed ones; its info line also gives the rows matched,
  // which spares a second pass over a million rows to count them
  const [result] = await sequelize.query(sql, { replacements: [rule.version], transaction });
  const matched = /Rows matched:\s*(\d+)/.exec(String((result as { info?: string } | undefined)?.info ?? ''));
  if (matched) return Number(matched[1]);
  const [{ n }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM customer_orders WHERE ${RECALC_SCOPE}`, { type: QueryTypes.SELECT, transaction });
  return Number(n);
}

/** Copies the bills' amounts onto the customer orders of these order numbers (after an import batch). */
export async function copyBillAmounts(sequelize: Sequelize, orderIds: string[], transaction: Transaction): Promise<void> {
  if (!orderIds.length) return;
  const bill = (col: string) => `(SELECT b.${col} FROM orders b WHERE b.order_id = customer_orders.order_id)`;
  await sequelize.query(
    `UPDATE customer_orders SET bill_amount = ${bill('amount')}, bill_refund_amount = ${bill('refund_amount')}, bill_fee = ${bill('fee')} WHERE order_id IN (?)`,
    { replacements: [orderIds], transaction },
  );
}
