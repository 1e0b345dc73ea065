import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRoles } from '@backoffice/contracts';
import { identityService } from '@backoffice/identity';
import { MemoryBus, migrateUp, NatsBus, openDatabase } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { pddVerifyService } from '@backoffice/pdd-verify';
import { startSandboxes } from '@backoffice/platform-sandbox';
import { ticketsService } from '@backoffice/tickets';
import { virtualOrdersService } from '@backoffice/virtual-orders';
import { vouchersService } from '@backoffice/vouchers';
import { writingOrdersService } from '@backoffice/writing-orders';
import { startStack, type RunningStack } from '../src/index.js';

/**
 * Every service module that exists, the gateway and the platform sandboxes, on MariaDB and NATS,
 * with a signed-in user of every built-in role. Routes are read from the gateway's merged OpenAPI
 * document at run time, so suites built on this cover routes added later without being edited.
 */

export const ADMIN_PASSWORD = 'Admin#2026pass';
const services = [identityService, ticketsService, writingOrdersService, virtualOrdersService, vouchersService, pddVerifyService];

export type AccessRule = 'public' | 'authenticated' | { permission: string } | { anyOf: string[] };

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI template, e.g. /api/users/{id} */
  path: string;
  access: AccessRule | undefined;
  params: Array<{ name: string; in: string; required?: boolean; schema?: Record<string, unknown> }>;
  body?: { contentType: string; schema: Record<string, unknown> };
}

export interface FullStack {
  stack: RunningStack;
  api: ApiClient;
  url: string;
  admin: string;
  /** role code → access token of a user holding only that role */
  tokens: Map<string, string>;
  /** role code → its permissions as seeded */
  permissionsOf: Map<string, string[]>;
  operations: Operation[];
  documentDescription: string;
  stop(): Promise<void>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(doc: { paths?: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content as Record<string, { schema: Record<string, unknown> }> | undefined;
      const contentType = content ? Object.keys(content)[0] : undefined;
      ops.push({
        method,
        path,
        access: op['x-access'],
        params: op.parameters ?? [],
        body: contentType ? { contentType, schema: content![contentType].schema ?? {} } : undefined,
      });
    }
  }
  return ops;
}

/** Fills a path template; `fill` decides each parameter's text (already URL-safe or not, the caller's choice). */
export function concretePath(op: Operation, fill: (name: string) => string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => fill(name)).replace(/\*([A-Za-z_]+)/g, (_m, name: string) => fill(name));
}

/**
 * MariaDB and NATS by default; `SECURITY_SUITE_DB=sqlite` runs the same suites on the `npm start`
 * shape (SQLite files, in-memory bus), where some queries behave differently.
 */
export async function startFullStack(label: string, extraEnv: Record<string, string> = {}): Promise<FullStack> {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  const databases = new Map<string, TestDatabase>();
  const sqlite = process.env.SECURITY_SUITE_DB === 'sqlite';
  const created = sqlite
    ? services.map((mod) => ({ url: `sqlite:${join(dir, `${mod.name}.sqlite`)}`, name: mod.name, drop: async () => undefined }))
    : await Promise.all(services.map((mod) => createTestDatabase(`${label}_${mod.name}`)));
  for (const [i, db] of created.entries()) databases.set(services[i].name, db);
  // migrations of all services at once (the stack starts services one after another)
  await Promise.all(
    services.map(async (mod) => {
      const sequelize = openDatabase(databases.get(mod.name)!.url);
      try {
        await migrateUp(sequelize, mod.migrations);
      } finally {
        await sequelize.close();
      }
    }),
  );
  const busUrl = testNatsUrl(label);
  const memoryBus = sqlite ? new MemoryBus() : undefined;
  const sandboxes = await startSandboxes({ ports: 'ephemeral' });
  let stack: RunningStack | undefined;
  const stop = async () => {
    await stack?.stop();
    await sandboxes.stop();
    if (memoryBus) await memoryBus.close();
    else {
      const bus = await NatsBus.connect(busUrl);
      await bus.destroyStream();
      await bus.close();
    }
    await Promise.all([...databases.values()].map((db) => db.drop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const lots = '1000000';
    stack = await startStack({
      services,
      databaseUrl: (service) => databases.get(service)!.url,
      ...(memoryBus ? { bus: memoryBus } : { busUrl }),
      ports: 'ephemeral',
      gateway: true,
      accessLog: false,
      env: {
        ADMIN_PASSWORD,
        LOG_LEVEL: process.env.SECURITY_SUITE_LOG_LEVEL ?? 'silent',
        DATA_ENCRYPTION_KEY: 'security-suite-key-0123456789abcdef',
        UPLOAD_ROOT: join(dir, 'uploads'),
        MEITUAN_API_URL: sandboxes.meituan.url,
        DOUYIN_API_URL: sandboxes.douyin.url,
        PDD_API_URL: sandboxes.pdd.url,
        NOTIFICATION_ENABLED: 'false',
        // the suites probe access and input handling, not the limits
        RATE_LIMIT_PER_MINUTE: lots,
        PUBLIC_RATE_LIMIT_PER_MINUTE: lots,
        BOOKING_RATE_LIMIT_PER_MINUTE: lots,
        WRITER_REGISTRATION_RATE_LIMIT_PER_MINUTE: lots,
        LOGIN_MAX_FAILURES_PER_ACCOUNT: lots,
        LOGIN_MAX_FAILURES_PER_IP: lots,
        UPSTREAM_TIMEOUT_MS: '20000',
        ...extraEnv,
      },
    });
    const url = stack.gateway!.url;
    const api = apiClient(url);
    const login = async (username: string, password: string) => {
      const res = await api.post('/api/auth/login', { username, password });
      if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data.token as string;
    };
    const admin = await login('admin', ADMIN_PASSWORD);
    const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string | null; permissions: string[] }>;
    const tokens = new Map<string, string>();
    const permissionsOf = new Map<string, string[]>();
    // one at a time on SQLite, whose single writer the services do not queue for (see security-findings.md)
    await inBatches([...builtinRoles], sqlite ? 1 : builtinRoles.length, async (builtin) => {
        const role = roles.find((r) => r.code === builtin.code);
        if (!role) throw new Error(`built-in role ${builtin.code} was not seeded`);
        const username = `sec_${builtin.code}`.slice(0, 50);
        const created = await api.post('/api/users', { username, password: 'secret123', role_id: role.id }, admin);
        if (created.status !== 201) throw new Error(`could not create ${username}: ${JSON.stringify(created.body)}`);
        tokens.set(builtin.code, await login(username, 'secret123'));
        permissionsOf.set(builtin.code, role.permissions);
    });
    // the gateway asks every service for its document (2 s each); on a busy machine ask again
    let doc = (await api.get('/openapi.json')).body;
    for (let attempt = 1; attempt < 5 && !/All services reachable/.test(doc.info?.description ?? ''); attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      doc = (await api.get('/openapi.json')).body;
    }
    return { stack, api, url, admin, tokens, permissionsOf, operations: operationsOf(doc), documentDescription: doc.info?.description ?? '', stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Runs `work` over `items` with at most `width` in flight. */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}
