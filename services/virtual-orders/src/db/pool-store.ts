import { conflict, forbidden, notFound, taskExpired, type EventData } from '@backoffice/contracts';
import { inTransaction, type Outbox } from '@backoffice/kit';
import type { Transaction } from 'sequelize';
import { addHours, businessDay, type Clock } from '../domain/dates.js';
import { dbFen, formatYuan } from '../domain/money.js';
import { bumpDailyCounter } from './counters.js';
import { asDate, type Sql } from './sql.js';
import type { TaskWriter } from './task-writer.js';

export interface PoolRow {
  id: number;
  student_id: number;
  total_amount: unknown;
  allocated_amount: unknown;
  completed_amount: unknown;
  remaining_amount: unknown;
  status: string;
}

export interface ExpiryResult {
  tasks: number;
  pools: number;
  amountFen: number;
}

export interface Observer {
  generated(n: number): void;
  expired(n: number): void;
  completed(n: number): void;
}

const EXPIRY_BATCH = 2000;

/**
 * Money moves between a student's pool and their tasks only here: generation, expiry (amount back to
 * the pool), regeneration, acceptance and completion, each in one transaction.
 */
export class PoolStore {
  constructor(
    private readonly sql: Sql,
    private readonly outbox: Outbox,
    private readonly writer: TaskWriter,
    private readonly clock: Clock,
    private readonly opts: { expiryHours: number; offset: string },
    private readonly observe: Observer,
  ) {}

  private day(at: Date) {
    return businessDay(at, this.opts.offset);
  }

  /** Generates tasks for `amountFen` of a locked active pool's remaining amount. */
  async allocateFromPool(transaction: Transaction, pool: PoolRow, amountFen: number, now: Date): Promise<number> {
    if (amountFen <= 0) return 0;
    const perPool = await this.writer.generate(transaction, [{ poolId: pool.id, studentId: pool.student_id, amountFen }], now);
    const tasks = perPool.get(pool.id) ?? 0;
    const amount = formatYuan(amountFen);
    await this.sql.run(
      'UPDATE virtual_order_pool SET allocated_amount = allocated_amount + ?, remaining_amount = remaining_amount - ?, task_count = task_count + ?, updated_at = ? WHERE id = ?',
      [amount, amount, tasks, now, pool.id],
      transaction,
    );
    await bumpDailyCounter(this.sql, transaction, this.day(now), 'tasks_generated', tasks);
    return tasks;
  }

  /**
   * Deletes tasks nobody accepted within the expiry window and gives their amounts back to the pools,
   * one `virtual.task.expired.v1` per pool. Replicas running it at once claim disjoint rows (SKIP LOCKED).
   */
  async expireOverdue(): Promise<ExpiryResult> {
    const total: ExpiryResult = { tasks: 0, pools: 0, amountFen: 0 };
    const now = this.clock();
    const cutoff = addHours(now, -this.opts.expiryHours);
    await this.markExpiredPools(now);
    for (;;) {
      const batch = await inTransaction(this.sql.sequelize, async (transaction) => {
        const rows = await this.sql.select<{ id: number; order_number: string; pool_id: number; student_id: number; amount: unknown }>(
          `SELECT id, order_number, pool_id, student_id, amount FROM tasks WHERE status = 'open' AND created_at <= ? ORDER BY id LIMIT ${EXPIRY_BATCH}${this.sql.forUpdateSkipLocked}`,
          [cutoff],
          transaction,
        );
        if (!rows.length) return { rows: 0, tasks: 0, pools: 0, amountFen: 0 };
        const { tasks, pools, amountFen } = await this.returnToPools(transaction, rows, now);
        return { rows: rows.length, tasks, pools, amountFen };
      });
      total.tasks += batch.tasks;
      total.pools += batch.pools;
      total.amountFen += batch.amountFen;
      this.observe.expired(batch.tasks);
      // until a pass finds nothing: a row another replica held (and maybe gave up) is looked at again
      if (batch.rows === 0) return total;
    }
  }

