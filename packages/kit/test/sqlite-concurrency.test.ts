import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { inTransaction, openDatabase } from '../src/index.js';

/** `npm start` runs every service on a SQLite file: concurrent write transactions must all commit. */
let dir: string;
let sequelize: Sequelize;
const one = async <T>(sql: string, transaction?: Transaction) => (await sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction }))[0];
const tick = () => new Promise((r) => setTimeout(r, 2));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kit-sqlite-'));
  sequelize = openDatabase(`sqlite:${join(dir, 'c.sqlite')}`);
  await sequelize.query('CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
  await sequelize.query('CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, counter_id INTEGER NOT NULL REFERENCES counters(id), label TEXT NOT NULL)');
  await sequelize.query('INSERT INTO counters (id, n) VALUES (1, 0), (2, 0)');
});
after(async () => {
  await sequelize.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Read, yield, write: only safe when write transactions do not interleave. */
const bump = async (transaction: Transaction, counter: number, label: string) => {
  const { n } = await one<{ n: number }>(`SELECT n FROM counters WHERE id = ${counter}`, transaction);
  await tick();
  await sequelize.query(`UPDATE counters SET n = ${Number(n) + 1} WHERE id = ${counter}`, { transaction });
  await sequelize.query('INSERT INTO entries (counter_id, label) VALUES (?, ?)', { replacements: [counter, label], transaction });
};

test('every connection gets WAL, a busy timeout and foreign keys, transactions included', async () => {
  const pragmas = async (transaction?: Transaction) => [
    (await one<{ journal_mode: string }>('PRAGMA journal_mode', transaction)).journal_mode,
    Number((await one<{ timeout: number }>('PRAGMA busy_timeout', transaction)).timeout),
    Number((await one<{ foreign_keys: number }>('PRAGMA foreign_keys', transaction)).foreign_keys),
  ];
  assert.deepEqual(await pragmas(), ['wal', 10000, 1]);
  assert.deepEqual(await inTransaction(sequelize, (t) => pragmas(t)), ['wal', 10000, 1]);
  await assert.rejects(sequelize.query('INSERT INTO entries (counter_id, label) VALUES (99, ?)', { replacements: ['orphan'] }), /FOREIGN KEY/);
});

test('30 concurrent write transactions through inTransaction all commit, none lost', async () => {
  const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => inTransaction(sequelize, (t) => bump(t, 1, `kit-${i}`))));
  assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
  assert.equal(Number((await one<{ n: number }>('SELECT n FROM counters WHERE id = 1')).n), 30);
  assert.equal(Number((await one<{ c: number }>("SELECT COUNT(*) AS c FROM entries WHERE label LIKE 'kit-%'")).c), 30);
});

test('direct sequelize.transaction calls, savepoints inside them and failing transactions share the same queue', async () => {
  const work = Array.from({ length: 30 }, (_, i) =>
    sequelize.transaction(async (t) => {
      if (i % 3 === 0) {
        // a savepoint in the transaction (as tickets and vouchers do) must not wait for the queue it is in
        const savepoint = await sequelize.transaction({ transaction: t });
        await bump(t, 2, `sp-${i}`);
        await savepoint.commit();
        return;
      }
      await bump(t, 2, `direct-${i}`);
      if (i % 5 === 1) throw new Error(`refused ${i}`);
    }),
  );
  const results = await Promise.allSettled(work);
  const refused = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason.message));
  assert.deepEqual(refused, ['refused 1', 'refused 11', 'refused 16', 'refused 26']);
  assert.equal(Number((await one<{ n: number }>('SELECT n FROM counters WHERE id = 2')).n), 26);
  assert.equal(Number((await one<{ c: number }>('SELECT COUNT(*) AS c FROM entries WHERE counter_id = 2')).c), 26);
});
