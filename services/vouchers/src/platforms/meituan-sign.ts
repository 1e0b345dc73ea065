import { createHash } from 'node:crypto';

/**
 * Meituan/Dianping signature: sort by key, concatenate `key+value` (skipping `sign` and empty
 * keys/values), wrap in the secret on both sides, MD5, lowercase hex — over the raw values, exactly the
 * set that is sent.
 */
export function meituanSign(params: Record<string, string>, secret: string): string {
  const body = Object.keys(params)
    .filter((k) => k && k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return createHash('md5').update(`${secret}${body}${secret}`, 'utf8').digest('hex');
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm:ss`, 24 h clock, Beijing time. */
export function meituanTimestamp(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
