import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ok } from '@backoffice/contracts';
import { ApiRouter, baseConfigSchema, createLogger, runWithContext, startService, type ServiceModule } from '../src/index.js';

test('log lines carry the request id of the request they belong to', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
  const logger = createLogger('svc', 'info', sink);
  runWithContext({ requestId: 'req-log-1' }, () => logger.info({ password: 'hunter2' }, 'inside'));
  logger.info('outside');
  const [inside, outside] = lines.map((l) => JSON.parse(l));
  assert.equal(inside.requestId, 'req-log-1');
  assert.equal(inside.service, 'svc');
  assert.equal(inside.password, undefined, 'secrets are redacted');
  assert.equal(outside.requestId, undefined);
});

test('on stop a service finishes the request in flight, then closes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-'));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const mod: ServiceModule = {
    name: 'slow',
    title: 'slow',
    defaultPort: 0,
    configSchema: baseConfigSchema({ port: 0, service: 'slow' }),
    migrations: [],
    async build({ docs }) {
      const api = new ApiRouter(undefined, docs, 'slow').route({
        method: 'get',
        path: '/slow',
        summary: 'waits',
        access: 'public',
        handler: async () => {
          await gate;
          return ok('finished');
        },
      });
      return { routers: [api.router] };
    },
  };
  const svc = await startService(mod, { env: { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, PORT: '0', LOG_LEVEL: 'silent' }, accessLog: false });
  try {
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
    const inFlight = fetch(`${svc.url}/slow`).then(async (r) => [r.status, (await r.json()).data]);
    await new Promise((r) => setTimeout(r, 100));
    const stopping = svc.stop();
    await new Promise((r) => setTimeout(r, 50));
    release();
    assert.deepEqual(await inFlight, [200, 'finished']);
    await stopping;
    await assert.rejects(fetch(`${svc.url}/healthz`), 'no longer listening');
  } finally {
    release();
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
