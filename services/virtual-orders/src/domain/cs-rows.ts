/** Seed 000 导入专用客服: 姓名, 账号 required; 手机号, 身份证号 optional. */
export const CS_COLUMNS = { name: '姓名', account: '账号', phone: '手机号', idCard: '身份证号' } as const;

export const ACCOUNT_PATTERN = /^[A-Za-z0-9_.@-]{3,50}$/;
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
export const ID_CARD_PATTERN = /^\d{17}[\dXx]$/;

export const ACCOUNT_MESSAGE = '账号须为 3-50 位字母、数字或 _ . @ -';
export const MOBILE_MESSAGE = '手机号格式不正确';
export const ID_CARD_MESSAGE = '身份证号格式不正确';

export type CsRow = { name: string; account: string; phone: string | null; idCard: string | null };

export function judgeCsRow(cells: Record<string, string>): { ok: true; row: CsRow } | { ok: false; reason: string } | null {
  const name = (cells[CS_COLUMNS.name] ?? '').trim();
  const account = (cells[CS_COLUMNS.account] ?? '').trim();
  const phone = (cells[CS_COLUMNS.phone] ?? '').trim();
  const idCard = (cells[CS_COLUMNS.idCard] ?? '').trim().toUpperCase();
  if (!name && !account && !phone && !idCard) return null;
  if (!name) return { ok: false, reason: '姓名不能为空' };
  if (name.length > 50) return { ok: false, reason: '姓名不能超过50个字符' };
  if (!account) return { ok: false, reason: '账号不能为空' };
  if (!ACCOUNT_PATTERN.test(account)) return { ok: false, reason: ACCOUNT_MESSAGE };
  if (phone && !MOBILE_PATTERN.test(phone)) return { ok: false, reason: MOBILE_MESSAGE };
  if (idCard && !ID_CARD_PATTERN.test(idCard)) return { ok: false, reason: ID_CARD_MESSAGE };
  return { ok: true, row: { name, account, phone: phone || null, idCard: idCard || null } };
}

export const missingCsColumns = (header: readonly string[]) => [CS_COLUMNS.name, CS_COLUMNS.account].filter((c) => !header.includes(c));
