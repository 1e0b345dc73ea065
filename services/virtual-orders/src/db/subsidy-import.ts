import { randomUUID } from 'node:crypto';
import { subsidyImported } from '@backoffice/contracts';
import { inTransaction, type Outbox } from '@backoffice/kit';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import { addDays, businessDay, type Clock } from '../domain/dates.js';
import { dbFen, formatYuan } from '../domain/money.js';
import { judgeSubsidyRow, SUBSIDY_COLUMNS } from '../domain/subsidy-rows.js';
import { readSheetRows, SheetError } from '../files/excel.js';
import { bumpDailyCounter } from './counters.js';
import type { Observer } from './pool-store.js';
import { asDate, type Sql } from './sql.js';
import type { TaskWriter } from './task-writer.js';

export const SUBSIDY_KIND = 'student_subsidy';
const BATCH_ROWS = 500;
/** An unfinished import without progress for this long belongs to a process that is gone. */
const STALE_MINUTES = 10;

export interface ImportRecord {
  id: string;
  kind: string;
  file_sha256: string;
  file_name: string | null;
  state: 'pending' | 'running' | 'completed' | 'failed';
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_skipped: number;
  committed_through: number;
  total_amount: unknown;
  tasks_generated: number;
  error_message: string | null;
  created_at: unknown;
  updated_at: unknown;
  finished_at: unknown;
}

interface Accepted {
  row: number;
  name: string;
  amountFen: number;
  studentId: number | null;
  info: string;
}

interface Batch {
  accepted: Accepted[];
  rejected: Array<{ row: number; reason: string }>;
  read: number;
  skipped: number;
  lastRow: number;
}

const emptyBatch = (): Batch => ({ accepted: [], rejected: [], read: 0, skipped: 0, lastRow: 0 });

/**
 * Subsidy files: each registered once per file hash (and Idempotency-Key), read as a stream, written
 * in batches of BATCH_ROWS rows — students, pools and tasks with multi-row statements, one transaction a
 * batch that also records how far the file is done, so a failed import resumes without paying twice.
 */
export class SubsidyImports {
  constructor(
    private readonly sql: Sql,
    private readonly outbox: Outbox,
    private readonly writer: TaskWriter,
    private readonly clock: Clock,
    private readonly opts: { maxFen: number; validDays: number; offset: string },
    private readonly observe: Observer,
  ) {}

  async find(id: string): Promise<ImportRecord | undefined> {
    const [row] = await this.sql.select<ImportRecord>('SELECT * FROM virtual_imports WHERE id = ?', [id]);
    return row;
  }

  async rejectedRows(id: string) {
    const rows = await this.sql.select<{ row_no: number; reason: string }>('SELECT row_no, reason FROM virtual_import_errors WHERE import_id = ? ORDER BY row_no', [id]);
    return rows.map((r) => ({ row: Number(r.row_no), reason: r.reason }));
  }

  /**
   * The import this file starts, or the earlier one of the same file / key (`existing`). A failed
   * earlier import of the same file is taken up again where it stopped (`resume`).
   */
  async register(input: { sha256: string; key?: string; fileName: string | null; userId: number | null }): Promise<{ record: ImportRecord; existing: boolean }> {
    if (input.key) {
      const [byKey] = await this.sql.select<ImportRecord>('SELECT * FROM virtual_imports WHERE idempotency_key = ?', [input.key]);
      if (byKey) return { record: byKey, existing: true };
    }
    const [byFile] = await this.sql.select<ImportRecord>('SELECT * FROM virtual_imports WHERE kind = ? AND file_sha256 = ?', [SUBSIDY_KIND, input.sha256]);
    if (byFile) {
      // a failed import, or one whose process died (no progress for STALE_MINUTES), is taken up again
      const stale = new Date(this.clock().getTime() - STALE_MINUTES * 60_000);
      const resumable = byFile.state === 'failed' || (byFile.state !== 'completed' && (asDate(byFile.updated_at) ?? new Date()) < stale);
      if (!resumable) return { record: byFile, existing: true };
      const claimed = await this.sql.run(`UPDATE virtual_imports SET state = 'pending', error_message = NULL, updated_at = ? WHERE id = ? AND state = ? AND updated_at = ?`, [
        this.clock(),
        byFile.id,
        byFile.state,
        byFile.updated_at,
      ]);
      return { record: (await this.find(byFile.id))!, existing: claimed !== 1 };
    }
    const id = randomUUID();
    const now = this.clock();
    try {
      await this.sql.run(
        `INSERT INTO virtual_imports (id, kind, file_sha256, idempotency_key, file_name, state, rows_read, rows_accepted, rows_rejected, rows_skipped, committed_through, total_amount, tasks_generated, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, 0, 0, 0, 0, 0, 0, ?, ?, ?)`,
        [id, SUBSIDY_KIND, input.sha256, input.key ?? null, input.fileName?.slice(0, 255) ?? null, input.userId, now, now],
      );
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
      // the same file (or key) at the same moment: the other request owns the import
      return this.register(input);
    }
    return { record: (await this.find(id))!, existing: false };
  }

