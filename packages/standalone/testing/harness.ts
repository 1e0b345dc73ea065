import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityService } from '@backoffice/identity';
import { MemoryBus, NatsBus, type ServiceModule } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { startStack, type RunningStack } from '../src/stack.js';

export const ADMIN_PASSWORD = 'Admin#2026pass';
export const USER_PASSWORD = 'secret123';

export interface HarnessOptions {
  /** Names this run's databases and NATS stream. */
  label: string;
  /** The services under test; identity is started first and the gateway in front of all. */
  services: ServiceModule[];
  /** Environment for every service and the gateway (ADMIN_PASSWORD and a silent LOG_LEVEL are set unless given). */
  env?: Record<string, string>;
  /** Extra environment per service name. */
  serviceEnv?: Record<string, Record<string, string>>;
  /** Temporary folders by environment variable, e.g. `{ UPLOAD_ROOT: 'tickets-uploads-' }`: made before the start, set in `env`, removed by `stop()`. */
  tempDirs?: Record<string, string>;
  /** The single-process shape (`npm start`): SQLite files in a temporary folder and the in-memory bus instead of MariaDB and NATS. */
  sqlite?: boolean;
}

export interface Harness {
  stack: RunningStack;
  /** Talks to the gateway. */
  api: ApiClient;
  /** The super admin's access token. */
  admin: string;
  busUrl: string;
  /** Each service's MariaDB test database, by service name (none with `sqlite`). */
  dbs: Record<string, TestDatabase>;
  /** The folders made for `tempDirs`, by variable. */
  dirs: Record<string, string>;
  login(username: string, password: string): Promise<string>;
  /** Creates an identity user with a built-in role (by code) and returns their id and a token. */
  user(username: string, roleCode: string, extra?: Record<string, unknown>): Promise<{ id: number; token: string }>;
  /** Runs SQL on a running service's own database connection. */
  sql<T = any>(service: string, query: string, replacements?: unknown[]): Promise<T[]>;
  /** Runs at `stop()`, after the stack stopped and before the stream and databases go (last registered runs first). */
  onStop(fn: () => Promise<unknown> | unknown): void;
  stop(): Promise<void>;
}

/** identity + the given services + gateway on MariaDB test databases and a NATS test stream (or SQLite and the memory bus), all on ephemeral ports. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const { label } = options;
  const dbs: Record<string, TestDatabase> = {};
  const dirs: Record<string, string> = {};
  const hooks: Array<() => Promise<unknown> | unknown> = [];
  const memoryBus = options.sqlite ? new MemoryBus() : undefined;
  const busUrl = memoryBus ? 'memory://' : testNatsUrl(label);
  let sqliteDir: string | undefined;
  let stack: RunningStack | undefined;

  const stop = async () => {
    // each step runs even if an earlier one failed: no databases or streams left behind
    const steps: Array<() => Promise<unknown> | unknown> = [
      () => stack?.stop(),
      ...hooks.splice(0).reverse(),
      async () => {
        if (memoryBus) return memoryBus.close();
        const cleanup = await NatsBus.connect(busUrl);
        await cleanup.destroyStream();
        await cleanup.close();
      },
      () => Promise.all(Object.values(dbs).map((d) => d.drop())),
      () => [...Object.values(dirs), ...(sqliteDir ? [sqliteDir] : [])].forEach((dir) => rmSync(dir, { recursive: true, force: true })),
    ];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  };

  try {
    for (const [variable, prefix] of Object.entries(options.tempDirs ?? {})) dirs[variable] = mkdtempSync(join(tmpdir(), prefix));
    const services = [identityService, ...options.services];
    if (memoryBus) sqliteDir = mkdtempSync(join(tmpdir(), `${label}-sqlite-`));
    // short names as before: `<label>_writing` for writing-orders
    else for (const s of services) dbs[s.name] = await createTestDatabase(`${label}_${s.name.split('-')[0]}`);
    stack = await startStack({
      services,
      databaseUrl: (name) => (sqliteDir ? `sqlite:${join(sqliteDir, `${name}.sqlite`)}` : dbs[name].url),
      ...(memoryBus ? { bus: memoryBus } : { busUrl }),
      ports: 'ephemeral',
      gateway: true,
      accessLog: false,
      env: { ADMIN_PASSWORD, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...dirs, ...options.env },
      serviceEnv: options.serviceEnv,
    });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const running = stack;
  const api = apiClient(running.gateway!.url);
  const login = async (username: string, password: string) => {
    const res = await api.post('/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };
  let admin: string;
  let roles: Array<{ id: number; code: string }>;
  try {
    admin = await login('admin', options.env?.ADMIN_PASSWORD ?? ADMIN_PASSWORD);
    roles = (await api.get('/api/roles', admin)).body.data;
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  return {
    stack: running,
    api,
    admin,
    busUrl,
    dbs,
    dirs,
    login,
    async user(username, roleCode, extra = {}) {
      const role = roles.find((r) => r.code === roleCode);
      if (!role) throw new Error(`no built-in role ${roleCode}`);
      const created = await api.post('/api/users', { username, password: USER_PASSWORD, role_id: role.id, real_name: username, ...extra }, admin);
      if (created.status !== 201) throw new Error(`could not create ${username}: ${JSON.stringify(created.body)}`);
      return { id: created.body.data.id, token: await login(username, USER_PASSWORD) };
    },
    async sql(service, query, replacements = []) {
      const [rows] = await running.services[service].sequelize.query(query, { replacements });
      return rows as never[];
    },
    onStop: (fn) => void hooks.push(fn),
    stop,
  };
}
