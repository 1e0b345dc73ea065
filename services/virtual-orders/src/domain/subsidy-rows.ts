import { parseYuan } from './money.js';

/** Columns of the subsidy file (seed 000) and of the income export that is imported back. */
export const SUBSIDY_COLUMNS = { name: '学生姓名', amount: '补贴金额', studentId: '学生ID' } as const;

/** Figures the income export adds; not student information when the export comes back as an import. */
export const EXPORT_FIGURE_COLUMNS = ['学生ID', '补贴总额', '任务数', '已完成任务数', '已完成金额', '未完成金额'] as const;

export const MAX_NAME_LENGTH = 50;

export type RowVerdict =
  | { kind: 'skip' }
  | { kind: 'reject'; reason: string }
  | { kind: 'accept'; name: string; amountFen: number; studentId: number | null; info: Record<string, string> };

/**
 * One data row of a subsidy file. A row whose 补贴金额 is left empty is skipped, not rejected: a
 * filled-in income export lists every student and only some of them get a subsidy this time.
 */
export function judgeSubsidyRow(cells: Record<string, string>, maxFen: number): RowVerdict {
  const name = (cells[SUBSIDY_COLUMNS.name] ?? '').trim();
  const amountText = (cells[SUBSIDY_COLUMNS.amount] ?? '').trim();
  const idText = (cells[SUBSIDY_COLUMNS.studentId] ?? '').trim();
  if (!amountText) return { kind: 'skip' };
  if (!name) return { kind: 'reject', reason: '学生姓名不能为空' };
  if (name.length > MAX_NAME_LENGTH) return { kind: 'reject', reason: `学生姓名不能超过${MAX_NAME_LENGTH}个字符` };
  if (!/^-?\d+(\.\d+)?$/.test(amountText)) return { kind: 'reject', reason: `补贴金额必须是数字（当前为“${amountText.slice(0, 20)}”）` };
  if (amountText.startsWith('-')) return { kind: 'reject', reason: '补贴金额必须大于0' };
  const fen = parseYuan(amountText);
  if (fen === null) return { kind: 'reject', reason: '补贴金额最多保留两位小数' };
  if (fen === 0) return { kind: 'reject', reason: '补贴金额必须大于0' };
  if (fen > maxFen) return { kind: 'reject', reason: `补贴金额不能超过${maxFen / 100}元` };
  let studentId: number | null = null;
  if (idText) {
    if (!/^\d{1,10}$/.test(idText)) return { kind: 'reject', reason: '学生ID必须是正整数' };
    studentId = Number(idText);
  }
  const info: Record<string, string> = {};
  for (const [column, value] of Object.entries(cells)) {
    if (column === SUBSIDY_COLUMNS.name || column === SUBSIDY_COLUMNS.amount) continue;
    if ((EXPORT_FIGURE_COLUMNS as readonly string[]).includes(column)) continue;
    if (value.trim()) info[column] = value.trim().slice(0, 200);
  }
  return { kind: 'accept', name, amountFen: fen, studentId, info };
}

/** Required header columns that are missing. */
export const missingSubsidyColumns = (header: readonly string[]) => [SUBSIDY_COLUMNS.name, SUBSIDY_COLUMNS.amount].filter((c) => !header.includes(c));
