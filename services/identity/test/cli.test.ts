import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { openDatabase } from '@backoffice/kit';
import { createTestDatabase, type TestDatabase } from '@backoffice/kit/testing';
import { QueryTypes } from 'sequelize';
import { identityService } from '../src/index.js';

// The service's own entry point, run as a process the way a Kubernetes Job or an operator runs it.
const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'services/identity/src/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('identity_cli');
});
after(async () => {
  await db.drop();
});

test('`main.js migrate` applies the migrations once and exits; a second run changes nothing', async () => {
  const env = { DATABASE_URL: db.url, INTERNAL_API_TOKEN: 'cli-test-internal-token-0123456789' };
  const first = run(['migrate'], env);
  assert.equal(first.status, 0, first.stderr);
  const second = run(['migrate'], env);
  assert.equal(second.status, 0, second.stderr);
  const sequelize = openDatabase(db.url);
  try {
    const applied = await sequelize.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', { type: QueryTypes.SELECT });
    // identity's own migrations and the kit's (whose list grows on its own), each once
    const names = applied.map((m) => m.name);
    for (const m of identityService.migrations) assert.ok(names.includes(m.name), m.name);
    assert.ok(names.includes('0000-kit-outbox-inbox-locks'));
    assert.equal(new Set(names).size, names.length);
    const tables = await sequelize.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', {
      replacements: [db.name],
      type: QueryTypes.SELECT,
    });
    for (const table of ['users', 'roles', 'menus', 'refresh_tokens', 'outbox', 'inbox']) assert.ok(tables.some((r) => r.t === table), table);
  } finally {
    await sequelize.close();
  }
});

test('a bad configuration stops the service with a line naming the variable', () => {
  const res = run([], { DATABASE_URL: 'postgres://nope', INTERNAL_API_TOKEN: 'short' });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /DATABASE_URL is invalid/);
  assert.match(res.stderr, /INTERNAL_API_TOKEN is invalid/);
});
