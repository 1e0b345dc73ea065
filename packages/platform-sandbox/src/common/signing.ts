import { createHash } from 'node:crypto';

export const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
export const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/**
 * Meituan/Dianping (北极星) signature: parameters sorted by key, `key + value` concatenated without
 * separators (empty keys/values and `sign` skipped), wrapped in the secret on both sides, MD5, lowercase.
 * Values are the raw ones, before URL encoding.
 */
export function meituanSign(params: Record<string, unknown>, secret: string): string {
  const body = Object.keys(params)
    .filter((k) => k && k !== 'sign' && params[k] !== undefined && params[k] !== null && String(params[k]) !== '')
    .sort()
    .map((k) => `${k}${String(params[k])}`)
    .join('');
  return md5(`${secret}${body}${secret}`);
}
