import { dialectOf } from '@backoffice/kit';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { SettlementStatus } from '../domain/settlement.js';

export interface ExportFilter {
  start: string;
  end: string;
  statuses?: SettlementStatus[];
  /** Only orders this user entered (customer service exporting their own). */
  enteredBy?: number;
  /** The commission export: non-zero commission only, and the double-export guard on statuses. */
  commission: boolean;
}

interface Where {
  sql: string;
  args: unknown[];
}

/**
 * The seed's double-export guard: Locked rows whose writer payout was exported, and WriterSettled /
 * SelfLocked rows whose customer-service payout was exported, are left out of a commission export.
 */
function statusClause(statuses: SettlementStatus[], guard: boolean): Where {
  const parts: string[] = [];
  const args: unknown[] = [];
  for (const s of statuses) {
    if (guard && s === 'Locked') parts.push("(co.settlement_status = 'Locked' AND co.writer_settlement_exported = 0)");
    else if (guard && (s === 'WriterSettled' || s === 'SelfLocked')) {
      parts.push('(co.settlement_status = ? AND co.customer_settlement_exported = 0)');
      args.push(s);
    } else {
      parts.push('co.settlement_status = ?');
      args.push(s);
    }
  }
  return { sql: `(${parts.join(' OR ')})`, args };
}

export function exportWhere(f: ExportFilter): Where {
  const parts = ['co.date >= ?', 'co.date <= ?'];
  const args: unknown[] = [f.start, f.end];
  if (f.commission) parts.push('co.customer_commission IS NOT NULL AND co.customer_commission <> 0');
  if (f.enteredBy !== undefined) {
    parts.push('co.created_by = ?');
    args.push(f.enteredBy);
  }
  if (f.statuses?.length) {
    const s = statusClause(f.statuses, f.commission);
    parts.push(s.sql);
    args.push(...s.args);
  }
  return { sql: parts.join(' AND '), args };
}

export interface ExportRow {
  id: number;
  order_id: string;
  dispatch_id: string | null;
  date: string;
  customer_id: number | null;
  customer_service_name: string | null;
  customer_commission: unknown;
  writer_id: string | null;
  writer_name: string | null;
  fee: unknown;
  writer_alipay_name: string | null;
  writer_alipay_account_encrypted: string | null;
  writer_id_2: string | null;
  writer_name_2: string | null;
  fee_2: unknown;
  writer2_alipay_name: string | null;
  writer2_alipay_account_encrypted: string | null;
  order_amount: unknown;
  refund_amount: unknown;
  fee_per_1000: unknown;
  settlement_status: SettlementStatus;
}

const ROW_SELECT = `SELECT co.id, co.order_id, co.dispatch_id, co.date, co.customer_id, co.customer_commission, co.writer_id, co.fee, co.writer_id_2, co.fee_2,
       co.order_amount, co.refund_amount, co.fee_per_1000, co.settlement_status
  FROM customer_orders co`;

interface WriterInfo {
  writer_id: string;
  name: string | null;
  alipay_name: string | null;
  alipay_account_encrypted: string | null;
}

/**
 * Names of the writers and customer-service users the export mentions, read once (a few hundred rows)
 * instead of joined into every page of rows.
 */
async function exportLookups(sequelize: Sequelize, where: { sql: string; args: unknown[] }) {
  // derived tables are read once; "IN (subquery) OR IN (subquery)" may be re-run per writer
  const writers = await sequelize.query<WriterInfo>(
    `SELECT w.writer_id, w.name, w.alipay_name, w.alipay_account_encrypted
       FROM (SELECT co.writer_id AS id FROM customer_orders co WHERE ${where.sql} AND co.writer_id IS NOT NULL
             UNION
             SELECT co.writer_id_2 AS id FROM customer_orders co WHERE ${where.sql} AND co.writer_id_2 IS NOT NULL) x
       JOIN writers w ON w.writer_id = x.id`,
    { replacements: [...where.args, ...where.args], type: QueryTypes.SELECT },
  );
  const users = await sequelize.query<{ id: number; username: string }>(
    `SELECT u.id, u.username
       FROM (SELECT DISTINCT co.customer_id AS id FROM customer_orders co WHERE ${where.sql} AND co.customer_id IS NOT NULL) x
       JOIN order_directory_users u ON u.id = x.id`,
    { replacements: where.args, type: QueryTypes.SELECT },
  );
  return { writers: new Map(writers.map((w) => [w.writer_id, w])), users: new Map(users.map((u) => [Number(u.id), u.username])) };
}

