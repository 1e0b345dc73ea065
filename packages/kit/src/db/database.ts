import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
import { configureSqlite } from './sqlite.js';

const READ_COMMITTED = Transaction.ISOLATION_LEVELS.READ_COMMITTED;

export type Dialect = 'mysql' | 'sqlite';

/**
 * Opens Sequelize from DATABASE_URL: `mysql://user:pass@host:3306/db` (mysql2) or `sqlite:path/to/file`
 * (`sqlite::memory:` too). Times are stored in UTC.
 */
export function openDatabase(url: string, opts: { logging?: Options['logging']; pool?: Options['pool'] } = {}): Sequelize {
  const common: Options = { logging: opts.logging ?? false, define: { underscored: true }, timezone: '+00:00' };
  if (url.startsWith('sqlite:')) {
    const storage = url.slice('sqlite:'.length) || ':memory:';
    if (storage !== ':memory:') mkdirSync(dirname(storage), { recursive: true });
    const sequelize = new Sequelize({
      ...common,
      dialect: 'sqlite',
      storage,
      // a transaction takes the write lock when it begins, not at its first write (no upgrade deadlocks)
      transactionType: 'IMMEDIATE' as never,
      retry: { max: 5, match: [/SQLITE_BUSY/] },
    });
    // pragmas per connection (the sqlite dialect never runs afterConnect) and one write transaction at a time
    configureSqlite(sequelize, storage);
    return sequelize;
  }
  const mysqlUrl = url.replace(/^mariadb:/, 'mysql:');
  return new Sequelize(mysqlUrl, {
    ...common,
    dialect: 'mysql',
    // READ COMMITTED: no gap locks, so the outbox relay's claim (FOR UPDATE SKIP LOCKED) does not
    // deadlock with transactions inserting new outbox rows. Correctness rests on row locks, versions
    // and unique keys, which this level keeps. Set once per connection rather than through
    // Sequelize's `isolationLevel`, which sends a SET before every transaction (a round trip each;
    // a transaction given its own `isolationLevel` still gets it, for that transaction only).
    hooks: {
      afterConnect: async (connection: unknown) => {
        const conn = connection as { query(sql: string, cb: (err: Error | null) => void): void };
        await new Promise<void>((resolve, reject) => conn.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${READ_COMMITTED}`, (err) => (err ? reject(err) : resolve())));
      },
    },
    pool: opts.pool ?? { max: 10, min: 0, idle: 10_000, acquire: 10_000 },
    dialectOptions: { dateStrings: false, supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false, charset: 'utf8mb4' },
  });
}

export const dialectOf = (sequelize: Sequelize): Dialect => (sequelize.getDialect() === 'sqlite' ? 'sqlite' : 'mysql');

/** Creates the database named in a mysql:// URL if it does not exist (used by tests and `migrate`). */
export async function ensureMysqlDatabase(url: string): Promise<void> {
  if (!/^(mysql|mariadb):/.test(url)) return;
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be letters, digits and _`);
  parsed.pathname = '/';
  const admin = new Sequelize(parsed.toString(), { dialect: 'mysql', logging: false });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.close();
  }
}