  /** Reads and applies the file; never throws (the outcome is in the import's state). */
  async run(id: string, path: string): Promise<ImportRecord> {
    let inFlight: Promise<void> = Promise.resolve();
    try {
      const record = (await this.find(id))!;
      await this.sql.run(`UPDATE virtual_imports SET state = 'running', updated_at = ? WHERE id = ?`, [this.clock(), id]);
      const done = record.committed_through;
      const seen = new Map<string, number>();
      let batch = emptyBatch();
      // a failed write surfaces at the next await; until then keep it from counting as unhandled
      const guard = (p: Promise<void>) => (p.catch(() => undefined), p);
      for await (const { number, cells } of readSheetRows(path, [SUBSIDY_COLUMNS.name, SUBSIDY_COLUMNS.amount])) {
        if (!Object.values(cells).some((v) => v.trim())) continue;
        const verdict = judgeSubsidyRow(cells, this.opts.maxFen);
        if (number <= done) {
          // committed by the earlier attempt: only remember who it paid
          if (verdict.kind === 'accept' && !seen.has(verdict.name)) seen.set(verdict.name, number);
          continue;
        }
        batch.read++;
        batch.lastRow = number;
        if (verdict.kind === 'skip') batch.skipped++;
        else if (verdict.kind === 'reject') batch.rejected.push({ row: number, reason: verdict.reason });
        else if (seen.has(verdict.name)) batch.rejected.push({ row: number, reason: `学生“${verdict.name}”在第${seen.get(verdict.name)}行已出现，同一文件不能重复补贴` });
        else {
          seen.set(verdict.name, number);
          batch.accepted.push({ row: number, name: verdict.name, amountFen: verdict.amountFen, studentId: verdict.studentId, info: JSON.stringify(verdict.info) });
        }
        if (batch.read >= BATCH_ROWS) {
          // one batch is written while the next is read; batches still commit in file order
          await inFlight;
          inFlight = guard(this.commitBatch(id, batch));
          batch = emptyBatch();
        }
      }
      await inFlight;
      if (batch.read) await this.commitBatch(id, batch);
      await inTransaction(this.sql.sequelize, async (transaction) => {
        const now = this.clock();
        await this.sql.run(`UPDATE virtual_imports SET state = 'completed', finished_at = ?, updated_at = ? WHERE id = ?`, [now, now, id], transaction);
        const [r] = await this.sql.select<ImportRecord>('SELECT * FROM virtual_imports WHERE id = ?', [id], transaction);
        await this.outbox.add(transaction, subsidyImported, id, {
          import_id: id,
          file_sha256: r.file_sha256,
          rows_read: Number(r.rows_read),
          rows_accepted: Number(r.rows_accepted),
          rows_rejected: Number(r.rows_rejected),
          students: Number(r.rows_accepted),
          total_amount_fen: dbFen(r.total_amount),
          tasks_generated: Number(r.tasks_generated),
        });
      });
    } catch (err) {
      await inFlight.catch(() => undefined);
      const message = err instanceof SheetError ? err.message : isUnreadable(err) ? '无法读取该 Excel 文件，请确认文件未损坏' : '导入失败，请稍后重试（已导入的行不会重复发放）';
      await this.sql.run(`UPDATE virtual_imports SET state = 'failed', error_message = ?, updated_at = ? WHERE id = ?`, [message, this.clock(), id]);
      if (!(err instanceof SheetError) && !isUnreadable(err)) throw err;
    }
    return (await this.find(id))!;
  }

  private async commitBatch(importId: string, input: Batch) {
    const now = this.clock();
    const generated = await inTransaction(this.sql.sequelize, async (transaction) => {
      const batch = await this.checkStudentIds(input, transaction);
      let tasks = 0;
      let amountFen = 0;
      if (batch.accepted.length) {
        amountFen = batch.accepted.reduce((s, a) => s + a.amountFen, 0);
        tasks = await this.credit(transaction, batch.accepted, now);
      }
      if (batch.rejected.length) {
        await this.sql.run(
          `INSERT INTO virtual_import_errors (import_id, row_no, reason) VALUES ${batch.rejected.map(() => '(?, ?, ?)').join(', ')}`,
          batch.rejected.flatMap((r) => [importId, r.row, r.reason.slice(0, 255)]),
          transaction,
        );
      }
      await this.sql.run(
        `UPDATE virtual_imports SET rows_read = rows_read + ?, rows_accepted = rows_accepted + ?, rows_rejected = rows_rejected + ?, rows_skipped = rows_skipped + ?,
           committed_through = ?, total_amount = total_amount + ?, tasks_generated = tasks_generated + ?, updated_at = ? WHERE id = ?`,
        [batch.read, batch.accepted.length, batch.rejected.length, batch.skipped, batch.lastRow, formatYuan(amountFen), tasks, now, importId],
        transaction,
      );
      return tasks;
    });
    this.observe.generated(generated);
  }

