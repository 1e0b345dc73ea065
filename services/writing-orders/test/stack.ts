import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityService } from '@backoffice/identity';
import { NatsBus } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '@backoffice/standalone';
import { writingOrdersService } from '../src/index.js';

export const ADMIN_PASSWORD = 'Admin#2026pass';

export interface WritingHarness {
  stack: RunningStack;
  api: ApiClient;
  /** The super admin's access token. */
  admin: string;
  busUrl: string;
  uploadRoot: string;
  /** Creates an identity user with a built-in role (by code) and returns their id and a token. */
  user(username: string, roleCode: string, extra?: Record<string, unknown>): Promise<{ id: number; token: string }>;
  stop(): Promise<void>;
}

/** identity + writing-orders + gateway on MariaDB and NATS; tests talk to the gateway only. */
export async function startWritingHarness(label: string, env: Record<string, string> = {}): Promise<WritingHarness> {
  const dbs: Record<string, TestDatabase> = {
    identity: await createTestDatabase(`${label}_identity`),
    'writing-orders': await createTestDatabase(`${label}_writing`),
  };
  const uploadRoot = mkdtempSync(join(tmpdir(), 'writing-uploads-'));
  const busUrl = testNatsUrl(label);
  const stack = await startStack({
    services: [identityService, writingOrdersService],
    databaseUrl: (name) => dbs[name].url,
    busUrl,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: {
      ADMIN_PASSWORD,
      DATA_ENCRYPTION_KEY: 'writing-test-encryption-key-0123456789',
      UPLOAD_ROOT: uploadRoot,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
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
    async user(username, roleCode, extra = {}) {
      const role = roles.find((r) => r.code === roleCode);
      if (!role) throw new Error(`no built-in role ${roleCode}`);
      const created = await api.post('/api/users', { username, password: 'secret123', role_id: role.id, real_name: username, ...extra }, admin);
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
