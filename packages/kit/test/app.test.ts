import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { ok } from '@backoffice/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { z } from 'zod';
import { ApiRouter, Authenticator, createApp, createLogger, currentContext, loadConfig, baseConfigSchema, OpenApiDocument, ConfigError } from '../src/index.js';

let server: Server;
let base: string;
let sign: (claims: Record<string, unknown>, exp?: string) => Promise<string>;

before(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  sign = (claims, exp = '5m') =>
    new SignJWT({ typ: 'access', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('backoffice-identity')
      .setAudience('backoffice')
      .setSubject('7')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(privateKey);
  const docs = new OpenApiDocument('test');
  const api = new ApiRouter(Authenticator.fromJwks({ keys: [jwk] }), docs, 'things');
  api
    .route({ method: 'get', path: '/open', summary: 'open', access: 'public', handler: () => ok({ requestId: currentContext()?.requestId }) })
    .route({
      method: 'post',
      path: '/things',
      summary: 'create a thing',
      access: { permission: 'things.write' },
      body: z.object({ name: z.string({ error: '名称不能为空' }).min(1, '名称不能为空').max(10) }),
      handler: ({ body }, req) => ok({ name: body.name, by: req.user?.username }, '创建成功'),
    })
    .route({ method: 'get', path: '/boom', summary: 'fails', access: 'public', handler: () => { throw new Error('SELECT * FROM secrets failed'); } });
  const app = createApp({ service: 'test', logger: createLogger('test', 'silent'), routers: [api.router], docs });
  server = await new Promise((r) => {
    const s = app.listen(0, () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

test('unknown route → 404 envelope', async () => {
  const res = await fetch(`${base}/nope`);
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { code: 404, message: '接口不存在：GET /nope', reason: 'ROUTE_NOT_FOUND' });
});

test('the request id is taken from x-request-id, echoed, and visible to the handler; else generated', async () => {
  const res = await fetch(`${base}/open`, { headers: { 'x-request-id': 'req-123' } });
  assert.equal(res.headers.get('x-request-id'), 'req-123');
  assert.equal((await res.json()).data.requestId, 'req-123');
  const generated = await fetch(`${base}/open`, { headers: { 'x-request-id': 'bad id with spaces' } });
  assert.match(generated.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
});

test('no token → 401, bad token → 401, expired → 401 with its own message, missing permission → 403', async () => {
  let res = await post('{"name":"a"}');
  assert.equal(res.status, 401);
  assert.equal((await res.json()).message, '请先登录');
  res = await post('{"name":"a"}', { authorization: 'Bearer not.a.jwt' });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).reason, 'TOKEN_INVALID');
  res = await post('{"name":"a"}', { authorization: `Bearer ${await sign({ username: 'u', perms: ['things.write'] }, '-1m')}` });
  assert.deepEqual(await res.json(), { code: 401, message: '登录已过期，请重新登录', reason: 'TOKEN_EXPIRED' });
  res = await post('{"name":"a"}', { authorization: `Bearer ${await sign({ username: 'u', perms: ['other'] })}` });
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), { code: 1, message: '您没有权限执行此操作', reason: 'FORBIDDEN' });
});

test('valid input passes; invalid input → 400 with a message a person can act on', async () => {
  const token = await sign({ username: 'alice', perms: ['things.write'] });
  let res = await post('{"name":"widget"}', { authorization: `Bearer ${token}` });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { code: 0, message: '创建成功', data: { name: 'widget', by: 'alice' } });
  res = await post('{}', { authorization: `Bearer ${token}` });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.message, '名称不能为空');
  assert.equal(body.reason, 'VALIDATION_FAILED');
  res = await post(JSON.stringify({ name: 'wid\u0000get' }), { authorization: `Bearer ${token}` });
  assert.equal(res.status, 400, 'a NUL character is refused before it reaches a database');
  assert.deepEqual(await res.json(), {
    code: 1,
    message: '参数 name 不能包含空字符（\\0）',
    reason: 'VALIDATION_FAILED',
    details: [{ path: 'name', message: '不能包含空字符' }],
  });
});

test('malformed JSON → 400; a body over the limit → 413', async () => {
  const token = await sign({ username: 'alice', perms: ['things.write'] });
  let res = await post('{"name":', { authorization: `Bearer ${token}` });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { code: 400, message: '请求体不是合法的 JSON', reason: 'MALFORMED_JSON' });
  res = await post(JSON.stringify({ name: 'x'.repeat(1_100_000) }), { authorization: `Bearer ${token}` });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).reason, 'PAYLOAD_TOO_LARGE');
});

test('an unexpected error → 500 envelope without internals', async () => {
  const res = await fetch(`${base}/boom`);
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.doesNotMatch(text, /SELECT|secrets|at .*\.ts/);
  assert.deepEqual(JSON.parse(text), { code: 500, message: '服务器内部错误，请稍后重试', reason: 'INTERNAL' });
});

test('health, metrics and the OpenAPI document are served', async () => {
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /http_request_duration_seconds_bucket\{[^}]*route="\/things"/);
  const doc = await (await fetch(`${base}/openapi.json`)).json();
  assert.equal(doc.paths['/things'].post['x-permission'], 'things.write');
  assert.deepEqual(doc.paths['/open'].get.security, []);
});

test('configuration errors name the variable', () => {
  const schema = baseConfigSchema({ port: 1, service: 's' });
  assert.throws(() => loadConfig(schema, {}), (err: Error) => err instanceof ConfigError && /DATABASE_URL is not set/.test(err.message));
  assert.throws(
    () => loadConfig(schema, { DATABASE_URL: 'postgres://x', PORT: 'abc' }),
    (err: Error) => /DATABASE_URL is invalid/.test(err.message) && /PORT is invalid/.test(err.message),
  );
  assert.equal(loadConfig(schema, { DATABASE_URL: 'sqlite::memory:' }).PORT, 1);
});
