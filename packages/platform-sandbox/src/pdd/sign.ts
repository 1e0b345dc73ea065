import { createHash } from 'node:crypto';

/** Values PDD treats as absent when signing: undefined, null and the empty string (0 and false are values). */
const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** How a parameter value enters the signed string: objects as JSON, booleans as true/false. */
export const signValue = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * PDD's router signature: parameters sorted by key, `key+value` concatenated without separators
 * (skipping `sign` and empty values), wrapped in the client secret, MD5, uppercase hex.
 */
export function pddSign(params: Record<string, unknown>, secret: string): string {
  const body = Object.keys(params)
    .filter((k) => k !== 'sign' && !isEmpty(params[k]))
    .sort()
    .map((k) => k + signValue(params[k]))
    .join('');
  return createHash('md5').update(secret + body + secret, 'utf8').digest('hex').toUpperCase();
}
