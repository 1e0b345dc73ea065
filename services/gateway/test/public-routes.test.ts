import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ok } from '@backoffice/contracts';
import { identityService } from '@backoffice/identity';
import { ApiRouter, baseConfigSchema, NatsBus, type ServiceModule } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';

// A service's own `public` declaration opens the route at the edge; nothing else does.
const callbackService: ServiceModule = {
  name: 'pdd-verify',
  title: 'a service with a platform callback',
  defaultPort: 0,
  configSchema: baseConfigSchema({ port: 0, service: 'pdd-verify' }),
  migrations: [],
  async build({ auth, docs }) {
    const api = new ApiRouter(auth, docs, 'callbacks');
    api
      .route({ method: 'post', path: '/api/pdd/callback/:shop', summary: 'platform callback', access: 'public', handler: ({}, req) => ok({ shop: req.params.shop }) })
      .route({ method: 'get', path: '/api/pdd/callback/:shop', summary: 'read callbacks', access: { permission: 'pdd.read' }, handler: () => ok([]) });
    return { routers: [api.router] };
  },
};

const dbs: TestDatabase[] = [];
let stack: RunningStack;
let api: ApiClient;
const busUrl = testNatsUrl('gateway_public');

before(async () => {
  dbs.push(await createTestDatabase('gw_public_identity'), await createTestDatabase('gw_public_callback'));
  stack = await startStack({
    services: [identityService, callbackService],
    databaseUrl: (service) => (service === 'identity' ? dbs[0].url : dbs[1].url),
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: { ADMIN_PASSWORD: 'Admin#2026pass', LOG_LEVEL: 'silent' },
  });
  api = apiClient(stack.gateway!.url);
});
after(async () => {
  await stack.stop();
  const bus = await NatsBus.connect(busUrl);
  await bus.destroyStream();
  await bus.close();
  for (const db of dbs) await db.drop();
});

test('a route a service declares public passes the gateway without a token; the same path with another method does not', async () => {
  const open = await api.post('/api/pdd/callback/shop-1', {});
  assert.deepEqual([open.status, open.body.data], [200, { shop: 'shop-1' }]);
  const closed = await api.get('/api/pdd/callback/shop-1');
  assert.deepEqual([closed.status, closed.body.reason], [401, 'UNAUTHENTICATED']);
  assert.equal((await api.post('/api/pdd/callback/a/b', {})).status, 401, 'a parameter is one path segment');
});
