import { inTransaction } from '@backoffice/kit';
import { dbFen, formatYuan, percent } from '../domain/money.js';
import { asDate, type Sql } from './sql.js';
import { overview } from './stats.js';

interface ReportRow {
  id: number;
  report_date: string;
  [column: string]: unknown;
}

/** A daily snapshot into virtual_order_reports (replaced when taken again for the same day). */
export async function takeSnapshot(sql: Sql, day: string, now: Date) {
  await inTransaction(sql.sequelize, async (transaction) => {
    const o = await overview(sql, transaction);
    const [c] = await sql.select<{ tasks_generated: unknown; tasks_expired: unknown; tasks_completed: unknown }>('SELECT * FROM virtual_daily_counters WHERE day = ?', [day], transaction);
    const row = {
      report_date: day,
      total_students: o.total_students,
      total_subsidy_amount: formatYuan(o.total_subsidy_fen),
      tasks_generated: Number(c?.tasks_generated ?? 0),
      tasks_completed: Number(c?.tasks_completed ?? 0),
      tasks_expired: Number(c?.tasks_expired ?? 0),
      open_tasks: o.open_tasks,
      accepted_tasks: o.accepted_tasks,
      total_tasks: o.total_tasks,
      completed_tasks: o.completed_tasks,
      completion_rate: percent(o.completed_tasks, o.total_tasks).toFixed(2),
      pools_active: o.pools.active,
      pools_completed: o.pools.completed,
      pools_expired: o.pools.expired,
      remaining_amount: formatYuan(o.remaining_fen),
      created_at: now,
    };
    await sql.run('DELETE FROM virtual_order_reports WHERE report_date = ?', [day], transaction);
    const columns = Object.keys(row);
    await sql.run(`INSERT INTO virtual_order_reports (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, Object.values(row), transaction);
  });
  const [saved] = await sql.select<ReportRow>('SELECT * FROM virtual_order_reports WHERE report_date = ?', [day]);
  return reportView(saved);
}

export const reportView = (r: ReportRow) => ({
  id: Number(r.id),
  report_date: r.report_date,
  total_students: Number(r.total_students),
  total_subsidy_amount: formatYuan(dbFen(r.total_subsidy_amount)),
  tasks_generated: Number(r.tasks_generated),
  tasks_completed: Number(r.tasks_completed),
  tasks_expired: Number(r.tasks_expired),
  open_tasks: Number(r.open_tasks),
  accepted_tasks: Number(r.accepted_tasks),
  total_tasks: Number(r.total_tasks),
  completed_tasks: Number(r.completed_tasks),
  completion_rate: Number(r.completion_rate),
  pools_active: Number(r.pools_active),
  pools_completed: Number(r.pools_completed),
  pools_expired: Number(r.pools_expired),
  remaining_amount: formatYuan(dbFen(r.remaining_amount)),
  created_at: asDate(r.created_at),
});

export async function listReports(sql: Sql, page: number, size: number, from?: string, to?: string) {
  const where: string[] = [];
  const values: unknown[] = [];
  if (from) where.push('report_date >= ?') && values.push(from);
  if (to) where.push('report_date <= ?') && values.push(to);
  const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await sql.select<{ n: unknown }>(`SELECT COUNT(*) AS n FROM virtual_order_reports${clause}`, values);
  const rows = await sql.select<ReportRow>(`SELECT * FROM virtual_order_reports${clause} ORDER BY report_date DESC LIMIT ${size} OFFSET ${(page - 1) * size}`, values);
  return { total: Number(n), list: rows.map(reportView), page, size };
}
