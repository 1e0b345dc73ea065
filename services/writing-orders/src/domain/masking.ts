/** Alipay accounts are e-mail addresses or phone numbers: zh***@alipay.com, 138****5678. */
export function maskAccount(account: string | null | undefined): string | null {
  if (!account) return account ?? null;
  const at = account.indexOf('@');
  if (at > 0) return `${account.slice(0, Math.min(2, at))}***${account.slice(at)}`;
  if (account.length >= 7) return `${account.slice(0, 3)}****${account.slice(-4)}`;
  return '*'.repeat(account.length);
}
