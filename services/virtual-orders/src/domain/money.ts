/** Money is integer fen (分) in code; yuan strings with two decimals at the edges (Excel, JSON, SQL). */

const YUAN = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

/** "12.5" → 1250; null when the text is not a non-negative amount with at most two decimals. */
export function parseYuan(text: string): number | null {
  const m = YUAN.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1250 → "12.50" */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A DECIMAL read back from MySQL (string) or SQLite (number) → fen. */
export function dbFen(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return Math.round(value * 100);
  const text = String(value);
  const negative = text.startsWith('-');
  const fen = parseYuan(negative ? text.slice(1) : text) ?? Math.round(Number(text) * 100);
  return negative ? -fen : fen;
}

/** Percentage with two decimals, 0 when there is nothing to divide by. */
export function percent(part: number, whole: number): number {
  if (!whole) return 0;
  return Math.round((part * 10000) / whole) / 100;
}
