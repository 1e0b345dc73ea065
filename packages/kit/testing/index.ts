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

/** Kafka brokers for tests (`host:9092`); `.ci/run` sets it after starting scripts/kafka.sh. */
export const TEST_KAFKA_BROKERS = process.env.KAFKA_BROKERS;

/** The one line a Kafka test prints instead of running (with `.ci/run`'s reason when it gave one). */
export const kafkaSkipReason = () =>
  `skipped: KAFKA_BROKERS is not set${process.env.KAFKA_UNAVAILABLE_REASON ? ` (${process.env.KAFKA_UNAVAILABLE_REASON})` : ' (no Kafka broker on this machine; scripts/kafka.sh start)'}`;

/** A Kafka bus URL whose topics and groups carry a prefix of their own; extra query settings optional. */
export function testKafkaUrl(label: string, params: Record<string, string | number> = {}, brokers = TEST_KAFKA_BROKERS): string {
  if (!brokers) throw new Error(kafkaSkipReason());
  const id = `t_${label.replace(/[^a-z0-9]/gi, '_')}_${suffix()}`;
  const query = new URLSearchParams({ prefix: id, clientId: id, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  return `kafka://${brokers}?${query}`;
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

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client for tests: real HTTP, nothing mocked. */
export function apiClient(base: string) {
  const call = async <T = any>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) body = options.body;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    call,
    get: <T = any>(path: string, token?: string) => call<T>('GET', path, { token }),
    post: <T = any>(path: string, body?: unknown, token?: string, headers?: Record<string, string>) => call<T>('POST', path, { body, token, headers }),
    put: <T = any>(path: string, body?: unknown, token?: string, headers?: Record<string, string>) => call<T>('PUT', path, { body, token, headers }),
    del: <T = any>(path: string, token?: string) => call<T>('DELETE', path, { token }),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;
