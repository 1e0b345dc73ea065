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
}

describe('pruning the outbox, inbox and job locks', () => {
  test('MariaDB: only sent outbox rows, inbox rows and tick claims past their retention are deleted; pending and failed rows stay', async () => {
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
