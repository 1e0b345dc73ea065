import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@backoffice/contracts';
import { QueryTypes } from 'sequelize';
import { migrateUp, openDatabase, runIdempotent } from '../src/index.js';
import { createTestDatabase } from '../testing/index.js';

test('an Idempotency-Key that does not fit is a 400 before any work; a good one replays the first answer', async () => {
  const db = await createTestDatabase('kit_idem');
  const sequelize = openDatabase(db.url);
  try {
    await migrateUp(sequelize, []);
    let runs = 0;
    const work = async () => ({ status: 201, body: { run: ++runs } });

    for (const bad of ['k'.repeat(129), 'key with spaces', 'ключ']) {
      await assert.rejects(runIdempotent(sequelize, 'lock', bad, work), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.status, 400);
        assert.equal(err.reason, 'BAD_IDEMPOTENCY_KEY');
        assert.equal(err.message, 'Idempotency-Key 须为 1 到 128 个可见 ASCII 字符');
        return true;
      });
    }
    assert.equal(runs, 0, 'no work done for a refused key');

    const key = 'k'.repeat(128);
    const first = await runIdempotent(sequelize, 'lock', key, work);
    const again = await runIdempotent(sequelize, 'lock', key, work);
    assert.deepEqual([first.replayed, again.replayed], [false, true]);
    assert.deepEqual(again.body, { run: 1 });
    assert.equal(runs, 1);
    const rows = await sequelize.query('SELECT idem_key FROM idempotency_keys', { type: QueryTypes.SELECT });
    assert.equal(rows.length, 1);
  } finally {
    await sequelize.close();
    await db.drop();
  }
});
