import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { QueryTypes, type Sequelize } from 'sequelize';
import { ConfigError, migrateUp, openDatabase } from '../src/index.js';
import { loadRetentionConfig, pruneKitTables } from '../src/outbox/prune.js';
import { createTestDatabase } from '../testing/index.js';

const HOUR = 3_600_000;
const now = new Date('2026-11-23T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);

async function seed(sequelize: Sequelize) {
  const outbox: Array<[string, string, Date, Date | null]> = [
    ['sent-old', 'sent', ago(100), ago(99)],
    ['sent-recent', 'sent', ago(100), ago(10)], // written long ago, sent recently: kept
    ['pending-old', 'pending', ago(500), null],
    ['failed-old', 'failed', ago(500), null],
  ];
  for (const [id, status, created, sent] of outbox) {
    await sequelize.query(
      `INSERT INTO outbox (event_id, type, subject, envelope, status, attempts, available_at, created_at, sent_at) VALUES (?, 't.v1', 's', '{}', ?, 0, ?, ?, ?)`,
      { replacements: [id, status, created, created, sent] },
    );
  }
  for (const [id, handled] of [['inbox-old', ago(400)], ['inbox-recent', ago(200)]] as const) {
    await sequelize.query('INSERT INTO inbox (consumer, event_id, type, handled_at) VALUES (?, ?, ?, ?)', { replacements: ['c', id, 't.v1', handled] });
  }
  for (const [tick, at] of [['old', ago(72)], ['recent', ago(1)]] as const) {
    await sequelize.query('INSERT INTO job_locks (job, tick, owner, locked_at) VALUES (?, ?, ?, ?)', { replacements: ['j', tick, 'me', at] });
  }
}

const ids = async (sequelize: Sequelize, sql: string) => (await sequelize.query<{ id: string }>(sql, { type: QueryTypes.SELECT })).map((r) => r.id).sort();

async function pruneAndCheck(sequelize: Sequelize) {
  await migrateUp(sequelize, []);
  await seed(sequelize);
  const retention = loadRetentionConfig({}); // defaults: outbox 72 h, inbox 336 h, job locks 48 h
  assert.deepEqual(await pruneKitTables(sequelize, retention, now), { outbox: 1, inbox: 1, jobLocks: 1 });
  assert.deepEqual(await ids(sequelize, 'SELECT event_id AS id FROM outbox'), ['failed-old', 'pending-old', 'sent-recent']);
  assert.deepEqual(await ids(sequelize, 'SELECT event_id AS id FROM inbox'), ['inbox-recent']);
  assert.deepEqual(await ids(sequelize, 'SELECT tick AS id FROM job_locks'), ['recent']);
  assert.deepEqual(await pruneKitTables(sequelize, retention, now), { outbox: 0, inbox: 0, jobLocks: 0 }, 'a second run finds nothing');
  await checkPlans(sequelize);
}

/** The prune job's deletes and the relay's claim go through an index (migration 0002), not a table scan. */
async function checkPlans(sequelize: Sequelize) {
  const mysql = sequelize.getDialect() !== 'sqlite';
  const many = async (table: string, columns: string, n: number, row: (i: number) => unknown[]) => {
    const rows = Array.from({ length: n }, (_, i) => row(i));
    await sequelize.query(`INSERT INTO ${table} (${columns}) VALUES ${rows.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ')}`, { replacements: rows.flat() });
  };
  await many('outbox', 'event_id, type, subject, envelope, status, attempts, available_at, created_at, sent_at', 400, (i) => [`p${i}`, 't.v1', 's', '{}', i < 360 ? 'sent' : 'pending', 0, ago(i), ago(i), i < 360 ? ago(i) : null]);
  await many('inbox', 'consumer, event_id, type, handled_at', 400, (i) => ['c', `p${i}`, 't.v1', ago(i)]);
  await many('job_locks', 'job, tick, owner, locked_at', 100, (i) => ['j', `p${i}`, 'me', ago(i)]);
  await many('idempotency_keys', 'scope, idem_key, status, body, created_at', 100, (i) => ['s', `p${i}`, 200, '{}', ago(i)]);
  await sequelize.query(mysql ? 'ANALYZE TABLE outbox, inbox, job_locks, idempotency_keys' : 'ANALYZE');
  const limit = mysql ? ' LIMIT 5000' : '';
  // as in production, the rows past retention are a small part of each table
  const cases: Array<[string, Date, string]> = [
    [`DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?${limit}`, ago(355), 'outbox_status_sent_at'],
    [`DELETE FROM inbox WHERE handled_at < ?${limit}`, ago(390), 'inbox_handled_at'],
    [`DELETE FROM job_locks WHERE locked_at < ?${limit}`, ago(95), 'job_locks_locked_at'],
    [`DELETE FROM idempotency_keys WHERE created_at < ?${limit}`, ago(95), 'idempotency_keys_created_at'],
    [`SELECT id, envelope, attempts FROM outbox WHERE status = 'pending' AND available_at <= ? ORDER BY id LIMIT 100`, now, 'outbox_status_id'],
  ];
  for (const [sql, cutoff, index] of cases) {
    const plan = await sequelize.query<Record<string, unknown>>(`EXPLAIN ${mysql ? '' : 'QUERY PLAN '}${sql}`, { replacements: [cutoff], type: QueryTypes.SELECT });
    if (mysql) assert.equal(plan[0].key, index, `${sql}: ${JSON.stringify(plan)}`);
    else assert.ok(plan.some((step) => new RegExp(`USING (COVERING )?INDEX ${index}\\b`).test(String(step.detail))), `${sql}: ${JSON.stringify(plan)}`);
  }
}

describe('pruning the outbox, inbox and job locks', () => {
  test('MariaDB: only sent outbox rows, inbox rows and tick claims past their retention are deleted; pending and failed rows stay; deletes and the relay claim use indexes', async () => {
    const db = await createTestDatabase('prune');
    const sequelize = openDatabase(db.url);
    try {
      await pruneAndCheck(sequelize);
    } finally {
      await sequelize.close();
      await db.drop();
    }
  });

  test('SQLite: the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prune-'));
    const sequelize = openDatabase(`sqlite:${join(dir, 'p.sqlite')}`);
    try {
      await pruneAndCheck(sequelize);
    } finally {
      await sequelize.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('retention comes from the environment and a bad value names the variable', () => {
    assert.deepEqual(loadRetentionConfig({ OUTBOX_RETENTION_HOURS: '24', INBOX_RETENTION_HOURS: '720' }), {
      OUTBOX_RETENTION_HOURS: 24,
      INBOX_RETENTION_HOURS: 720,
      JOB_LOCK_RETENTION_HOURS: 48,
      PRUNE_CRON: '0 41 * * * *',
    });
    assert.throws(() => loadRetentionConfig({ INBOX_RETENTION_HOURS: 'forever' }), (err: Error) => err instanceof ConfigError && /INBOX_RETENTION_HOURS is invalid/.test(err.message));
  });
});
