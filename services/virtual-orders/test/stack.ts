import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityService } from '@backoffice/identity';
import { NatsBus, startService, type RunningService } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import ExcelJS from 'exceljs';
import { createVirtualOrdersService, type VirtualOrdersOptions } from '../src/index.js';

export const ADMIN_PASSWORD = 'Admin#2026pass';

type Parts = Parameters<NonNullable<VirtualOrdersOptions['onBuilt']>>[0];

/** Time the service sees; tests move it. */
export class TestClock {
  now = new Date();
  readonly read = () => new Date(this.now.getTime());
  advanceHours(h: number) {
    this.now = new Date(this.now.getTime() + h * 3_600_000);
  }
}

export interface VirtualHarness {
  stack: RunningStack;
  api: ApiClient;
  admin: string;
  busUrl: string;
  clock: TestClock;
  parts: Parts;
  env: Record<string, string>;
  /** A second virtual-orders instance on the same database and bus (another replica). */
  replica(): Promise<{ service: RunningService; parts: Parts }>;
  login(username: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

/** identity + virtual-orders + gateway on MariaDB and NATS; tests talk to the gateway. */
export async function startVirtualHarness(label: string, env: Record<string, string> = {}, options: Pick<VirtualOrdersOptions, 'orderNumber'> = {}): Promise<VirtualHarness> {
  const dbs: Record<string, TestDatabase> = {
    identity: await createTestDatabase(`${label}_identity`),
    'virtual-orders': await createTestDatabase(`${label}_virtual`),
  };
  const uploadRoot = mkdtempSync(join(tmpdir(), 'virtual-uploads-'));
  const busUrl = testNatsUrl(label);
  const clock = new TestClock();
  let parts: Parts | undefined;
  const fullEnv = {
    ADMIN_PASSWORD,
    DATA_ENCRYPTION_KEY: 'virtual-test-encryption-key-0123456789',
    // the tests move time themselves and call the expiry directly; no cron tick may interfere
    VIRTUAL_SCHEDULED_JOBS: 'false',
    UPLOAD_ROOT: uploadRoot,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  };
  const stack = await startStack({
    services: [identityService, createVirtualOrdersService({ ...options, clock: clock.read, onBuilt: (p) => (parts = p) })],
    databaseUrl: (name) => dbs[name].url,
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: fullEnv,
  });
  const api = apiClient(stack.gateway!.url);
  const login = async (username: string, password: string) => {
    const res = await api.post('/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };
  const admin = await login('admin', ADMIN_PASSWORD);
  const replicas: RunningService[] = [];
  return {
    stack,
    api,
    admin,
    busUrl,
    clock,
    parts: parts!,
    env: fullEnv,
    login,
    async replica() {
      let replicaParts: Parts | undefined;
      const identity = stack.services.identity;
      const service = await startService(createVirtualOrdersService({ clock: clock.read, onBuilt: (p) => (replicaParts = p) }), {
        env: {
          ...process.env,
          ...fullEnv,
          DATABASE_URL: dbs['virtual-orders'].url,
          BUS_URL: busUrl,
          PORT: '0',
          INTERNAL_API_TOKEN: stack.internalToken,
          JWKS_URL: `${identity.url}/.well-known/jwks.json`,
          IDENTITY_URL: identity.url,
        },
        accessLog: false,
      });
      replicas.push(service);
      return { service, parts: replicaParts! };
    },
    async stop() {
      for (const r of replicas) await r.stop();
      await stack.stop();
      const cleanup = await NatsBus.connect(busUrl);
      await cleanup.destroyStream();
      await cleanup.close();
      await Promise.all(Object.values(dbs).map((d) => d.drop()));
      rmSync(uploadRoot, { recursive: true, force: true });
    },
  };
}

/** An .xlsx whose first sheet has `header` and `rows`. */
export async function xlsx(header: string[], rows: unknown[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function fileForm(data: Buffer, name = 'subsidy.xlsx', fields: Record<string, string> = {}): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', new Blob([new Uint8Array(data)]), name);
  return body;
}
