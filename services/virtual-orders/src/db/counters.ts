import type { Transaction } from 'sequelize';
import type { Sql } from './sql.js';

export type CounterColumn = 'tasks_generated' | 'tasks_expired' | 'tasks_completed';

/** Adds to the business day's counters (the daily report reads them: expired tasks are deleted). */
export async function bumpDailyCounter(sql: Sql, transaction: Transaction, day: string, column: CounterColumn, n: number) {
  if (n <= 0) return;
  const q = sql.upsertAdd('virtual_daily_counters', 'day', ['day', column], [[day, n]], [column]);
  await sql.run(q.sql, q.replacements, transaction);
}
