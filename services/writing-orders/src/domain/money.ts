/**
 * Money in integer fen. Amounts arrive as decimal strings or numbers ("12.3", 12.30, "¥1,234.50")
 * and leave as strings with two decimals, as the seed prints them. No float arithmetic.
 */
const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Fen of a decimal amount, or null for an empty value; undefined when it is not an amount. */
export function toFen(value: unknown): number | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // a spreadsheet number: its shortest decimal text is what the person typed
    text = String(value);
    if (/e/i.test(text)) return undefined;
  } else if (typeof value === 'string') {
    text = value.trim().replace(/^[¥￥]/, '').replace(/,/g, '');
    if (text === '') return null;
  } else return undefined;
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign, whole, frac = ''] = m;
  // round half away from zero on the third decimal
  const cents = Number(whole) * 100 + Number((frac + '00').slice(0, 2)) + (Number(frac[2] ?? '0') >= 5 ? 1 : 0);
  if (!Number.isSafeInteger(cents)) return undefined;
  return sign === '-' ? -cents : cents;
}

export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A DECIMAL read back from the database (string on MariaDB, number on SQLite) as "12.30", or null. */
export function moneyText(value: unknown): string | null {
  const fen = toFen(value);
  return fen === null || fen === undefined ? null : formatFen(fen);
}
