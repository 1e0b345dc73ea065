import type { AddressInfo } from 'node:net';
import { createLogger, loadConfig, openDatabase, Outbox, startService, type RunningService } from '@backoffice/kit';
import type { TestDatabase } from '@backoffice/kit/testing';
import { startPddSandbox } from '@backoffice/platform-sandbox/pdd';
import type { RunningSandbox } from '@backoffice/platform-sandbox';
import { ADMIN_PASSWORD, startHarness, type Harness } from '@backoffice/standalone/testing';
import { SMTPServer } from 'smtp-server';
import { pddVerifyConfigSchema } from '../src/config.js';
import { createPddEngine, type PddEngine } from '../src/engine.js';
import { pddVerifyService } from '../src/index.js';

export { ADMIN_PASSWORD };
export const PDD_CLIENT_ID = 'pdd-test-app';
export const PDD_SECRET = 'pdd-test-secret-0123456789abcdef';
export const ENCRYPTION_KEY = 'pdd-test-encryption-key-0123456789';

export interface ReceivedMail {
  subject: string;
  text: string;
  to: string[];
}

/** A real SMTP listener on an ephemeral port that keeps what it receives. */
export async function startMailSink() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ ...parseMail(Buffer.concat(chunks).toString('utf8')), to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
export type MailSink = Awaited<ReturnType<typeof startMailSink>>;

/** Just enough MIME for our own mails: unfolded headers, encoded words, base64 or quoted-printable text. */
export function parseMail(raw: string): { subject: string; text: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  const words = (s: string) =>
    s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : qp(data.replace(/_/g, ' ')),
    );
  const body = rest.join('\n\n');
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? qp(body.replace(/=\r?\n/g, '')) : body;
  return { subject: words(headers.get('subject') ?? ''), text };
}
const qp = (s: string) => {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
};

export interface PddHarness extends Harness {
  db: TestDatabase;
  sandbox: RunningSandbox;
  mail: MailSink;
  /** The environment pdd-verify runs with (for replicas, engines and the `once` command). */
  env: Record<string, string>;
  pdd: RunningService;
  /** `/__admin` of the PDD sandbox. */
  platform(method: string, path: string, body?: unknown): Promise<any>;
  /** Another pdd-verify process on the same database and bus (its own port). */
  replica(env?: Record<string, string>): Promise<RunningService>;
  /** The service's engine on its own connection, as a worker would have it (e.g. to crash half-way). */
  engine(env?: Record<string, string>): Promise<PddEngine & { stop(): Promise<void> }>;
}

/** identity + pdd-verify + gateway on MariaDB and NATS, the PDD sandbox and an SMTP listener; all on ephemeral ports. */
/** The PDD sandbox on a free port with the test app registered and a token issued; `env` points pdd-verify at it. */
export async function startPddPlatform() {
  const sandbox = await startPddSandbox({ port: 0 });
  const platform = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${sandbox.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json();
  };
  try {
    await platform('POST', '/apps', { client_id: PDD_CLIENT_ID, client_secret: PDD_SECRET });
    const token = await platform('POST', '/tokens', { client_id: PDD_CLIENT_ID });
    const env = {
      PDD_API_URL: sandbox.url,
      PDD_APP_ID: PDD_CLIENT_ID,
      PDD_APP_SECRET: PDD_SECRET,
      PDD_ACCESS_TOKEN: token.access_token as string,
      PDD_REFRESH_TOKEN: token.refresh_token as string,
      PDD_HTTP_RETRIES: '0',
    };
    return { sandbox, platform, env };
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
}

export async function startPddHarness(label: string, extraEnv: Record<string, string> = {}): Promise<PddHarness> {
  const { sandbox, platform, env: platformEnv } = await startPddPlatform();
  const mail = await startMailSink().catch(async (err) => {
    await sandbox.stop();
    throw err;
  });
  const stopPeers = async () => {
    await sandbox.stop();
    await mail.stop();
  };
  let h: Harness;
  let env: Record<string, string>;
  try {
    env = {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATA_ENCRYPTION_KEY: ENCRYPTION_KEY,
      ...platformEnv,
      PDD_BREAKER_RESET_MS: '300',
      PDD_TIMEOUT_MS: '2000',
      // cycles run when a test asks (POST /api/pdd/sync); the hourly tick stays out of the way
      ORDER_CHECK_INTERVAL: '3600',
      ORDER_SYNC_LAG_SECONDS: '60',
      ORDER_SYNC_OVERLAP_SECONDS: '300',
      ORDER_SYNC_LOOKBACK_MINUTES: '120',
      MAX_RETRY_TIMES: '3',
      RETRY_BACKOFF_SECONDS: '0',
      DELIVERY_LEASE_SECONDS: '30',
      NOTIFICATION_ENABLED: 'True',
      EMAIL_SMTP_SERVER: '127.0.0.1',
      EMAIL_SMTP_PORT: String(mail.port),
      EMAIL_FROM: 'pdd-verify@shop.test',
      EMAIL_TO: 'ops@shop.test',
      ...extraEnv,
    };
    h = await startHarness({ label, services: [pddVerifyService], env });
  } catch (err) {
    await stopPeers().catch(() => undefined);
    throw err;
  }
  h.onStop(stopPeers);
  const serviceEnv = (more: Record<string, string> = {}) => ({
    ...process.env,
    ...env,
    DATABASE_URL: h.dbs['pdd-verify'].url,
    BUS_URL: h.busUrl,
    PORT: '0',
    JWKS_URL: `${h.stack.services.identity.url}/.well-known/jwks.json`,
    ...more,
  });
  return {
    ...h,
    db: h.dbs['pdd-verify'],
    sandbox,
    mail,
    env: serviceEnv() as Record<string, string>,
    pdd: h.stack.services['pdd-verify'],
    platform,
    async replica(more) {
      const running = await startService(pddVerifyService, { env: serviceEnv(more), migrate: false, accessLog: false, logger: createLogger('pdd-replica', 'silent') });
      h.onStop(() => running.stop().catch(() => undefined));
      return running;
    },
    async engine(more) {
      const config = loadConfig(pddVerifyConfigSchema, serviceEnv(more));
      const sequelize = openDatabase(config.DATABASE_URL);
      const engine = createPddEngine({ config, sequelize, outbox: new Outbox(sequelize, 'pdd-verify'), logger: createLogger('pdd-engine', 'silent') });
      let stopped = false;
      const handle = {
        ...engine,
        async stop() {
          if (stopped) return;
          stopped = true;
          await engine.close();
          await sequelize.close();
        },
      };
      h.onStop(() => handle.stop().catch(() => undefined));
      return handle;
    },
  };
}
