import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sleep } from '@backoffice/kit/testing';
import { startVirtualHarness, type VirtualHarness } from './stack.js';

/** Malformed multipart bodies must end in a 400 envelope, never in a rejection nobody handles (that would exit a separate process). */
const BASE = '/api/virtual-orders';
let h: VirtualHarness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await startVirtualHarness('virtual_upload_errors');
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h?.stop();
});

const multipart = (body: string, boundary = 'b') =>
  fetch(`${h.stack.gateway!.url}${BASE}/import/student-subsidy`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.admin}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });

const part = (name: string, filename: string, content: string) =>
  `--b\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;

test('truncated and over-limit multipart uploads answer 400, leave no temp file and no unhandled rejection; the service stays ready', async () => {
  const bodies = [
    // the body ends inside the file part (no closing boundary)
    '--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
    // two files where one is allowed
    `${part('file', 'a.xlsx', 'x'.repeat(1000))}${part('file', 'b.xlsx', 'y')}--b--\r\n`,
    // 30 parts where one file and five fields are allowed
    `${Array.from({ length: 30 }, (_, i) => part(i % 2 ? 'file' : `f${i}`, `${i}.xlsx`, 'z'.repeat(100))).join('')}--b--\r\n`,
    // a file under another field name, then the body breaks off
    `${part('other', 'a.xlsx', 'abc')}--b\r\nContent-Disposition: form-data; name="file"; filename="c.xlsx"\r\n\r\n${'q'.repeat(70_000)}`,
  ];
  for (const body of bodies) {
    const res = await multipart(body);
    assert.equal(res.status, 400, body.slice(0, 80));
    const envelope = (await res.json()) as { code: number; message: string; reason: string };
    assert.notEqual(envelope.code, 0);
    assert.match(envelope.reason, /^(BAD_MULTIPART|UNEXPECTED_FIELD)$/);
  }
  // rejections of the cleanup surface on a later tick
  await sleep(200);
  assert.deepEqual(unhandled.map(String), []);
  const ready = await fetch(`${h.stack.services['virtual-orders'].url}/readyz`);
  assert.equal(ready.status, 200);
  const left = readdirSync(join(h.env.UPLOAD_ROOT, 'virtual-orders-incoming'));
  assert.equal(left.length, 0, `temp files left: ${left.join(', ')}`);
});
