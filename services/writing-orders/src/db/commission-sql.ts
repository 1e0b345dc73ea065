import { dialectOf } from '@backoffice/kit';
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

interface Columns {
  billAmount: string;
  billRefund: string;
  billFee: string;
}

/**
 * The rule as one SQL expression over `co` (customer_orders) and the bill columns: integer fen all the
 * way (DECIMAL on MariaDB; on SQLite the fen are rounded integers before the division), rounded half
 * away from zero like commissionFen() in domain/commission.ts.
 */
export function commissionExpression(rule: CommissionRule, c: Columns): string {
  const fen = (expr: string) => `ROUND((${expr}) * 100)`;
  const terms = [fen(`COALESCE(${c.billAmount}, co.order_amount, 0)`)];
  if (rule.deduct_refund) terms.push(`- ${fen(`COALESCE(${c.billRefund}, co.refund_amount, 0)`)}`);
  if (rule.deduct_payment_fee) terms.push(`- ${fen(`COALESCE(${c.billFee}, 0)`)}`);
  if (rule.deduct_writer_fees) terms.push(`- ${fen('COALESCE(co.fee, 0) + COALESCE(co.fee_2, 0)')}`);
  const rate = Math.trunc(rule.rate_bp); // an integer we produced, never user text
  return `(ROUND((${terms.join(' ')}) * ${rate} / 10000.0) / 100.0)`;
}

/** Which customer orders a recalculation touches: fixed, and whose commission was not paid out yet. */
export const RECALC_SCOPE = 'co.is_fixed = 1 AND co.customer_settlement_exported = 0';

/**
 * Recomputes every in-scope commission in set-based SQL and copies it to the bill (orders). MariaDB:
 * one multi-table UPDATE; SQLite: two UPDATEs. Running it again with the same rule changes nothing.
 */
export async function recalculateCommissions(sequelize: Sequelize, rule: StoredRule, transaction: Transaction): Promise<void> {
  if (dialectOf(sequelize) === 'mysql') {
    const expr = commissionExpression(rule, { billAmount: 'o.amount', billRefund: 'o.refund_amount', billFee: 'o.fee' });
    await sequelize.query(
      `UPDATE customer_orders co LEFT JOIN orders o ON o.order_id = co.order_id
          SET co.customer_commission = ${expr}, co.commission_rule_version = ?, o.customer_commission = ${expr}
        WHERE ${RECALC_SCOPE}`,
      { replacements: [rule.version], transaction },
    );
    return;
  }
  const bill = (col: string) => `(SELECT b.${col} FROM orders b WHERE b.order_id = co.order_id)`;
  const expr = commissionExpression(rule, { billAmount: bill('amount'), billRefund: bill('refund_amount'), billFee: bill('fee') });
  await sequelize.query(`UPDATE customer_orders AS co SET customer_commission = ${expr}, commission_rule_version = ? WHERE ${RECALC_SCOPE}`, {
    replacements: [rule.version],
    transaction,
  });
  await sequelize.query(
    `UPDATE orders SET customer_commission = co.customer_commission FROM customer_orders AS co WHERE co.order_id = orders.order_id AND ${RECALC_SCOPE}`,
    { transaction },
  );
}
