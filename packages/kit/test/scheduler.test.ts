import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Sequelize } from 'sequelize';
import { createLogger, migrateUp, openDatabase, Scheduler } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';

let db: TestDatabase;
let sequelize: Sequelize;
before(async () => {
  db = await createTestDatabase('scheduler');
  sequelize = openDatabase(db.url);
  await migrateUp(sequelize, []);
});
after(async () => {
  await sequelize.close();
  await db.drop();
});

test('two replicas racing for the same tick: exactly one runs the job', async () => {
  const logger = createLogger('test', 'silent');
  let runs = 0;
  const job = { name: 'expire-tasks', cron: '* * * * *', run: async () => void runs++ };
  const replicas = Array.from({ length: 4 }, () => new Scheduler(sequelize, logger));
  const tick = new Date('2026-11-22T10:15:00Z').toISOString();
  const results = await Promise.all(replicas.map((s) => s.runTick(job, tick)));
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(runs, 1);
  assert.equal(await replicas[0].runTick(job, new Date('2026-11-22T10:16:00Z').toISOString()), true, 'the next tick runs again');
  assert.equal(runs, 2);
});
