import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startGateway, type RunningGateway } from '../src/index.js';

// Requests Node's HTTP parser refuses never reach Express; they still get the JSON envelope.
let gateway: RunningGateway;
before(async () => {
  gateway = await startGateway({ env: { PORT: '0', LOG_LEVEL: 'silent', ACCESS_LOG: 'false', IDENTITY_URL: 'http://127.0.0.1:9' } });
});
after(async () => {
  await gateway.stop();
});

const raw = (text: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(gateway.port, '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.on('data', (c) => (answer += c.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });

test('headers or an address over the limit → 431 with the envelope', async () => {
  const res = await fetch(`${gateway.url}/api/users/${'9'.repeat(20_000)}`);
  assert.equal(res.status, 431);
  assert.deepEqual(await res.json(), { code: 431, message: '请求头或地址过长', reason: 'HEADERS_TOO_LARGE' });
});

test('a malformed request line → 400 with the envelope', async () => {
  const answer = await raw('GET /api/users HTTP/9.9 garbage\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.match(answer, /content-type: application\/json/i);
  assert.ok(answer.endsWith('{"code":400,"message":"请求格式不正确","reason":"MALFORMED_REQUEST"}'), answer);
});
