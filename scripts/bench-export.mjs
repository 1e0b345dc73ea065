// Commission export benchmark (not a test). identity and writing-orders run as their own processes
// from the built dist on a database of their own with 100,000 fixed customer orders (500 writers with
// encrypted Alipay accounts, 20 customer-service users). Alternately:
//   (a) exceljs's streaming WorkbookWriter writing the same 100,000 rows (same columns, values made in
//       memory) to a file, alone, and
//   (b) GET /api/customer-orders/export-commission-data?format=xlsx read to the end over HTTP.
// Prints each time, the ratio of medians (target ≤ 1.3×) and writing-orders' peak RSS (VmHWM, target
// < 250 MB). Needs the built dist: flock /tmp/tsc.lock npx tsc -b services/writing-orders services/identity
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { ensureMysqlDatabase, migrateUp, openDatabase, SecretBox } from '@backoffice/kit';
import { migrations } from '../services/writing-orders/dist/db/migrations.js';

const MYSQL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEY = 'bench-export-encryption-key-0123456789';
const PASSWORD = 'Bench#2026pass';
const suffix = randomBytes(3).toString('hex');
const dbs = { identity: `${MYSQL}/bench_export_identity_${suffix}`, writing: `${MYSQL}/bench_export_writing_${suffix}` };
const ports = { identity: 18281, writing: 18282 };
const work = mkdtempSync(join(tmpdir(), 'bench-export-'));

