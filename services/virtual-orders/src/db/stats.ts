import type { Transaction } from 'sequelize';
import { dbFen, formatYuan, percent } from '../domain/money.js';
import type { Sql } from './sql.js';

export interface Overview {
  total_students: number;
  total_subsidy_fen: number;
  total_tasks: number;
  completed_tasks: number;
  open_tasks: number;
  accepted_tasks: number;
  completed_fen: number;
  remaining_fen: number;
  pools: Record<'active' | 'completed' | 'expired', number>;
}

/** The figures /stats, the daily report and the metrics share. Set-based: a few aggregate queries. */
export async function overview(sql: Sql, transaction?: Transaction): Promise<Overview> {
  const [students] = await sql.select<{ n: unknown }>('SELECT COUNT(*) AS n FROM virtual_students', [], transaction);
  const pools = await sql.select<{ status: string; n: unknown; total: unknown; completed: unknown; unpaid: unknown }>(
    'SELECT status, COUNT(*) AS n, SUM(total_amount) AS total, SUM(completed_amount) AS completed, SUM(total_amount - completed_amount) AS unpaid FROM virtual_order_pool GROUP BY status',
    [],
    transaction,
  );
  const tasks = await sql.select<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status', [], transaction);
  const taskCount = (s: string) => Number(tasks.find((t) => t.status === s)?.n ?? 0);
  const poolCount = (s: string) => Number(pools.find((p) => p.status === s)?.n ?? 0);
  return {
    total_students: Number(students?.n ?? 0),
    total_subsidy_fen: pools.reduce((s, p) => s + dbFen(p.total), 0),
    total_tasks: taskCount('open') + taskCount('accepted') + taskCount('completed'),
    completed_tasks: taskCount('completed'),
    open_tasks: taskCount('open'),
    accepted_tasks: taskCount('accepted'),
    completed_fen: pools.reduce((s, p) => s + dbFen(p.completed), 0),
    remaining_fen: pools.reduce((s, p) => s + dbFen(p.unpaid), 0),
    pools: { active: poolCount('active'), completed: poolCount('completed'), expired: poolCount('expired') },
  };
}

/** Seed 000 /stats: 总学生数, 总补贴金额, 生成任务数, 完成任务数, 完成率. */
export const statsView = (o: Overview) => ({
  total_students: o.total_students,
  total_subsidy_amount: formatYuan(o.total_subsidy_fen),
  total_tasks: o.total_tasks,
  completed_tasks: o.completed_tasks,
  completion_rate: percent(o.completed_tasks, o.total_tasks),
});

/** Seed 000 收入汇总 over tasks created in [from, to). */
export async function incomeSummary(sql: Sql, from: Date | null, to: Date | null) {
  const where: string[] = [];
  const values: unknown[] = [];
  if (from) where.push('created_at >= ?') && values.push(from);
  if (to) where.push('created_at < ?') && values.push(to);
  const [row] = await sql.select<{ students: unknown; tasks: unknown; amount: unknown; done: unknown; done_amount: unknown }>(
    `SELECT COUNT(DISTINCT student_id) AS students, COUNT(*) AS tasks, SUM(amount) AS amount,
            SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS done,
            SUM(CASE WHEN status = 'completed' THEN amount ELSE 0 END) AS done_amount
       FROM tasks${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
    values,
  );
  const tasks = Number(row?.tasks ?? 0);
  const done = Number(row?.done ?? 0);
  return {
    total_students: Number(row?.students ?? 0),
    total_tasks: tasks,
    total_amount: formatYuan(dbFen(row?.amount)),
    completed_tasks: done,
    completed_amount: formatYuan(dbFen(row?.done_amount)),
    completion_rate: percent(done, tasks),
  };
}
