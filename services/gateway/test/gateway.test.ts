import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { identityService } from '@backoffice/identity';
import { NatsBus } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { QueryTypes } from 'sequelize';

let db: TestDatabase;
let stack: RunningStack;
let api: ApiClient;
let token: string;
const busUrl = testNatsUrl('gateway');
// an upstream that accepts connections and never answers
let hanging: Server;
const hangingSockets = new Set<Socket>();

before(async () => {
  hanging = createServer((socket) => void hangingSockets.add(socket));
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  db = await createTestDatabase('gateway');
  // only identity runs: every other upstream is down
  stack = await startStack({
    services: [identityService],
    databaseUrl: () => db.url,
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: {
      ADMIN_PASSWORD: 'Admin#2026pass',
      LOG_LEVEL: 'silent',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '12',
      UPSTREAM_TIMEOUT_MS: '1500',
      WRITING_ORDERS_URL: `http://127.0.0.1:${(hanging.address() as { port: number }).port}`,
    },
  });
  api = apiClient(stack.gateway!.url);
  token = (await api.post('/api/auth/login', { username: 'admin', password: 'Admin#2026pass' })).body.data.token;
});
after(async () => {
  hangingSockets.forEach((s) => s.destroy());
  hanging.close();
  await stack.stop();
  const bus = await NatsBus.connect(busUrl);
  await bus.destroyStream();
  await bus.close();
  await db.drop();
});

test('routes to the owning service; public routes are open, others need a valid token', async () => {
  const me = await api.get('/api/auth/userInfo', token);
  assert.equal(me.status, 200);
  assert.equal(me.body.data.username, 'admin');
  const roles = await api.get('/api/roles', token);
  assert.equal(roles.status, 200);
  assert.ok(roles.body.data.length > 5);
});

test('a bad or missing token is refused at the edge with 401', async () => {
  const missing = await api.get('/api/users');
  assert.deepEqual([missing.status, missing.body], [401, { code: 401, message: '请先登录', reason: 'UNAUTHENTICATED' }]);
  const forged = await api.get('/api/users', `${token.slice(0, -4)}AAAA`);
  assert.deepEqual([forged.status, forged.body.reason], [401, 'TOKEN_INVALID']);
  // an upstream that is down is not even asked when the token is bad
  const down = await api.get('/api/tickets', 'garbage');
  assert.equal(down.status, 401);
});

test('404, 413 and 400 come back as envelopes', async () => {
  const unknown = await api.get('/api/nothing-here', token);
  assert.deepEqual([unknown.status, unknown.body.reason], [404, 'ROUTE_NOT_FOUND']);
  const internal = await api.get('/internal/stats');
  assert.equal(internal.status, 404, 'internal APIs are not routed');
  const big = await api.post('/api/menus', { name: 'x'.repeat(1_200_000), path: '/x' }, token);
  assert.deepEqual([big.status, big.body.reason], [413, 'PAYLOAD_TOO_LARGE']);
  const res = await fetch(`${stack.gateway!.url}/api/menus`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":' });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { code: 400, message: '请求体不是合法的 JSON', reason: 'MALFORMED_JSON' });
});

test('an upstream that is down answers 503 with a clear message, at once', async () => {
  const started = Date.now();
  const res = await api.get('/api/tickets', token);
  assert.equal(res.status, 503);
  assert.deepEqual(res.body, { code: 503, message: 'tickets 服务暂不可用，请稍后重试', reason: 'UPSTREAM_UNAVAILABLE' });
  assert.ok(Date.now() - started < 1500);
});

test('an upstream that accepts but never answers gets a 504 after the upstream timeout, not a hang', async () => {
  const started = Date.now();
  const res = await api.get('/api/writers', token);
  const waited = Date.now() - started;
  assert.equal(res.status, 504);
  assert.deepEqual(res.body, { code: 504, message: 'writing-orders 服务响应超时，请稍后重试', reason: 'UPSTREAM_TIMEOUT' });
  assert.ok(waited >= 1400 && waited < 4000, `answered after ${waited} ms`);
});

test('health and readiness are answered at the edge', async () => {
  assert.equal((await api.get('/healthz')).body.data.service, 'gateway');
  assert.equal((await api.get('/readyz')).status, 200);
});

test('the request id is echoed and carried into the events the request causes', async () => {
  const roles = (await api.get('/api/roles', token)).body.data as Array<{ id: number; code: string }>;
  const res = await api.post('/api/users', { username: 'traced', password: 'secret123', role_id: roles.find((r) => r.code === 'agent')!.id }, token, { 'x-request-id': 'trace-gw-42' });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-request-id'), 'trace-gw-42');
  const [row] = await stack.services.identity.sequelize.query<{ envelope: string }>(`SELECT envelope FROM outbox WHERE type = 'identity.user.created.v1' ORDER BY id DESC LIMIT 1`, {
    type: QueryTypes.SELECT,
  });
  assert.equal(JSON.parse(row.envelope).traceid, 'trace-gw-42');
  const generated = await api.get('/api/auth/userInfo', token);
  assert.match(generated.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
});

test('answers carry security headers', async () => {
  const res = await fetch(`${stack.gateway!.url}/api/auth/userInfo`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=/);
  assert.equal(res.headers.get('x-powered-by'), null);
});

test('CORS preflight is answered', async () => {
  const res = await fetch(`${stack.gateway!.url}/api/users`, {
    method: 'OPTIONS',
    headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://admin.example.com');
});

test('the merged OpenAPI document lists the routes of reachable services and names the missing ones', async () => {
  const doc = await api.get('/openapi.json');
  assert.ok(doc.body.paths['/api/auth/login'].post);
  assert.equal(doc.body.paths['/api/auth/login'].post['x-permission'], 'public');
  assert.equal(doc.body.paths['/api/users'].get['x-permission'], 'users.read');
  assert.match(doc.body.info.description, /tickets/);
  const ui = await fetch(`${stack.gateway!.url}/docs/`);
  assert.equal(ui.status, 200);
  assert.match(await ui.text(), /swagger/i);
});

test('public routes are rate-limited per IP', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 14; i++) statuses.push((await api.post('/api/auth/login', { username: 'nobody', password: 'x' })).status);
  assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
  const limited = await api.post('/api/auth/login', { username: 'nobody', password: 'x' });
  assert.deepEqual(limited.body, { code: 429, message: '请求过于频繁，请稍后再试', reason: 'RATE_LIMITED' });
});
