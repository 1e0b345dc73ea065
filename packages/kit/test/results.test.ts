import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { QueryTypes, type Sequelize } from 'sequelize';
import { affectedRows, migrateUp, openDatabase, pruneIdempotencyKeys, redriveFailedOutbox, runIdempotent, runWrite } from '../src/index.js';
import { createTestDatabase } from '../testing/index.js';

/** Every way a caller reads an UPDATE/DELETE count, checked against the rows really touched. */
async function countsOn(sequelize: Sequelize) {
  await migrateUp(sequelize, []);
  await sequelize.query('CREATE TABLE counted (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)');
  await sequelize.query('INSERT INTO counted (id, v) VALUES (1, 0), (2, 0), (3, 0), (4, 5)');

  assert.equal(await runWrite(sequelize, 'UPDATE counted SET v = v + 1 WHERE v = ?', { replacements: [0] }), 3);
  assert.equal(await runWrite(sequelize, 'UPDATE counted SET v = 9 WHERE id = ?', { replacements: [99] }), 0, 'none matched');
  await sequelize.transaction(async (transaction) => {
    assert.equal(await runWrite(sequelize, 'UPDATE counted SET v = 7 WHERE id IN (?)', { replacements: [[1, 2]], transaction }), 2);
  });

  // QueryTypes.UPDATE: the whole result or its second element
  const typed = await sequelize.query('UPDATE counted SET v = 8 WHERE id <= 3', { type: QueryTypes.UPDATE });
  assert.equal(affectedRows(typed), 3);
  assert.equal(affectedRows(typed[1]), 3);
  assert.equal(affectedRows(await sequelize.query('UPDATE counted SET v = 1 WHERE id = 4', { type: QueryTypes.BULKUPDATE })), 1);

  // an untyped statement: MySQL still answers with its header; SQLite keeps no count, which must not read as 0
  const untyped = () => sequelize.query('UPDATE counted SET v = 2 WHERE id = 4');
  if (sequelize.getDialect() === 'sqlite') {
    const [, meta] = await untyped();
    assert.throws(() => affectedRows(meta), /no row count/);
  } else {
    const [, meta] = await untyped();
    assert.equal(affectedRows(meta), 1);
  }
  // QueryTypes.DELETE answers nothing at all on either dialect
  assert.throws(() => affectedRows(undefined), /no row count/);

  assert.equal(affectedRows(await sequelize.query('DELETE FROM counted WHERE id >= ?', { replacements: [3], type: QueryTypes.BULKDELETE })), 2);
  assert.equal(await runWrite(sequelize, 'DELETE FROM counted'), 2);

  // the kit's own callers
  for (const [id, status] of [['e1', 'failed'], ['e2', 'failed'], ['e3', 'sent'], ['e4', 'pending']]) {
    await sequelize.query(
      `INSERT INTO outbox (event_id, type, subject, envelope, status, attempts, available_at, created_at) VALUES (?, 't.v1', 's', '{}', ?, 10, ?, ?)`,
      { replacements: [id, status, new Date(), new Date()] },
    );
  }
  assert.equal(await redriveFailedOutbox(sequelize), 2);
  assert.equal(await redriveFailedOutbox(sequelize), 0);
  const rows = await sequelize.query<{ event_id: string; status: string; attempts: number }>('SELECT event_id, status, attempts FROM outbox ORDER BY event_id', { type: QueryTypes.SELECT });
  assert.deepEqual(rows.map((r) => [r.event_id, r.status, Number(r.attempts)]), [['e1', 'pending', 0], ['e2', 'pending', 0], ['e3', 'sent', 10], ['e4', 'pending', 10]]);

  await runIdempotent(sequelize, 'test', 'k1', async () => ({ status: 201, body: { ok: true } }));
  await runIdempotent(sequelize, 'test', 'k2', async () => ({ status: 201, body: { ok: true } }));
  await sequelize.query('UPDATE idempotency_keys SET created_at = ? WHERE idem_key = ?', { replacements: [new Date(Date.now() - 72 * 3_600_000), 'k1'] });
  assert.equal(await pruneIdempotencyKeys(sequelize, 48), 1);
  assert.equal(await pruneIdempotencyKeys(sequelize, 48), 0);
}

describe('rows touched by UPDATE/DELETE', () => {
  test('MariaDB', async () => {
    const db = await createTestDatabase('results');
    const sequelize = openDatabase(db.url);
    try {
      await countsOn(sequelize);
    } finally {
      await sequelize.close();
      await db.drop();
    }
  });

  test('SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-'));
    const sequelize = openDatabase(`sqlite:${join(dir, 'r.sqlite')}`);
    try {
      await countsOn(sequelize);
    } finally {
      await sequelize.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
