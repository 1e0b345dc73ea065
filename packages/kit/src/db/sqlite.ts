import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import type { Sequelize } from 'sequelize';

/**
 * SQLite (`npm start`) under concurrent requests. Sequelize v6's sqlite connection manager opens its
 * connections itself (one per transaction plus a default one) and never runs `afterConnect`, so the
 * pragmas are applied here on each connection it hands out. And SQLite has one writer: transactions
 * (all `BEGIN IMMEDIATE`) wait for each other in-process instead of in SQLite's busy handler, whose
 * waits sit on node-sqlite3's libuv threads (4, shared with scrypt) and can starve the transaction
 * that holds the lock.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

interface SqliteConnection {
  run(sql: string, cb: (err: Error | null) => void): void;
}

const run = (connection: SqliteConnection, sql: string) =>
  new Promise<void>((resolve, reject) => connection.run(sql, (err) => (err ? reject(err) : resolve())));

/** One queue per database file, so two Sequelize instances on one file queue together. */
const queues = new Map<string, { tail: Promise<unknown> }>();

export function configureSqlite(sequelize: Sequelize, storage: string): void {
  applyPragmas(sequelize, storage !== ':memory:');
  serializeTransactions(sequelize, storage === ':memory:' ? { tail: Promise.resolve() } : queueFor(storage));
}

function queueFor(storage: string) {
  const file = resolve(storage);
  let queue = queues.get(file);
  if (!queue) queues.set(file, (queue = { tail: Promise.resolve() }));
  return queue;
}

function applyPragmas(sequelize: Sequelize, file: boolean): void {
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: unknown): Promise<SqliteConnection> };
  const getConnection = manager.getConnection.bind(manager);
  const ready = new WeakMap<SqliteConnection, Promise<void>>();
  let walSet: Promise<void> | undefined;
  manager.getConnection = async (options?: unknown) => {
    const connection = await getConnection(options);
    let done = ready.get(connection);
    if (!done) {
      done = (async () => {
        await run(connection, `PRAGMA busy_timeout=${SQLITE_BUSY_TIMEOUT_MS}`);
        await run(connection, 'PRAGMA foreign_keys=ON');
        // the journal mode is a property of the file: once is enough
        if (file) await (walSet ??= run(connection, 'PRAGMA journal_mode=WAL'));
      })();
      ready.set(connection, done);
    }
    await done;
    return connection;
  };
}

function serializeTransactions(sequelize: Sequelize, queue: { tail: Promise<unknown> }): void {
  const transaction = sequelize.transaction.bind(sequelize) as (options?: unknown, work?: unknown) => Promise<unknown>;
  // set while a queued transaction's callback runs: a transaction it starts itself must not wait for it
  const holder = new AsyncLocalStorage<{ running: boolean }>();
  const queued = (options?: unknown, work?: unknown) => {
    const callback = typeof options === 'function' ? options : work;
    const parent = typeof options === 'object' && options !== null && 'transaction' in options && (options as { transaction?: unknown }).transaction;
    // savepoints run on their parent's connection; unmanaged transactions (no callback) are not queued
    if (typeof callback !== 'function' || parent || holder.getStore()?.running) return transaction(options, work);
    const mark = { running: false };
    const turn = queue.tail.then(() =>
      holder.run(mark, async () => {
        mark.running = true;
        try {
          return await transaction(options, work);
        } finally {
          mark.running = false;
        }
      }),
    );
    queue.tail = turn.catch(() => undefined);
    return turn;
  };
  (sequelize as unknown as { transaction: typeof queued }).transaction = queued;
}
