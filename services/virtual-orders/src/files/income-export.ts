import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { dbFen } from '../domain/money.js';
import { SUBSIDY_COLUMNS } from '../domain/subsidy-rows.js';
import type { Sql } from '../db/sql.js';

export const INCOME_SHEET = '学生收入统计';
export const HELP_SHEET = '使用说明';
const PAGE = 5000;

const COLUMNS = [
  { header: SUBSIDY_COLUMNS.studentId, key: 'id', width: 10 },
  { header: SUBSIDY_COLUMNS.name, key: 'name', width: 16 },
  { header: '补贴总额', key: 'total', width: 12 },
  { header: '任务数', key: 'tasks', width: 10 },
  { header: '已完成任务数', key: 'done', width: 14 },
  { header: '已完成金额', key: 'income', width: 12 },
  { header: '未完成金额', key: 'unpaid', width: 12 },
  { header: SUBSIDY_COLUMNS.amount, key: 'subsidy', width: 12 },
];

const HELP = [
  '本文件由虚拟订单系统导出，包含所有学生的收入数据。',
  '“学生收入统计”工作表：每行一名学生，“已完成金额”即学生收入（元）。',
  '“补贴金额”列留空供填写：填写本次要发放的补贴（元，最多两位小数），不发放的学生留空即可。',
  '填写后可直接作为学生补贴表导入（导入学生补贴表）；“学生ID”用于核对学生，请勿修改。',
  '同一文件重复导入不会重复发放。金额按5元的倍数随机生成任务，不足5元的余数单独成为一个任务。',
];

/**
 * Writes the income workbook to `out` with exceljs's streaming writer: students are read a page at a
 * time (keyset on id) and each row is committed as it is written, so memory stays flat.
 */
export async function writeIncomeWorkbook(sql: Sql, out: Writable): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(INCOME_SHEET);
  sheet.columns = COLUMNS;
  const page = (after: number) =>
    sql.select<{ id: number; name: string; total: unknown; tasks: unknown; done: unknown; income: unknown }>(
      `SELECT s.id, s.name, p.total_amount AS total, p.task_count AS tasks, p.completed_count AS done, p.completed_amount AS income
         FROM virtual_students s LEFT JOIN virtual_order_pool p ON p.student_id = s.id
        WHERE s.id > ? ORDER BY s.id LIMIT ${PAGE}`,
      [after],
    );
  let written = 0;
  let pending = page(0);
  for (;;) {
    const rows = await pending;
    // the next page is read while this one is written
    if (rows.length === PAGE) pending = page(Number(rows[rows.length - 1].id));
    for (const r of rows) {
      const total = dbFen(r.total);
      const income = dbFen(r.income);
      // numbers as numbers (yuan) so Excel sums them; fen → yuan is a division for display only
      sheet.addRow([Number(r.id), r.name, total / 100, Number(r.tasks ?? 0), Number(r.done ?? 0), income / 100, (total - income) / 100, null]).commit();
    }
    written += rows.length;
    if (rows.length < PAGE) break;
    // let the response drain before the next page
    if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve));
  }
  sheet.commit();
  const help = workbook.addWorksheet(HELP_SHEET);
  help.columns = [{ header: '使用说明', key: 'text', width: 100 }];
  for (const line of HELP) help.addRow([line]).commit();
  help.commit();
  await workbook.commit();
  return written;
}