type PlainRow = Omit<ExportRow, 'customer_service_name' | 'writer_name' | 'writer_alipay_name' | 'writer_alipay_account_encrypted' | 'writer_name_2' | 'writer2_alipay_name' | 'writer2_alipay_account_encrypted'>;

/**
 * Rows in (date, id) order, a batch at a time, so an export never holds them all: streamed from one
 * query on MariaDB; on SQLite keyset pages, the next one read while the caller writes the current one.
 */
export async function* exportRows(sequelize: Sequelize, f: ExportFilter, pageSize = 2000): AsyncGenerator<ExportRow[]> {
  const where = exportWhere(f);
  const { writers, users } = await exportLookups(sequelize, where);
  // keyset on (date, id), the order of the (date, id) index: each page is an index range scan, where
  // "id > ? ORDER BY id" would make the database re-read the whole date range for every page
  const page = (after: { date: string; id: number } | null) =>
    sequelize.query<PlainRow>(
      `${ROW_SELECT} WHERE ${where.sql}${after ? ' AND co.date >= ? AND (co.date > ? OR co.id > ?)' : ''} ORDER BY co.date, co.id LIMIT ?`,
      { replacements: [...where.args, ...(after ? [after.date, after.date, after.id] : []), pageSize], type: QueryTypes.SELECT },
    );
  // names are added to the row object itself: copying a hundred thousand rows showed in the profile
  const named = (row: PlainRow): ExportRow => {
    const r = row as ExportRow;
    const w1 = r.writer_id ? writers.get(r.writer_id) : undefined;
    const w2 = r.writer_id_2 ? writers.get(r.writer_id_2) : undefined;
    r.customer_service_name = r.customer_id === null ? null : (users.get(Number(r.customer_id)) ?? null);
    r.writer_name = w1?.name ?? null;
    r.writer_alipay_name = w1?.alipay_name ?? null;
    r.writer_alipay_account_encrypted = w1?.alipay_account_encrypted ?? null;
    r.writer_name_2 = w2?.name ?? null;
    r.writer2_alipay_name = w2?.alipay_name ?? null;
    r.writer2_alipay_account_encrypted = w2?.alipay_account_encrypted ?? null;
    return r;
  };
  if (dialectOf(sequelize) === 'mysql') {
    yield* streamed(sequelize, `${ROW_SELECT} WHERE ${where.sql} ORDER BY co.date, co.id`, where.args, pageSize, named);
    return;
  }
  let rows = await page(null);
  while (rows.length) {
    const last = rows[rows.length - 1];
    const next = rows.length === pageSize ? page({ date: last.date, id: last.id }) : Promise.resolve([]);
    // a failed prefetch is reported when awaited, not as an unhandled rejection while we write
    next.catch(() => undefined);
    yield rows.map(named);
    rows = await next;
  }
}

interface RowStream {
  on(event: 'data', listener: (row: PlainRow) => void): RowStream;
  on(event: 'end' | 'close', listener: () => void): RowStream;
  on(event: 'error', listener: (err: Error) => void): RowStream;
  pause(): void;
  resume(): void;
}
interface StreamingConnection {
  query(options: { sql: string; values: unknown[] }): { stream(options: { highWaterMark: number }): RowStream };
}

/**
 * MariaDB: one query whose rows arrive as a stream, handed out in batches of `batchSize`. The stream
 * (and with it the socket) is paused when `4 × batchSize` rows wait and resumed when fewer than
 * `2 × batchSize` do, so memory stays bounded and the database refills the queue while the caller is
 * still writing (pausing at every batch costs a network round trip each time). Cheaper than keyset
 * pages, which each pay a query. A connection left with unread rows (the export stopped early) is
 * closed, not given back to the pool.
 */