  /** Deletes the given (locked) open tasks and credits their pools; publishes one event per pool. */
  private async returnToPools(
    transaction: Transaction,
    rows: Array<{ id: number; order_number: string; pool_id: number; student_id: number; amount: unknown }>,
    now: Date,
  ): Promise<ExpiryResult> {
    const deleted = await this.sql.run(`DELETE FROM tasks WHERE status = 'open' AND id IN (${rows.map(() => '?').join(',')})`, rows.map((r) => r.id), transaction);
    if (deleted !== rows.length) throw new Error(`expected to delete ${rows.length} expired tasks, deleted ${deleted}`);
    const byPool = new Map<number, { studentId: number; fen: number; numbers: string[] }>();
    for (const r of rows) {
      const entry = byPool.get(r.pool_id) ?? { studentId: r.student_id, fen: 0, numbers: [] };
      entry.fen += dbFen(r.amount);
      entry.numbers.push(r.order_number);
      byPool.set(r.pool_id, entry);
    }
    const ids = [...byPool.keys()];
    const caseOf = (value: (e: { fen: number; numbers: string[] }) => string) => `CASE id ${ids.map((id) => `WHEN ${id} THEN ${value(byPool.get(id)!)}`).join(' ')} END`;
    const amount = caseOf((e) => formatYuan(e.fen));
    await this.sql.run(
      `UPDATE virtual_order_pool SET allocated_amount = allocated_amount - ${amount}, remaining_amount = remaining_amount + ${amount}, task_count = task_count - ${caseOf((e) => String(e.numbers.length))}, updated_at = ? WHERE id IN (${ids.join(',')})`,
      [now],
      transaction,
    );
    let amountFen = 0;
    for (const [poolId, e] of byPool) {
      amountFen += e.fen;
      const data: EventData<typeof taskExpired> = {
        pool_id: poolId,
        student_id: e.studentId,
        amount_fen: e.fen,
        task_count: e.numbers.length,
        order_numbers: e.numbers,
        expired_at: now.toISOString(),
      };
      await this.outbox.add(transaction, taskExpired, poolId, data);
    }
    await bumpDailyCounter(this.sql, transaction, this.day(now), 'tasks_expired', rows.length);
    return { tasks: rows.length, pools: byPool.size, amountFen };
  }

  /** Pools past their validity stop getting new tasks. */
  private async markExpiredPools(now: Date) {
    await this.sql.run(`UPDATE virtual_order_pool SET status = 'expired', updated_at = ? WHERE status = 'active' AND valid_until IS NOT NULL AND valid_until <= ?`, [now, now]);
  }

  /**
   * The consumer of virtual.task.expired.v1: a new task combination for the returned amount, never
   * more than the pool still has unallocated (so a hand re-allocation or a second event finds nothing).
   */
  async regenerate(transaction: Transaction, data: EventData<typeof taskExpired>): Promise<number> {
    const [pool] = await this.sql.select<PoolRow>(`SELECT * FROM virtual_order_pool WHERE id = ?${this.sql.forUpdate}`, [data.pool_id], transaction);
    if (!pool || pool.status !== 'active') return 0;
    const amount = Math.min(data.amount_fen, dbFen(pool.remaining_amount));
    const tasks = await this.allocateFromPool(transaction, pool, amount, this.clock());
    return tasks;
  }

