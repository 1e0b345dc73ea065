import { identityService } from '@backoffice/identity';
import { NatsBus, startService, type RunningService } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startDouyinSandbox, startMeituanSandbox, type RunningSandbox } from '@backoffice/platform-sandbox';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { vouchersService } from '../src/index.js';

export const ADMIN_PASSWORD = 'Admin#2026pass';

export interface VouchersHarness {
  stack: RunningStack;
  api: ApiClient;
  admin: string;
  meituan: RunningSandbox;
  douyin: RunningSandbox;
  /** The sandboxes' admin API. */
  sandbox(which: 'meituan' | 'douyin', method: string, path: string, body?: unknown): Promise<any>;
  user(username: string, roleCode: string): Promise<{ id: number; token: string }>;
  query<T = any>(sql: string, replacements?: unknown[]): Promise<T[]>;
  /** A second vouchers instance on the same database and bus (a replica). */
  replica(): Promise<RunningService>;
  stop(): Promise<void>;
}

/** identity + vouchers + gateway on MariaDB and NATS, with both platform sandboxes over HTTP on free ports. */
export async function startVouchersHarness(label: string, env: Record<string, string> = {}): Promise<VouchersHarness> {
  const dbs: Record<string, TestDatabase> = {
    identity: await createTestDatabase(`${label}_identity`),
    vouchers: await createTestDatabase(`${label}_vouchers`),
  };
  const meituan = await startMeituanSandbox({ port: 0, seed: true });
  const douyin = await startDouyinSandbox({ port: 0, seed: true });
  const busUrl = testNatsUrl(label);
  const sharedEnv = {
    DATA_ENCRYPTION_KEY: 'vouchers-test-encryption-key-0123456789',
    MEITUAN_API_URL: meituan.url,
    DOUYIN_API_URL: douyin.url,
    PLATFORM_TIMEOUT_MS: '700',
    PLATFORM_BREAKER_RESET_MS: '800',
    PENDING_CLAIM_STALE_MS: '4000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  };
  const stack = await startStack({
    services: [identityService, vouchersService],
    databaseUrl: (name) => dbs[name].url,
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: {
      ADMIN_PASSWORD,
      ...sharedEnv,
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
  });
  const api = apiClient(stack.gateway!.url);
  const admin = (await api.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).body.data.token as string;
  const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string }>;
  const sequelize = stack.services.vouchers.sequelize;
  return {
    stack,
    api,
    admin,
    meituan,
    douyin,
    async sandbox(which, method, path, body) {
      const base = which === 'meituan' ? meituan.url : douyin.url;
      const res = await fetch(`${base}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return res.json();
    },
    async user(username, roleCode) {
      const role = roles.find((r) => r.code === roleCode)!;
      const created = await api.post('/api/users', { username, password: 'secret123', role_id: role.id, real_name: username }, admin);
      if (created.status !== 201) throw new Error(`could not create ${username}: ${JSON.stringify(created.body)}`);
      const token = (await api.post('/api/auth/login', { username, password: 'secret123' })).body.data.token as string;
      return { id: created.body.data.id, token };
    },
    async replica() {
      const first = stack.services.vouchers;
      return startService(vouchersService, {
        env: { ...sharedEnv, ...env, DATABASE_URL: dbs.vouchers.url, BUS_URL: busUrl, PORT: '0', JWKS_URL: `${stack.services.identity.url}/.well-known/jwks.json` },
        migrate: false,
        logger: first.logger,
        accessLog: false,
      });
    },
    async query(sql, replacements = []) {
      const [rows] = await sequelize.query(sql, { replacements });
      return rows as never[];
    },
    async stop() {
      // each step runs even if an earlier one failed: no databases or streams left behind
      const steps = [
        () => stack.stop(),
        () => Promise.all([meituan.stop(), douyin.stop()]),
        async () => {
          const cleanup = await NatsBus.connect(busUrl);
          await cleanup.destroyStream();
          await cleanup.close();
        },
        () => Promise.all(Object.values(dbs).map((d) => d.drop())),
      ];
      const errors: unknown[] = [];
      for (const step of steps) await step().catch((err: unknown) => errors.push(err));
      if (errors.length) throw errors[0];
    },
  };
}
