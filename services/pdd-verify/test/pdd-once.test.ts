import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger, loadConfig, migrateUp, openDatabase, Outbox } from '@backoffice/kit';
import { eventually } from '@backoffice/kit/testing';
import type { RunningSandbox } from '@backoffice/platform-sandbox';
import { QueryTypes, type Sequelize } from 'sequelize';
import { pddVerifyConfigSchema } from '../src/config.js';
import { migrations } from '../src/db/migrations.js';
import { createPddEngine } from '../src/engine.js';
import { importCodes } from '../src/imports/card-import.js';
import { ENCRYPTION_KEY, startMailSink, startPddPlatform, type MailSink } from './stack.js';

// `main.js once` on SQLite with the in-memory bus (the npm start shape): one full cycle, then exit
let dir: string;
let sandbox: RunningSandbox;
let platform: Awaited<ReturnType<typeof startPddPlatform>>['platform'];
let mail: MailSink;
let env: Record<string, string>;
let sequelize: Sequelize;

const runOnce = (extra: Record<string, string> = {}, command = 'once', stopWhen?: () => Promise<boolean>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', resolve('services/pdd-verify/src/main.ts'), command], {
      env: { ...process.env, ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
    if (stopWhen) void eventually(stopWhen, 30_000, `${command} worker`).finally(() => child.kill('SIGTERM'));
  });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdd-once-'));
  const pdd = await startPddPlatform();
  ({ sandbox, platform } = pdd);
  mail = await startMailSink();
  env = {
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${join(dir, 'pdd.sqlite')}`,
    BUS_URL: 'memory://',
    DATA_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ...pdd.env,
    ORDER_SYNC_LAG_SECONDS: '60',
    RETRY_BACKOFF_SECONDS: '0',
    EMAIL_SMTP_SERVER: '127.0.0.1',
    EMAIL_SMTP_PORT: String(mail.port),
    EMAIL_TO: 'ops@shop.test',
  };
  // the shop set up on SQLite: a goods verified on delivery, three codes
  const config = loadConfig(pddVerifyConfigSchema, env);
  sequelize = openDatabase(config.DATABASE_URL);
  await migrateUp(sequelize, migrations);
  const engine = createPddEngine({ config, sequelize, outbox: new Outbox(sequelize, 'pdd-verify'), logger: createLogger('t', 'silent') });
  await engine.models.Goods.create({ goods_id: '3001', goods_name: '月卡', is_virtual: true, delivery_method: 'card_code', verify_rule: 'on_delivery', verify_delay_minutes: 0, low_stock_threshold: 1 });
  async function* codes() {
    for (let i = 0; i < 3; i++) yield { row: i + 1, value: `ONCE-CODE-${i}` };
  }
  assert.equal((await importCodes(engine.models, engine.codes, ENCRYPTION_KEY, '3001', codes())).imported, 3);
  await engine.close();
});
after(async () => {
  await sequelize?.close();
  await sandbox?.stop();
  await mail?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('`once` runs one full cycle on SQLite and exits: orders pulled, delivered, verified; out of stock alerts by mail', async () => {
  const { orders } = await platform('POST', '/orders', { orders: Array.from({ length: 4 }, () => ({ goods_id: 3001, goods_name: '月卡', updated_offset_seconds: -300 })) });
  const run = await runOnce();
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
  assert.equal(report.monitor.new, 4);
  assert.deepEqual(report.deliver, { delivered: 3, waiting_stock: 1, busy: 0, retry: 0, failed: 0 });
  assert.equal(report.verify.verified, 3);
  const rows = await sequelize.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM pdd_orders GROUP BY status ORDER BY status', { type: QueryTypes.SELECT });
  assert.deepEqual(rows.map((r) => [r.status, Number(r.n)]), [['verified', 3], ['waiting_stock', 1]]);
  const outbox = await sequelize.query<{ type: string; status: string }>('SELECT type, status FROM outbox', { type: QueryTypes.SELECT });
  assert.equal(outbox.filter((o) => o.type === 'pdd.order.delivered.v1').length, 3);
  assert.ok(outbox.every((o) => o.status === 'sent'), 'published before exit');
  const shipped = await Promise.all(orders.map((o: { order_sn: string }) => platform('GET', `/orders/${o.order_sn}`)));
  assert.equal(shipped.filter((o) => o.order_status === 3).length, 3);
  assert.deepEqual(mail.mails.map((m) => m.subject).sort(), ['[拼多多告警] 卡密库存不足，订单等待发货：月卡（3001）', '[拼多多告警] 卡密库存偏低：月卡（3001）']);

  const again = await runOnce();
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout.trim().split('\n').pop()!).monitor.new, 0, 'nothing stored twice');
  assert.equal(mail.mails.length, 2, 'the same shortage is not mailed again within the window');

});

test('`monitor` runs as a worker on its schedule (every ORDER_CHECK_INTERVAL s) and stops cleanly on SIGTERM', async () => {
  const config = loadConfig(pddVerifyConfigSchema, env);
  const engine = createPddEngine({ config, sequelize, outbox: new Outbox(sequelize, 'pdd-verify'), logger: createLogger('t', 'silent') });
  async function* codes() {
    for (let i = 0; i < 2; i++) yield { row: i + 1, value: `MONITOR-CODE-${i}` };
  }
  await importCodes(engine.models, engine.codes, ENCRYPTION_KEY, '3001', codes());
  await engine.close();
  await platform('POST', '/orders', { goods_id: 3001, goods_name: '月卡', updated_offset_seconds: -200 });
  const count = async (status: string) =>
    Number((await sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM pdd_orders WHERE status = ?', { replacements: [status], type: QueryTypes.SELECT }))[0].n);
  // the waiting order and the new one are delivered by the worker's first tick; `monitor` does not verify
  const run = await runOnce({ ORDER_CHECK_INTERVAL: '5' }, 'monitor', async () => (await count('delivered')) === 2);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await count('waiting_stock'), 0);
});

test('a withdrawn authorisation: the refresh is refused too, the pull stops and one mail asks to authorise again', async () => {
  await platform('POST', '/tokens/revoke', {});
  const config = loadConfig(pddVerifyConfigSchema, env);
  const engine = createPddEngine({ config, sequelize, outbox: new Outbox(sequelize, 'pdd-verify'), logger: createLogger('t', 'silent') });
  try {
    for (let i = 0; i < 2; i++) {
      const report = await engine.runCycle();
      assert.equal((report.monitor as { error: string }).error, 'refresh_token 无效或已过期，请重新授权');
    }
  } finally {
    await engine.close();
  }
  assert.deepEqual(mail.mails.filter((m) => m.subject.includes('授权')).map((m) => m.subject), ['[拼多多告警] 拼多多授权失效，请重新授权']);
});

test('a bad setting stops the service with a line naming it', () => {
  assert.throws(() => loadConfig(pddVerifyConfigSchema, { ...env, ORDER_CHECK_INTERVAL: '1' }), /ORDER_CHECK_INTERVAL is invalid \("1"\)/);
  assert.throws(() => loadConfig(pddVerifyConfigSchema, { ...env, NOTIFICATION_ENABLED: 'maybe' }), /NOTIFICATION_ENABLED is invalid \("maybe"\): must be True or False/);
  assert.throws(() => loadConfig(pddVerifyConfigSchema, { ...env, NODE_ENV: 'production', PDD_APP_SECRET: 'pdd-sandbox-secret-0123456789' }), /PDD_APP_SECRET .*set the real app secret in production/);
});
