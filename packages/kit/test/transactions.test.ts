import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DatabaseError, QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { inTransaction, migrateUp, openDatabase, pruneIdempotencyKeys, runIdempotent } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';

let db: TestDatabase;
let sequelize: Sequelize;
before(async () => {
  db = await createTestDatabase('transactions');
  sequelize = openDatabase(db.url);
  await migrateUp(sequelize, []);
  await sequelize.query('CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(20))');
});
after(async () => {
  await sequelize.close();
  await db.drop();
});

const place = (key: string | undefined, label: string) =>
  runIdempotent(sequelize, 'orders', key, async (transaction) => {
    const [id] = await sequelize.query('INSERT INTO orders (label) VALUES (?)', { replacements: [label], type: QueryTypes.INSERT, transaction });
    await new Promise((r) => setTimeout(r, 50)); // keep the first request in flight while the others arrive
    return { status: 201, body: { id } };
  });

test('concurrent requests with one key run the work once and all get the first answer', async () => {
  const results = await Promise.all(Array.from({ length: 5 }, () => place('key-1', 'a')));
  assert.equal(new Set(results.map((r) => JSON.stringify(r.body))).size, 1);
  assert.equal(results.filter((r) => !r.replayed).length, 1);
  const [{ n }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE label = 'a'`, { type: QueryTypes.SELECT });
  assert.equal(Number(n), 1);
});

test('work that fails leaves no key behind, so a retry runs again; no key means no dedupe', async () => {
  await assert.rejects(runIdempotent(sequelize, 'orders', 'key-2', async () => { throw new Error('boom'); }));
  const retry = await place('key-2', 'b');
  assert.equal(retry.replayed, false);
  await place(undefined, 'c');
  await place(undefined, 'c');
  const [{ n }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE label = 'c'`, { type: QueryTypes.SELECT });
  assert.equal(Number(n), 2);
});

test('old keys are pruned, recent ones kept', async () => {
  await sequelize.query(`UPDATE idempotency_keys SET created_at = ? WHERE idem_key = 'key-1'`, { replacements: [new Date(Date.now() - 72 * 3_600_000)] });
  assert.equal(await pruneIdempotencyKeys(sequelize, 48), 1);
  const keys = await sequelize.query<{ idem_key: string }>('SELECT idem_key FROM idempotency_keys', { type: QueryTypes.SELECT });
  assert.deepEqual(keys.map((k) => k.idem_key), ['key-2']);
});

test('a transaction chosen as a deadlock victim is run again; other errors are not retried', async () => {
  const deadlock = () => new DatabaseError(Object.assign(new Error('Deadlock found when trying to get lock'), { code: 'ER_LOCK_DEADLOCK', sql: '' }) as never);
  let runs = 0;
  const result = await inTransaction(sequelize, async (transaction) => {
    runs++;
    await sequelize.query(`INSERT INTO orders (label) VALUES ('retried')`, { transaction });
    if (runs < 3) throw deadlock();
    return 'done';
  });
  assert.equal(result, 'done');
  assert.equal(runs, 3);
  const [{ n }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM orders WHERE label = 'retried'`, { type: QueryTypes.SELECT });
  assert.equal(Number(n), 1, 'the failed attempts were rolled back');
  let plain = 0;
  await assert.rejects(inTransaction(sequelize, async () => { plain++; throw new Error('rule broken'); }));
  assert.equal(plain, 1);
});

test('MariaDB transactions run at READ COMMITTED without a SET before each one; a transaction may still ask for another level', async () => {
  const statements: string[] = [];
  const one = openDatabase(db.url, { logging: (sql) => void statements.push(String(sql)), pool: { max: 1, min: 0, idle: 10_000, acquire: 10_000 } });
  const [id] = await sequelize.query("INSERT INTO orders (label) VALUES ('v0')", { type: QueryTypes.INSERT });
  let version = 0;
  // reads a row, lets another connection change and commit it, reads again: READ COMMITTED sees the change
  const readTwice = async (transaction: Transaction) => {
    const read = async () => (await one.query<{ label: string }>('SELECT label FROM orders WHERE id = ?', { replacements: [id], type: QueryTypes.SELECT, transaction }))[0].label;
    const first = await read();
    await sequelize.query('UPDATE orders SET label = ? WHERE id = ?', { replacements: [`v${++version}`, id] });
    return [first, await read()];
  };
  try {
    assert.deepEqual(await one.transaction(readTwice), ['v0', 'v1']);
    assert.deepEqual(await one.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, readTwice), ['v1', 'v1']);
    assert.deepEqual(await one.transaction(readTwice), ['v2', 'v3'], 'the other level was for that transaction only');
    assert.equal(statements.filter((s) => /ISOLATION LEVEL/i.test(s)).length, 1, 'only the transaction that asked for a level set one');
  } finally {
    await one.close();
  }
});
