import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Cron } from 'croner';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createLogger, migrateUp, openDatabase, Scheduler } from '../src/index.js';
import { scheduledOccurrence } from '../src/scheduler.js';
import { createTestDatabase, eventually, type TestDatabase } from '../testing/index.js';

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
  const tick = new Date('2026-11-22T10:15:00Z');
  const results = await Promise.all(replicas.map((s) => s.runTick(job, tick)));
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(runs, 1);
  assert.equal(await replicas[0].runTick(job, new Date('2026-11-22T10:16:00Z')), true, 'the next tick runs again');
  assert.equal(runs, 2);
});

test('a wake-up is keyed on the occurrence it belongs to, not on when the process woke', () => {
  const at = (iso: string) => new Date(iso);
  const everySecond = new Cron('* * * * * *', { paused: true, timezone: 'Etc/UTC' });
  assert.equal(scheduledOccurrence(everySecond, at('2026-11-22T10:15:07.004Z')).toISOString(), '2026-11-22T10:15:07.000Z');
  assert.equal(scheduledOccurrence(everySecond, at('2026-11-22T10:15:07.998Z')).toISOString(), '2026-11-22T10:15:07.000Z');
  assert.equal(scheduledOccurrence(everySecond, at('2026-11-22T10:15:07.000Z')).toISOString(), '2026-11-22T10:15:07.000Z');
  const fiveMinutes = new Cron('0 */5 * * * *', { paused: true, timezone: 'Etc/UTC' });
  assert.equal(scheduledOccurrence(fiveMinutes, at('2026-11-22T10:15:00.031Z')).toISOString(), '2026-11-22T10:15:00.000Z');
  // a replica that woke 3 min late (event loop blocked) still claims the occurrence it is late for
  assert.equal(scheduledOccurrence(fiveMinutes, at('2026-11-22T10:18:02.500Z')).toISOString(), '2026-11-22T10:15:00.000Z');
  const nightly = new Cron('0 41 4 * * *', { paused: true, timezone: 'Etc/UTC' });
  assert.equal(scheduledOccurrence(nightly, at('2026-11-22T04:41:00.250Z')).toISOString(), '2026-11-22T04:41:00.000Z');
  assert.equal(scheduledOccurrence(nightly, at('2026-11-23T01:00:00.000Z')).toISOString(), '2026-11-22T04:41:00.000Z');
});

test('four replicas in their own processes, one database, a per-second cron: every tick runs exactly once', async () => {
  await sequelize.query('CREATE TABLE replica_runs (id INT AUTO_INCREMENT PRIMARY KEY, tick_second VARCHAR(32) NOT NULL, tick VARCHAR(32) NOT NULL, owner VARCHAR(32) NOT NULL)');
  const job = 'every-second';
  const fixture = fileURLToPath(new URL('./fixtures/scheduler-replica.ts', import.meta.url));
  const children: ChildProcess[] = [];
  const started = (child: ChildProcess) =>
    new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => (out += chunk) && out.includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`replica exited with ${code} before it was ready`)));
    });
  try {
    for (let i = 0; i < 4; i++) children.push(spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, db.url, job], { stdio: ['ignore', 'pipe', 'inherit'] }));
    await Promise.all(children.map(started));
    // several ticks after every replica is up (their clocks and timers are their own)
    const readyAt = new Date(Math.ceil(Date.now() / 1000) * 1000).toISOString();
    const ticksSince = async () => {
      const [row] = await sequelize.query<{ n: number }>('SELECT COUNT(DISTINCT tick_second) AS n FROM replica_runs WHERE tick_second >= ?', { replacements: [readyAt], type: QueryTypes.SELECT });
      return Number(row.n) >= 6;
    };
    await eventually(ticksSince, 30_000, 'six ticks with every replica running');
  } finally {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
  const perTick = await sequelize.query<{ tick_second: string; runs: number; owners: string }>(
    'SELECT tick_second, COUNT(*) AS runs, GROUP_CONCAT(owner) AS owners FROM replica_runs GROUP BY tick_second ORDER BY tick_second',
    { type: QueryTypes.SELECT },
  );
  assert.ok(perTick.length >= 6);
  assert.deepEqual(
    perTick.filter((t) => Number(t.runs) !== 1),
    [],
    'each second ran once, whichever replica won it',
  );
  const [claims] = await sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM job_locks WHERE job = ?', { replacements: [job], type: QueryTypes.SELECT });
  assert.equal(Number(claims.n), perTick.length, 'one lock row per tick');
});
