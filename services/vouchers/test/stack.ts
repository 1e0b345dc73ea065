import { startService, type RunningService } from '@backoffice/kit';
import { startDouyinSandbox, startMeituanSandbox, type RunningSandbox } from '@backoffice/platform-sandbox';
import { ADMIN_PASSWORD, startHarness, type Harness } from '@backoffice/standalone/testing';
import { vouchersService } from '../src/index.js';

export { ADMIN_PASSWORD };

export interface VouchersHarness extends Harness {
  meituan: RunningSandbox;
  douyin: RunningSandbox;
  /** The sandboxes' admin API. */
  sandbox(which: 'meituan' | 'douyin', method: string, path: string, body?: unknown): Promise<any>;
  /** SQL on the vouchers database. */
  query<T = any>(sql: string, replacements?: unknown[]): Promise<T[]>;
  /** A second vouchers instance on the same database and bus (a replica). */
  replica(): Promise<RunningService>;
}

/** identity + vouchers + gateway on MariaDB and NATS, with both platform sandboxes over HTTP on free ports. */
export async function startVouchersHarness(label: string, env: Record<string, string> = {}): Promise<VouchersHarness> {
  const meituan = await startMeituanSandbox({ port: 0, seed: true });
  const douyin = await startDouyinSandbox({ port: 0, seed: true });
  const sharedEnv = {
    DATA_ENCRYPTION_KEY: 'vouchers-test-encryption-key-0123456789',
    MEITUAN_API_URL: meituan.url,
    DOUYIN_API_URL: douyin.url,
    PLATFORM_TIMEOUT_MS: '700',
    PLATFORM_BREAKER_RESET_MS: '800',
    PENDING_CLAIM_STALE_MS: '4000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  };
  const stopSandboxes = () => Promise.all([meituan.stop(), douyin.stop()]);
  const h = await startHarness({ label, services: [vouchersService], env: { ...sharedEnv, RATE_LIMIT_PER_MINUTE: '100000', ...env } }).catch(async (err) => {
    await stopSandboxes().catch(() => undefined);
    throw err;
  });
  h.onStop(stopSandboxes);
  return {
    ...h,
    meituan,
    douyin,
    async sandbox(which, method, path, body) {
      const base = which === 'meituan' ? meituan.url : douyin.url;
      const res = await fetch(`${base}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return res.json();
    },
    query: (sql, replacements) => h.sql('vouchers', sql, replacements),
    async replica() {
      const first = h.stack.services.vouchers;
      return startService(vouchersService, {
        env: { ...sharedEnv, ...env, DATABASE_URL: h.dbs.vouchers.url, BUS_URL: h.busUrl, PORT: '0', JWKS_URL: `${h.stack.services.identity.url}/.well-known/jwks.json` },
        migrate: false,
        logger: first.logger,
        accessLog: false,
      });
    },
  };
}