async function* streamed(sequelize: Sequelize, sql: string, values: unknown[], batchSize: number, named: (r: PlainRow) => ExportRow): AsyncGenerator<ExportRow[]> {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options: { type: 'read' }): Promise<StreamingConnection>;
    releaseConnection(c: StreamingConnection): void;
    destroyConnection(c: StreamingConnection): Promise<void>;
  };
  const connection = await manager.getConnection({ type: 'read' });
  let finished = false;
  try {
    const rows = connection.query({ sql, values }).stream({ highWaterMark: batchSize });
    let queue: ExportRow[] = [];
    let paused = false;
    let done = false;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const signal = () => {
      wake?.();
      wake = null;
    };
    rows.on('data', (row) => {
      queue.push(named(row));
      if (!paused && queue.length >= 4 * batchSize) {
        paused = true;
        rows.pause();
      }
      if (queue.length >= batchSize) signal();
    });
    rows.on('end', () => {
      done = true;
      signal();
    });
    rows.on('error', (err) => {
      failure = err;
      done = true;
      signal();
    });
    for (;;) {
      if (queue.length < batchSize && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      if (!queue.length && done) break;
      const batch = queue.length <= batchSize ? queue : queue.slice(0, batchSize);
      queue = batch === queue ? [] : queue.slice(batchSize);
      if (paused && queue.length < 2 * batchSize) {
        paused = false;
        rows.resume();
      }
      yield batch;
    }
    finished = true;
  } finally {
    if (finished) manager.releaseConnection(connection);
    else await manager.destroyConnection(connection).catch(() => undefined);
  }
}

export async function exportSummaries(sequelize: Sequelize, f: ExportFilter) {
  const where = exportWhere(f);
  const [summary] = await sequelize.query<{ order_count: number; customer_commission_total: unknown; writer_fee_total: unknown }>(
    `SELECT COUNT(*) AS order_count, COALESCE(SUM(co.customer_commission), 0) AS customer_commission_total,
            COALESCE(SUM(COALESCE(co.fee, 0) + COALESCE(co.fee_2, 0)), 0) AS writer_fee_total
       FROM customer_orders co WHERE ${where.sql}`,
    { replacements: where.args, type: QueryTypes.SELECT },
  );
  const customers = await sequelize.query<{ customer_id: number | null; customer_service_name: string | null; order_count: number; customer_commission_total: unknown }>(
    `SELECT co.customer_id, MAX(u.username) AS customer_service_name, COUNT(*) AS order_count, COALESCE(SUM(co.customer_commission), 0) AS customer_commission_total
       FROM customer_orders co LEFT JOIN order_directory_users u ON u.id = co.customer_id
      WHERE ${where.sql} GROUP BY co.customer_id ORDER BY co.customer_id`,
    { replacements: where.args, type: QueryTypes.SELECT },
  );
  const writers = await sequelize.query<{ writer_id: string; writer_name: string | null; writer_alipay_name: string | null; alipay_account_encrypted: string | null; order_count: number; writer_fee_total: unknown }>(
    `SELECT x.writer_id, MAX(w.name) AS writer_name, MAX(w.alipay_name) AS writer_alipay_name, MAX(w.alipay_account_encrypted) AS alipay_account_encrypted,
            COUNT(*) AS order_count, COALESCE(SUM(x.fee), 0) AS writer_fee_total
       FROM (SELECT co.writer_id AS writer_id, co.fee AS fee FROM customer_orders co WHERE ${where.sql} AND co.writer_id IS NOT NULL
             UNION ALL
             SELECT co.writer_id_2 AS writer_id, co.fee_2 AS fee FROM customer_orders co WHERE ${where.sql} AND co.writer_id_2 IS NOT NULL) x
       LEFT JOIN writers w ON w.writer_id = x.writer_id
      GROUP BY x.writer_id ORDER BY x.writer_id`,
    { replacements: [...where.args, ...where.args], type: QueryTypes.SELECT },
  );
  return { summary, customers, writers };
}
