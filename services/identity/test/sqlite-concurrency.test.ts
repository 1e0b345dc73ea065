import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MemoryBus } from '@backoffice/kit';
import { apiClient, type ApiClient } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { QueryTypes } from 'sequelize';
import { identityService } from '../src/index.js';

/** `npm start` (SQLite, in-memory bus): users created at once, each signing in, all succeed. */
const ADMIN_PASSWORD = 'Admin#2026pass';
let dir: string;
let stack: RunningStack;
let api: ApiClient;
let admin: string;
const bus = new MemoryBus();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'identity-sqlite-'));
  stack = await startStack({
    services: [identityService],
    databaseUrl: (name) => `sqlite:${join(dir, `${name}.sqlite`)}`,
    bus,
    ports: 'ephemeral',
    accessLog: false,
    env: { ADMIN_PASSWORD, LOG_LEVEL: 'silent' },
  });
  api = apiClient(stack.services.identity.url);
  admin = (await api.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.data.token;
});
after(async () => {
  await stack?.stop();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

test('14 users created at once on SQLite, each followed by a login: all 201 and 200, no 500', async () => {
  const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string }>;
  const roleId = roles.find((r) => r.code === 'customer_service')!.id;
  const results = await Promise.all(
    Array.from({ length: 14 }, async (_, i) => {
      const created = await api.post('/api/users', { username: `cs_sqlite_${i}`, password: 'secret123', role_id: roleId, real_name: `客服${i}` }, admin);
      const login = await api.post('/api/auth/login', { username: `cs_sqlite_${i}`, password: 'secret123' });
      return [created.status, login.status, created.status === 201 ? '' : JSON.stringify(created.body)];
    }),
  );
  assert.deepEqual(results, Array.from({ length: 14 }, () => [201, 200, '']));
  const [{ n }] = await stack.services.identity.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE username LIKE 'cs_sqlite_%'", { type: QueryTypes.SELECT });
  assert.equal(Number(n), 14);
});
