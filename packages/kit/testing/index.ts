/**
 * Helpers for tests that run against the real MariaDB and NATS of the machine (TEST_MYSQL_URL,
 * TEST_NATS_URL). Every test file gets its own database and its own JetStream stream.
 */
import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import { ensureMysqlDatabase } from '../src/db/database.js';

export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const suffix = () => randomBytes(4).toString('hex');

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_')}_${suffix()}`;
  const url = `${TEST_MYSQL_URL.replace(/\/$/, '')}/${name}`;
  await ensureMysqlDatabase(url);
  return {
    url,
    name,
    drop: async () => {
      const admin = new Sequelize(`${TEST_MYSQL_URL.replace(/\/$/, '')}/`, { dialect: 'mysql', logging: false });
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.close();
    },
  };
}

/** A NATS bus URL with a stream and subject prefix of its own. */
export function testNatsUrl(label: string, base = TEST_NATS_URL): string {
  const id = `${label.replace(/[^a-z0-9]/gi, '_')}_${suffix()}`;
  return `${base}?stream=T_${id.toUpperCase()}&prefix=t_${id}`;
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