const children = [];
const start = (script, env) => {
  const child = spawn(process.execPath, [script], { env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', BUS_URL: 'memory://', INTERNAL_API_TOKEN: 'bench-internal-token-0123456789', MIGRATE_ON_START: 'true', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(child);
  return child;
};
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${url} did not become ready`);
}
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const peakRssMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const COLUMNS = ['id', 'order_id', 'dispatch_id', 'date', 'customer_id', 'customer_service_name', 'customer_commission', 'writer_id', 'writer_name', 'fee', 'writer_alipay_name', 'writer_alipay_account', 'writer_id_2', 'writer_name_2', 'fee_2', 'writer2_alipay_name', 'writer2_alipay_account', 'settlement_status'];
const MONEY = new Set(['customer_commission', 'fee', 'fee_2']);

/** (a): the same rows written by exceljs's streaming writer alone. */
async function exceljsAlone(file) {
  const out = createWriteStream(file);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('佣金明细');
  ws.columns = COLUMNS.map((key) => ({ header: key, key, width: 14, style: MONEY.has(key) ? { numFmt: '0.00' } : {} }));
  for (let i = 1; i <= ROWS; i++) {
    const w = i % 500;
    ws.addRow({
      id: i, order_id: `E${String(i).padStart(12, '0')}`, dispatch_id: `D${i}`, date: '2025-07-15', customer_id: 1 + (i % 20), customer_service_name: `cs_${i % 20}`,
      customer_commission: 10 + (i % 300) / 100, writer_id: `w${w}`, writer_name: `写手${w}`, fee: 20 + (i % 300), writer_alipay_name: `支付宝${w}`, writer_alipay_account: `writer${w}@alipay.example`,
      writer_id_2: i % 4 ? null : `w${(w + 1) % 500}`, writer_name_2: i % 4 ? null : `写手${(w + 1) % 500}`, fee_2: i % 4 ? null : 15.5, writer2_alipay_name: null, writer2_alipay_account: null, settlement_status: 'Locked',
    }).commit();
  }
  ws.commit();
  await wb.commit();
  return statSync(file).size;
}

try {
  await ensureMysqlDatabase(dbs.writing);
  const sequelize = openDatabase(dbs.writing, { logging: false });
  await migrateUp(sequelize, migrations);
  const box = new SecretBox(KEY, 'writers');
  const now = new Date();
  const writers = Array.from({ length: 500 }, (_, w) => [`w${w}`, `写手${w}`, '本科', '中文', '大学水平', `支付宝${w}`, box.encrypt(`writer${w}@alipay.example`), now, now]);
  await sequelize.query(`INSERT INTO writers (writer_id, name, education, major, writing_experience, alipay_name, alipay_account_encrypted, created_time, last_modified_time) VALUES ${writers.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, { replacements: writers.flat() });
  await sequelize.query(`INSERT INTO order_directory_users (id, username, real_name, role, status, deleted, updated_at) SELECT seq, CONCAT('cs_', seq), NULL, 'customer_service', 1, 0, NOW() FROM seq_1_to_20`);
  await sequelize.query(`INSERT INTO customer_orders (order_id, date, is_fixed, fee, fee_2, customer_id, writer_id, writer_id_2, dispatch_id, order_amount, customer_commission, settlement_status, new_customer, is_locked, writer_settlement_exported, customer_settlement_exported, created_at, updated_at)
    SELECT CONCAT('E', LPAD(seq, 12, '0')), DATE_ADD('2025-07-01', INTERVAL seq % 28 DAY), 1, 20 + (seq % 300), IF(seq % 4 = 0, 15.5, NULL), 1 + seq % 20, CONCAT('w', seq % 500),
           IF(seq % 4 = 0, CONCAT('w', (seq + 1) % 500), NULL), CONCAT('D', seq), 500, 10 + (seq % 300) / 100, 'Locked', 0, 1, 0, 0, NOW(), NOW()
      FROM seq_1_to_${ROWS}`);
  await sequelize.close();
  console.log(`filled ${ROWS.toLocaleString()} customer orders`);

  start('services/identity/dist/main.js', { DATABASE_URL: dbs.identity, PORT: String(ports.identity), ADMIN_PASSWORD: PASSWORD });
  await waitReady(`http://127.0.0.1:${ports.identity}/readyz`);
  const writing = start('services/writing-orders/dist/main.js', {
    DATABASE_URL: dbs.writing,
    PORT: String(ports.writing),
    DATA_ENCRYPTION_KEY: KEY,
    UPLOAD_ROOT: work,
    JWKS_URL: `http://127.0.0.1:${ports.identity}/.well-known/jwks.json`,
    IDENTITY_URL: `http://127.0.0.1:${ports.identity}`,
    // e.g. BENCH_SERVICE_NODE_OPTIONS=--max-semi-space-size=4 to see how much of the peak is GC slack
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
  });
  await waitReady(`http://127.0.0.1:${ports.writing}/readyz`);
  const rssAtStart = peakRssMb(writing.pid);
  const login = await fetch(`http://127.0.0.1:${ports.identity}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) }).then((r) => r.json());
  const token = login.data.token;
  const exportUrl = `http://127.0.0.1:${ports.writing}/api/customer-orders/export-commission-data?start=2025-07-01&end=2025-07-31&format=xlsx`;
  const ours = async () => {
    const res = await fetch(exportUrl, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
    let bytes = 0;
    for await (const chunk of res.body) bytes += chunk.length;
    return bytes;
  };

  const alone = [];
  const api = [];
  for (let round = 0; round <= ROUNDS; round++) {
    let t0 = process.hrtime.bigint();
    const fileBytes = await exceljsAlone(join(work, `alone-${round}.xlsx`));
    const a = ms(t0);
    t0 = process.hrtime.bigint();
    const httpBytes = await ours();
    const b = ms(t0);
    if (round > 0) {
      alone.push(a);
      api.push(b);
    }
    if (process.env.BENCH_VERBOSE) console.log(`  peak RSS so far ${peakRssMb(writing.pid).toFixed(0)} MB`);
    console.log(`round ${round}${round ? '' : ' (warm-up)'}: exceljs alone ${(a / 1000).toFixed(2)} s (${(fileBytes / 1e6).toFixed(1)} MB) · export over HTTP ${(b / 1000).toFixed(2)} s (${(httpBytes / 1e6).toFixed(1)} MB)`);
  }
  const ratio = median(api) / median(alone);
  console.log(`median: exceljs alone ${(median(alone) / 1000).toFixed(2)} s · export ${(median(api) / 1000).toFixed(2)} s · ratio ${ratio.toFixed(2)}× (target ≤ 1.3×)`);
  console.log(`writing-orders peak RSS (VmHWM): ${peakRssMb(writing.pid).toFixed(0)} MB (target < 250 MB); ${rssAtStart.toFixed(0)} MB once started, before any export`);
} finally {
  children.forEach((c) => c.kill('SIGTERM'));
  await sleep(500);
  const admin = openDatabase(`${MYSQL}/`, { logging: false });
  for (const url of Object.values(dbs)) await admin.query(`DROP DATABASE IF EXISTS \`${url.split('/').pop()}\``).catch(() => undefined);
  await admin.close();
  rmSync(work, { recursive: true, force: true });
}
