import { createHash } from 'node:crypto';

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** The exact text a parameter is sent and signed as: objects as JSON, booleans as true/false, numbers as written. */
export const wireValue = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The wire form of a call: every non-empty parameter as the string that is both signed and sent
 * (so the signed set is exactly the sent set), plus `sign` = uppercase MD5(secret + sorted key+value + secret).
 */
export function signedForm(params: Record<string, unknown>, secret: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const key of Object.keys(params).sort()) {
    if (key === 'sign' || isEmpty(params[key])) continue;
    form[key] = wireValue(params[key]);
  }
  const body = Object.entries(form)
    .map(([k, v]) => k + v)
    .join('');
  form.sign = createHash('md5').update(secret + body + secret, 'utf8').digest('hex').toUpperCase();
  return form;
}
