import type { Sequelize, Transaction } from 'sequelize';
import { upsertBills, type UpsertCounts } from '../db/bill-upsert.js';
import { headerMap, parseBillRow, type Bill, type BillField } from '../domain/bill-rows.js';
import { csvRows, xlsxRows, type BillRow } from './bill-reader.js';

export const IMPORT_BATCH = 500;
/** Rejections listed in the answer; the count covers them all. */
export const MAX_REPORTED_REJECTIONS = 1000;

export interface Rejection {
  row: number;
  order_id: string | null;
  reason: string;
}

export interface ImportReport extends UpsertCounts {
  file_type: 'xlsx' | 'csv';
  total_rows: number;
  rejected: number;
  rejections: Rejection[];
}

/**
 * Streams a bill file into `orders` in batches inside the caller's transaction (all or nothing), and
 * reports per row what was rejected and why. Importing the same file again changes nothing.
 */
export async function importBills(
  sequelize: Sequelize,
  transaction: Transaction,
  file: { path: string; kind: 'xlsx' | 'csv' },
  options: { zone: string; channel: string | null },
): Promise<ImportReport> {
  const report: ImportReport = { file_type: file.kind, total_rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [] };
  const reject = (r: Rejection) => {
    report.rejected++;
    if (report.rejections.length < MAX_REPORTED_REJECTIONS) report.rejections.push(r);
  };
  const seen = new Map<string, number>();
  let header: Map<number, BillField> | null = null;
  let batch: Bill[] = [];
  const flush = async () => {
    const counts = await upsertBills(sequelize, batch, transaction);
    report.inserted += counts.inserted;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    batch = [];
  };
  const rows: AsyncGenerator<BillRow> = file.kind === 'xlsx' ? xlsxRows(file.path) : csvRows(file.path);
  for await (const { rowNumber, cells } of rows) {
    if (!header) {
      // title and comment lines (Alipay's "#…") come before the header row
      header = headerMap(cells);
      continue;
    }
    if (cells.every((c) => c === null || c === undefined || String(c).trim() === '')) continue;
    const first = String(cells[0] ?? '').trim();
    if (first.startsWith('#') || first.startsWith('-')) continue; // footers: "#-----账务明细列表结束-----"
    report.total_rows++;
    const parsed = parseBillRow(cells, header, options.zone, options.channel);
    if (!parsed.ok) {
      reject({ row: rowNumber, order_id: parsed.order_id, reason: parsed.reason });
      continue;
    }
    const earlier = seen.get(parsed.bill.order_id);
    if (earlier !== undefined) {
      reject({ row: rowNumber, order_id: parsed.bill.order_id, reason: `订单编号与第 ${earlier} 行重复` });
      continue;
    }
    seen.set(parsed.bill.order_id, rowNumber);
    batch.push(parsed.bill);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  if (!header) throw Object.assign(new Error('NO_HEADER'), { noHeader: true });
  await flush();
  return report;
}
