/**
 * Not a test: prints how fast codes import and orders are delivered on MariaDB against the sandbox.
 *   node --conditions=source --import tsx services/pdd-verify/bench/bench.ts [codes=20000] [orders=500]
 */
import { createLogger, loadConfig, migrateUp, openDatabase, Outbox } from '@backoffice/kit';
import { createTestDatabase } from '@backoffice/kit/testing';
import { startPddSandbox } from '@backoffice/platform-sandbox/pdd';
import { pddVerifyConfigSchema } from '../src/config.js';
import { migrations } from '../src/db/migrations.js';
import { createPddEngine } from '../src/engine.js';
import { importCodes } from '../src/imports/card-import.js';

const codes = Number(process.argv[2] ?? 20_000);
const orders = Number(process.argv[3] ?? 500);
const db = await createTestDatabase('pdd_bench');
const sandbox = await startPddSandbox({ port: 0 });
const admin = (path: string, body: unknown) => fetch(`${sandbox.url}/__admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
await admin('/apps', { client_id: 'bench', client_secret: 'bench-secret-0123456789' });
const token = await admin('/tokens', { client_id: 'bench' });
const config = loadConfig(pddVerifyConfigSchema, {
  DATABASE_URL: db.url,
  DATA_ENCRYPTION_KEY: 'bench-encryption-key-0123456789',
  PDD_API_URL: sandbox.url,
  PDD_APP_ID: 'bench',
  PDD_APP_SECRET: 'bench-secret-0123456789',
  PDD_ACCESS_TOKEN: token.access_token,
  PDD_REFRESH_TOKEN: token.refresh_token,
  ORDER_SYNC_LAG_SECONDS: '60',
  NOTIFICATION_ENABLED: 'False',
});
const sequelize = openDatabase(db.url);
try {
  await migrateUp(sequelize, migrations);
  const engine = createPddEngine({ config, sequelize, outbox: new Outbox(sequelize, 'pdd-verify'), logger: createLogger('bench', 'silent') });
  await engine.models.Goods.create({ goods_id: '1', goods_name: 'bench', is_virtual: true, delivery_method: 'card_code', verify_rule: 'on_delivery', verify_delay_minutes: 0, low_stock_threshold: 0 });
  async function* rows() {
    for (let i = 0; i < codes; i++) yield { row: i + 1, value: `BENCH-${String(i).padStart(8, '0')}` };
  }
  let t = performance.now();
  const report = await importCodes(engine.models, engine.codes, config.DATA_ENCRYPTION_KEY, '1', rows());
  const importMs = performance.now() - t;
  console.log(`import: ${report.imported} codes in ${(importMs / 1000).toFixed(1)} s (${Math.round(report.imported / (importMs / 1000))} codes/s)`);
  for (let i = 0; i < orders; i += 100) await admin('/orders', { orders: Array.from({ length: Math.min(100, orders - i) }, () => ({ goods_id: 1, updated_offset_seconds: -300 })) });
  t = performance.now();
  const cycle = await engine.runCycle();
  const cycleMs = performance.now() - t;
  console.log(`one cycle: pulled ${(cycle.monitor as { new: number }).new}, delivered ${cycle.deliver!.delivered}, verified ${cycle.verify!.verified} in ${(cycleMs / 1000).toFixed(1)} s (${Math.round(cycle.deliver!.delivered / (cycleMs / 1000))} orders/s delivered and verified)`);
  await engine.close();
} finally {
  await sequelize.close();
  await sandbox.stop();
  await db.drop();
}
