import { addDays } from './time.js';

/** "1000.5" / 1000.5 / "12.34" → integer fen; DECIMAL values arrive as strings from MySQL. */
export function toFen(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d{0,2})\d*)?$/.exec(text);
  if (!m) return 0;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

export const fenToYuan = (fen: number) => fen / 100;

/** The seven studio days ending on `lastDay`, oldest first, each with its total (days without orders are 0). */
export function sevenDays(lastDay: string, totalsByDay: ReadonlyMap<string, number>): Array<{ date: string; amount: number }> {
  return Array.from({ length: 7 }, (_, i) => {
    const date = addDays(lastDay, i - 6);
    return { date, amount: fenToYuan(totalsByDay.get(date) ?? 0) };
  });
}