  /** POST /reallocate/:student_id: expire this student's overdue tasks and allocate all that remains, now. */
  async reallocateStudent(studentId: number) {
    const now = this.clock();
    const result = await inTransaction(this.sql.sequelize, async (transaction) => {
      const [pool] = await this.sql.select<PoolRow>(`SELECT * FROM virtual_order_pool WHERE student_id = ?${this.sql.forUpdate}`, [studentId], transaction);
      if (!pool) throw notFound('该学生没有补贴池', 'POOL_NOT_FOUND');
      const overdue = await this.sql.select<{ id: number; order_number: string; pool_id: number; student_id: number; amount: unknown }>(
        `SELECT id, order_number, pool_id, student_id, amount FROM tasks WHERE pool_id = ? AND status = 'open' AND created_at <= ? ORDER BY id${this.sql.forUpdate}`,
        [pool.id, addHours(now, -this.opts.expiryHours)],
        transaction,
      );
      const expired = overdue.length ? await this.returnToPools(transaction, overdue, now) : { tasks: 0, pools: 0, amountFen: 0 };
      const remaining = dbFen(pool.remaining_amount) + expired.amountFen;
      const generated = pool.status === 'active' ? await this.allocateFromPool(transaction, pool, remaining, now) : 0;
      return { pool, expired, remaining, generated };
    });
    this.observe.expired(result.expired.tasks);
    this.observe.generated(result.generated);
    return {
      student_id: studentId,
      pool_id: result.pool.id,
      pool_status: result.pool.status,
      expired_tasks: result.expired.tasks,
      returned_amount: formatYuan(result.expired.amountFen),
      reallocated_amount: formatYuan(result.generated ? result.remaining : 0),
      tasks_generated: result.generated,
    };
  }

  /** Exactly one of two concurrent accepts changes the row; the other is told why it lost. */
  async accept(orderNumber: string, userId: number) {
    const now = this.clock();
    const changed = await this.sql.run(
      `UPDATE tasks SET status = 'accepted', accepted_by = ?, accepted_at = ? WHERE order_number = ? AND status = 'open' AND end_date > ?`,
      [userId, now, orderNumber, now],
    );
    if (changed === 1) return;
    const [task] = await this.sql.select<{ status: string; end_date: unknown }>('SELECT status, end_date FROM tasks WHERE order_number = ?', [orderNumber]);
    if (!task) throw notFound('任务不存在', 'TASK_NOT_FOUND');
    if (task.status !== 'open') throw conflict('任务已被接取', 'TASK_ALREADY_ACCEPTED');
    throw conflict('任务已过接单截止时间', 'TASK_EXPIRED');
  }

  /** Completion credits the student's pool (their income); the pool completes when all is paid. */
  async complete(orderNumber: string, user: { id: number; any: boolean }) {
    const now = this.clock();
    await inTransaction(this.sql.sequelize, async (transaction) => {
      const [task] = await this.sql.select<{ id: number; status: string; accepted_by: number | null; pool_id: number; amount: unknown }>(
        `SELECT id, status, accepted_by, pool_id, amount FROM tasks WHERE order_number = ?${this.sql.forUpdate}`,
        [orderNumber],
        transaction,
      );
      if (!task) throw notFound('任务不存在', 'TASK_NOT_FOUND');
      if (task.status === 'completed') throw conflict('任务已完成', 'TASK_ALREADY_COMPLETED');
      if (task.status !== 'accepted') throw conflict('任务尚未被接取，不能完成', 'TASK_NOT_ACCEPTED');
      if (!user.any && Number(task.accepted_by) !== user.id) throw forbidden('只能完成自己接取的任务', 'NOT_YOUR_TASK');
      await this.sql.run(`UPDATE tasks SET status = 'completed', completed_at = ? WHERE id = ?`, [now, task.id], transaction);
      const amount = formatYuan(dbFen(task.amount));
      // status first: both dialects then compare against the amount before this completion
      await this.sql.run(
        `UPDATE virtual_order_pool SET status = CASE WHEN completed_amount + ? >= total_amount AND status = 'active' THEN 'completed' ELSE status END,
           completed_amount = completed_amount + ?, completed_count = completed_count + 1, updated_at = ? WHERE id = ?`,
        [amount, amount, now, task.pool_id],
        transaction,
      );
      await bumpDailyCounter(this.sql, transaction, this.day(now), 'tasks_completed', 1);
    });
    this.observe.completed(1);
  }
}

export { asDate };
