import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { identityService } from '@backoffice/identity';
import { ConfigError, loadConfig, NatsBus, parseTrustProxy } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { QueryTypes } from 'sequelize';
import { gatewayConfigSchema, startGateway, type RunningGateway } from '../src/index.js';

// Per-IP limits key on the client address; a client must not be able to pick it with X-Forwarded-For.
let db: TestDatabase;
let stack: RunningStack;
let api: ApiClient;
let behindProxy: RunningGateway;
const busUrl = testNatsUrl('trust_proxy');

const failedLogin = (client: ApiClient, username: string, spoofed: string) =>
  client.post('/api/auth/login', { username, password: 'wrong-password' }, undefined, { 'x-forwarded-for': spoofed, 'x-real-ip': spoofed, forwarded: `for=${spoofed}` });
const failureIps = async () =>
  (await stack.services.identity.sequelize.query<{ ip: string }>('SELECT DISTINCT ip FROM login_failures', { type: QueryTypes.SELECT })).map((r) => r.ip);

before(async () => {
  db = await createTestDatabase('trust_proxy');
  stack = await startStack({
    services: [identityService],
    databaseUrl: () => db.url,
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    // TRUST_PROXY here is the gateway's; the services behind it keep trusting the gateway's hop
    env: { ADMIN_PASSWORD: 'Admin#2026pass', LOG_LEVEL: 'silent', LOGIN_MAX_FAILURES_PER_IP: '3', LOGIN_MAX_FAILURES_PER_ACCOUNT: '50', PUBLIC_RATE_LIMIT_PER_MINUTE: '8', TRUST_PROXY: 'false' },
  });
  api = apiClient(stack.gateway!.url);
  // a second gateway, as if behind an ingress on this host that it is told to trust
  behindProxy = await startGateway({
    env: { PORT: '0', LOG_LEVEL: 'silent', ACCESS_LOG: 'false', IDENTITY_URL: stack.services.identity.url, TRUST_PROXY: 'loopback', PUBLIC_RATE_LIMIT_PER_MINUTE: '2' },
  });
});
after(async () => {
  await behindProxy.stop();
  await stack.stop();
  const bus = await NatsBus.connect(busUrl);
  await bus.destroyStream();
  await bus.close();
  await db.drop();
});

test('a client cannot dodge login throttling or the gateway limit by sending its own X-Forwarded-For', async () => {
  for (let i = 1; i <= 3; i++) assert.equal((await failedLogin(api, `nobody${i}`, `198.51.100.${i}`)).status, 401);
  const throttled = await failedLogin(api, 'nobody4', '198.51.100.4');
  assert.deepEqual([throttled.status, throttled.body.message], [429, '该IP登录失败次数过多，请15分钟后再试']);
  const ips = await failureIps();
  assert.equal(ips.length, 1, `identity saw one client, not the spoofed ones: ${ips}`);
  assert.match(ips[0], /127\.0\.0\.1|::1/);

  // the gateway's own public limit (8 a minute here) counts the same client whatever it claims
  const statuses: number[] = [];
  for (let i = 5; i <= 9; i++) statuses.push((await failedLogin(api, `nobody${i}`, `203.0.113.${i}`)).status);
  assert.deepEqual(statuses, [429, 429, 429, 429, 429]);
  const limited = await failedLogin(api, 'nobody10', '203.0.113.10');
  assert.deepEqual([limited.status, limited.body.reason], [429, 'RATE_LIMITED']);
});

test('behind a proxy it is told to trust, the gateway takes the client from X-Forwarded-For and the service hears the same client', async () => {
  await stack.services.identity.sequelize.query('DELETE FROM login_failures');
  const client = apiClient(behindProxy.url);
  // the trusted hop appended the real client; the client's own first entry is not believed past it
  const res = await client.post('/api/auth/login', { username: 'someone', password: 'wrong-password' }, undefined, { 'x-forwarded-for': '10.9.9.9, 192.0.2.44' });
  assert.equal(res.status, 401);
  assert.deepEqual(await failureIps(), ['192.0.2.44']);
  // separate clients, separate buckets (limit 2 a minute)
  const a = [];
  for (let i = 0; i < 3; i++) a.push((await client.post('/api/auth/login', { username: 'x1', password: 'wrong-password' }, undefined, { 'x-forwarded-for': '192.0.2.1' })).status);
  const b = (await client.post('/api/auth/login', { username: 'x2', password: 'wrong-password' }, undefined, { 'x-forwarded-for': '192.0.2.2' })).status;
  assert.deepEqual([a, b], [[401, 401, 429], 401]);
});

test('TRUST_PROXY accepts a hop count, CIDRs and names; `true` and nonsense stop the start with a line naming it', () => {
  assert.equal(parseTrustProxy('false'), false);
  assert.equal(parseTrustProxy(''), false);
  assert.equal(parseTrustProxy('1'), 1);
  assert.deepEqual(parseTrustProxy('loopback, 10.0.0.0/8,fd00::/8, 192.168.1.10'), ['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.10']);
  for (const bad of ['true', '10.0.0.0/33', 'my-proxy', '99']) {
    assert.throws(
      () => loadConfig(gatewayConfigSchema, { TRUST_PROXY: bad }),
      (err: unknown) => err instanceof ConfigError && new RegExp(`TRUST_PROXY is invalid \\(${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`).test(err.message),
      bad,
    );
  }
  assert.equal((loadConfig(gatewayConfigSchema, {}) as { TRUST_PROXY: unknown }).TRUST_PROXY, false, 'the gateway trusts no proxy by default');
});
