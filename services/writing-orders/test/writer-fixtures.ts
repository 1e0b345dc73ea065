import assert from 'node:assert/strict';
import type { WritingHarness } from './stack.js';

/** A valid body for POST /api/writers and /api/writers/open. */
export const writerBody = (overrides: Record<string, unknown> = {}) => ({
  name: '张三',
  education: '本科',
  major: '中文',
  writing_experience: '大学水平',
  specialized_content: '论文、报告',
  phone_1: '13800000000',
  alipay_name: '张三',
  alipay_account: 'zhangsan@alipay.com',
  id_number: '110101199003071234',
  ...overrides,
});

/** Creates a writer as the super admin; answers its id and writer number. */
export async function createWriter(h: WritingHarness, overrides: Record<string, unknown> = {}): Promise<{ id: number; writer_id: string }> {
  const res = await h.api.post('/api/writers', writerBody(overrides), h.admin);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

/** YYMMDD of today in the studio's zone (the tests run with the default Asia/Shanghai). */
export const todayCode = () => {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: '2-digit', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}${get('month')}${get('day')}`;
};

/** YYYY-MM-DD of today in Asia/Shanghai. */
export const todayDate = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** A real 1×1 PNG; `salt` appended after IEND makes distinct files of the same type. */
export function png(salt = ''): Buffer {
  const base = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([base, Buffer.from(salt)]);
}

export function jpeg(size = 80): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length - 2), 1), Buffer.from([0xff, 0xd9])]);
}

/** multipart/form-data with text fields and files under `images`. */
export function caseForm(fields: Record<string, string>, files: Array<{ name: string; data: Buffer; type?: string }> = [], field = 'images'): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const f of files) body.append(field, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'image/jpeg' }), f.name);
  return body;
}
