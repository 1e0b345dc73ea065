/** Card codes as people type them: trimmed; 4–128 visible characters. */
export function normalizeCode(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const code = String(raw).trim();
  if (code.length < 4 || code.length > 128 || /[\s\u0000-\u001f]/.test(code)) return null;
  return code;
}

/** ABCD1234EFGH → AB********GH: enough to tell codes apart in a list, not enough to use one. */
export function maskCode(code: string): string {
  if (code.length <= 4) return '*'.repeat(code.length);
  const keep = code.length >= 10 ? 3 : 2;
  return `${code.slice(0, keep)}${'*'.repeat(code.length - keep * 2)}${code.slice(-keep)}`;
}

/** Header cells a card-code file may start with. */
export const HEADER_NAMES = new Set(['卡密', '兑换码', '卡号', '核销码', '券码', 'code', 'card_code', 'voucher_no']);
