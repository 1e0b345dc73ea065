/** Money is integer fen in code; the database keeps DECIMAL(10,2) and the API shows yuan. */

/** "199.9" | 199.9 | "199.90" → 19990, by reading the digits, never by float multiplication. */
export function toFen(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === '') return 0;
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d{0,2})\d*)?$/.exec(text);
  if (!m) throw new Error(`not an amount: ${text}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** 19990 → "199.90" (what the DECIMAL column stores). */
export function fenToDecimal(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 19990 → 199.9, for JSON answers (display only). */
export const fenToYuan = (fen: number) => Number(fenToDecimal(fen));