  /** A 学生ID column (an income export coming back) must name the same student as 学生姓名. */
  private async checkStudentIds(batch: Batch, transaction: Transaction): Promise<Batch> {
    const withId = batch.accepted.filter((a) => a.studentId !== null);
    if (!withId.length) return batch;
    const rows = await this.sql.select<{ id: number; name: string }>(
      `SELECT id, name FROM virtual_students WHERE id IN (${withId.map(() => '?').join(',')})`,
      withId.map((a) => a.studentId),
      transaction,
    );
    const names = new Map(rows.map((r) => [Number(r.id), r.name]));
    const rejected = [...batch.rejected];
    const accepted = batch.accepted.filter((a) => {
      if (a.studentId === null || names.get(a.studentId) === a.name) return true;
      rejected.push({ row: a.row, reason: names.has(a.studentId) ? '学生ID与学生姓名不符' : '学生ID不存在' });
      return false;
    });
    rejected.sort((x, y) => x.row - y.row);
    return { ...batch, accepted, rejected };
  }

  /** Students and pools upserted set-based, then every amount turned into tasks. Returns the task count. */
  private async credit(transaction: Transaction, accepted: Accepted[], now: Date): Promise<number> {
    const students = this.sql.upsertAdd(
      'virtual_students',
      'name',
      ['name', 'info_json', 'created_at', 'updated_at'],
      accepted.map((a) => [a.name, a.info, now, now]),
      [],
      { info_json: `CASE WHEN $new = '{}' THEN info_json ELSE $new END`, updated_at: '$new' },
    );
    await this.sql.run(students.sql, students.replacements, transaction);
    const ids = await this.sql.select<{ id: number; name: string }>(
      `SELECT id, name FROM virtual_students WHERE name IN (${accepted.map(() => '?').join(',')})`,
      accepted.map((a) => a.name),
      transaction,
    );
    const idOf = new Map(ids.map((r) => [r.name, Number(r.id)]));
    const validUntil = this.opts.validDays ? addDays(now, this.opts.validDays) : null;
    // split first, so the pool upsert can count the tasks too
    const parts = accepted.map((a) => this.writer.split(a.amountFen));
    const pools = this.sql.upsertAdd(
      'virtual_order_pool',
      'student_id',
      ['student_id', 'total_amount', 'allocated_amount', 'completed_amount', 'remaining_amount', 'task_count', 'completed_count', 'status', 'valid_until', 'created_at', 'updated_at'],
      accepted.map((a, i) => [idOf.get(a.name), formatYuan(a.amountFen), formatYuan(a.amountFen), '0.00', '0.00', parts[i].length, 0, 'active', validUntil, now, now]),
      ['total_amount', 'allocated_amount', 'task_count'],
      { status: `'active'`, valid_until: '$new', updated_at: '$new' },
    );
    await this.sql.run(pools.sql, pools.replacements, transaction);
    const poolRows = await this.sql.select<{ id: number; student_id: number }>(
      `SELECT id, student_id FROM virtual_order_pool WHERE student_id IN (${ids.map(() => '?').join(',')})`,
      ids.map((r) => r.id),
      transaction,
    );
    const poolOf = new Map(poolRows.map((p) => [Number(p.student_id), Number(p.id)]));
    const allocations = accepted.map((a, i) => {
      const studentId = idOf.get(a.name)!;
      return { poolId: poolOf.get(studentId)!, studentId, amountFen: a.amountFen, parts: parts[i] };
    });
    const perPool = await this.writer.generate(transaction, allocations, now);
    const tasks = [...perPool.values()].reduce((s, n) => s + n, 0);
    await bumpDailyCounter(this.sql, transaction, businessDay(now, this.opts.offset), 'tasks_generated', tasks);
    return tasks;
  }
}

const isUnreadable = (err: unknown) => {
  const msg = String((err as Error)?.message ?? '');
  return /zip|end of central directory|invalid signature|Corrupted/i.test(msg);
};

export const importView = (r: ImportRecord, rejected?: Array<{ row: number; reason: string }>) => ({
  id: r.id,
  state: r.state,
  file_name: r.file_name,
  rows_read: Number(r.rows_read),
  rows_accepted: Number(r.rows_accepted),
  rows_rejected: Number(r.rows_rejected),
  rows_skipped: Number(r.rows_skipped),
  total_amount: formatYuan(dbFen(r.total_amount)),
  tasks_generated: Number(r.tasks_generated),
  error_message: r.error_message,
  created_at: asDate(r.created_at),
  finished_at: asDate(r.finished_at),
  ...(rejected ? { rejected_rows: rejected } : {}),
});
