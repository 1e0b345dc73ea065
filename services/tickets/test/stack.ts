import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityService } from '@backoffice/identity';
import { NatsBus } from '@backoffice/kit';
import { apiClient, createTestDatabase, eventually, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { ticketsService } from '../src/index.js';

export const ADMIN_PASSWORD = 'Admin#2026pass';

export interface TicketsHarness {
  stack: RunningStack;
  api: ApiClient;
  admin: string;
  busUrl: string;
  uploadRoot: string;
  /** Creates an identity user with a built-in role and returns their id and a token. */
  user(username: string, roleCode: string): Promise<{ id: number; token: string }>;
  stop(): Promise<void>;
}

/** identity + tickets + gateway on MariaDB and NATS; tests talk to the gateway only. */
export async function startTicketsHarness(label: string, env: Record<string, string> = {}): Promise<TicketsHarness> {
  const dbs: Record<string, TestDatabase> = {
    identity: await createTestDatabase(`${label}_identity`),
    tickets: await createTestDatabase(`${label}_tickets`),
  };
  const uploadRoot = mkdtempSync(join(tmpdir(), 'tickets-uploads-'));
  const busUrl = testNatsUrl(label);
  const stack = await startStack({
    services: [identityService, ticketsService],
    databaseUrl: (name) => dbs[name].url,
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: {
      ADMIN_PASSWORD,
      DATA_ENCRYPTION_KEY: 'tickets-test-encryption-key-0123456789',
      UPLOAD_ROOT: uploadRoot,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      BOOKING_RATE_LIMIT_PER_MINUTE: '100',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000',
      ...env,
    },
  });
  const api = apiClient(stack.gateway!.url);
  const login = await api.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  const admin = login.body.data.token as string;
  const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string }>;
  return {
    stack,
    api,
    admin,
    busUrl,
    uploadRoot,
    async user(username, roleCode) {
      const role = roles.find((r) => r.code === roleCode)!;
      const created = await api.post('/api/users', { username, password: 'secret123', role_id: role.id, real_name: username }, admin);
      if (created.status !== 201) throw new Error(`could not create ${username}: ${JSON.stringify(created.body)}`);
      const token = (await api.post('/api/auth/login', { username, password: 'secret123' })).body.data.token as string;
      return { id: created.body.data.id, token };
    },
    async stop() {
      await stack.stop();
      const cleanup = await NatsBus.connect(busUrl);
      await cleanup.destroyStream();
      await cleanup.close();
      await Promise.all(Object.values(dbs).map((d) => d.drop()));
      rmSync(uploadRoot, { recursive: true, force: true });
    },
  };
}

/** Waits until the tickets service has heard of an identity user (identity.user.created over NATS). */
export async function directoryHas(h: TicketsHarness, userId: number) {
  await eventually(
    async () => {
      const [rows] = await h.stack.services.tickets.sequelize.query('SELECT id FROM directory_users WHERE id = ?', { replacements: [userId] });
      return (rows as unknown[]).length > 0;
    },
    10_000,
    `user ${userId} in the tickets directory`,
  );
}

/** A real 1×1 PNG; `salt` appended after IEND makes distinct files of the same type. */
export function png(salt = ''): Buffer {
  const base = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([base, Buffer.from(salt)]);
}

export function jpeg(salt = ''): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(64, 1), Buffer.from(salt), Buffer.from([0xff, 0xd9])]);
}

export function form(files: Array<{ name: string; data: Buffer; type?: string }>, field = 'files'): FormData {
  const body = new FormData();
  for (const f of files) body.append(field, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return body;
}

export const futureDate = (days = 3) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const booking = (overrides: Record<string, unknown> = {}) => ({
  customer_name: '王小明',
  customer_phone: '13812345678',
  address: '上海市浦东新区世纪大道100号',
  appointment_date: futureDate(),
  appointment_time: '09:00-11:00',
  issue_desc: '空调不制冷，外机有异响',
  ...overrides,
});
