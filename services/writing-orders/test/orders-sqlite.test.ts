import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SecretBox } from '@backoffice/kit';
import { eventually, type ApiClient } from '@backoffice/kit/testing';
import type { RunningStack } from '@backoffice/standalone';
import { startHarness, type Harness } from '@backoffice/standalone/testing';
import { writingOrdersService } from '../src/index.js';
import { ENCRYPTION_KEY } from './order-fixtures.js';

// The single-process shape (`npm start`): SQLite files and the in-memory bus. Every statement of the
// orders area that is written per dialect runs here once.
let h: Harness;
let stack: RunningStack;
let api: ApiClient;
let admin: string;

before(async () => {
  h = await startHarness({ label: 'orders-sqlite', sqlite: true, services: [writingOrdersService], tempDirs: { UPLOAD_ROOT: 'orders-sqlite-uploads-' }, env: { DATA_ENCRYPTION_KEY: ENCRYPTION_KEY } });
  ({ stack, api, admin } = h);
});
after(() => h?.stop());

test('import, merge, commission, lock, settle, unlock and export on SQLite', async () => {
  const db = stack.services['writing-orders'].sequelize;
  const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string }>;
  const cs = await api.post('/api/users', { username: 'cs_lite', password: 'secret123', role_id: roles.find((r) => r.code === 'customer_service')!.id, real_name: 'cs' }, admin);
  await eventually(async () => ((await db.query('SELECT id FROM order_directory_users WHERE id = ?', { replacements: [cs.body.data.id] }))[0] as unknown[]).length > 0);
  const now = new Date();
  await db.query(
    `INSERT INTO writers (writer_id, name, education, major, writing_experience, alipay_name, alipay_account_encrypted, starred, processed, created_time, last_modified_time)
     VALUES ('w1', '甲', '本科', '中文', '大学水平', '甲某', ?, 0, 0, ?, ?)`,
    { replacements: [new SecretBox(ENCRYPTION_KEY, 'writers').encrypt('acc-1'), now, now] },
  );
  const upload = () => {
    const form = new FormData();
    form.append('file', new Blob(['订单编号,买家实付金额,手续费,订单状态,订单创建时间\nS-1,100.10,0.60,交易成功,2025-07-01 10:00\nS-2,bad,,,\n']), 'b.csv');
    return api.call('POST', '/api/orders/import', { token: admin, body: form });
  };
  const imported = await upload();
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.deepEqual([imported.body.data.inserted, imported.body.data.rejected], [1, 1]);
  assert.deepEqual([(await upload()).body.data.inserted, (await upload()).body.data.unchanged], [0, 1]);
  assert.equal((await api.post('/api/customer-orders', { order_id: 'S-1', date: '2025-07-01', is_fixed: 1, fee: 30, writer_id: 'w1', order_amount: 100, customer_id: cs.body.data.id }, admin)).status, 201);
  assert.equal((await api.post('/api/customer-orders', { order_id: 'S-3', date: '2025-07-02', is_fixed: 1, order_amount: '0.04' }, admin)).status, 201);
  assert.equal((await api.get('/api/customer-orders?fee_min=10&settlement_status=Eligible', admin)).body.data.total, 1);
  assert.equal((await api.get('/api/orders?status=1&startTime=2025-07-01', admin)).body.data.total, 1);
  assert.equal((await api.post('/api/customer-orders/merge', {}, admin)).body.data.total, 1);
  assert.equal((await api.put('/api/customer-orders/commission-rule', { rate_percent: '12.5' }, admin)).status, 200);
  const first = await api.post('/api/orders/recalculate-commission', {}, admin);
  const second = await api.post('/api/orders/recalculate-commission', {}, admin);
  // (100.10 − 0.60 − 30) × 12.5 % = 8.6875 → 8.69; 0.04 × 12.5 % = 0.005 → 0.01 (half away from zero, as on MariaDB)
  assert.deepEqual(first.body.data.sample, [{ order_id: 'S-1', commission: '8.69' }, { order_id: 'S-3', commission: '0.01' }]);
  assert.deepEqual(second.body, first.body);
  const lock = await api.post('/api/customer-orders/lock', { order_ids: [1, 2] }, admin, { 'idempotency-key': 'lite-lock' });
  assert.equal(lock.status, 200, JSON.stringify(lock.body));
  assert.equal((await api.post('/api/customer-orders/lock', { order_ids: [1, 2] }, admin, { 'idempotency-key': 'lite-lock' })).headers.get('idempotent-replayed'), 'true');
  assert.equal((await api.put('/api/customer-orders/settlement-status', { order_id: 'S-1', new_status: 'WriterSettled' }, admin)).status, 200);
  assert.equal((await api.put('/api/customer-orders/settlement-status', { order_id: 'S-3', new_status: 'WriterSettled' }, admin)).body.message, '不允许从 SelfLocked 状态修改为 WriterSettled 状态');
  assert.equal((await api.post('/api/customer-orders/unlock', { order_ids: [1, 2] }, admin)).body.data.kept_locked_count, 1);
  const exported = await api.get('/api/customer-orders/export-commission-data?start=2025-07-01&end=2025-07-31', admin);
  assert.equal(exported.status, 200);
  assert.equal(exported.body.data.orders[0].writer_alipay_account, 'acc-1');
  assert.deepEqual(exported.body.data.summary, { order_count: 2, customer_commission_total: '8.70', writer_fee_total: '30.00' });
  const xlsx = await fetch(`${stack.gateway!.url}/api/customer-orders/export?start=2025-07-01&end=2025-07-31&format=xlsx`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(xlsx.status, 200);
  assert.ok((await xlsx.arrayBuffer()).byteLength > 1000);
});
