import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Sequelize } from 'sequelize';
import { startWritingHarness, type WritingHarness } from './stack.js';
import { createWriter, todayDate } from './writer-fixtures.js';

let h: WritingHarness;
let db: Sequelize;
let finance: string;
let cs: string;

/** Paid orders are the orders area's table; statistics only read it, so the test writes rows directly. */
const insertOrder = (orderId: string, createdAt: string, amount: string, channel: string | null) => {
  const now = new Date();
  return db.query('INSERT INTO orders (order_id, amount, status, create_time, channel, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', {
    replacements: [orderId, amount, '支付成功', new Date(createdAt), channel, now, now],
  });
};

before(async () => {
  h = await startWritingHarness('statistics');
  db = h.stack.services['writing-orders'].sequelize;
  [finance, cs] = (await Promise.all([h.user('fin1', 'finance'), h.user('cs1', 'customer_service')])).map((u) => u.token);
});
after(async () => {
  await h?.stop();
});

test('without orders: seven days ending today, all 0; counts from identity and writers', async () => {
  await createWriter(h);
  const res = await h.api.get('/api/statistics', finance);
  assert.equal(res.status, 200);
  assert.equal(res.body.code, 0);
  assert.equal(res.body.message, '获取成功');
  const d = res.body.data;
  assert.deepEqual(Object.keys(d).sort(), ['channelOrders', 'menuCount', 'orderCount', 'roleCount', 'sevenDaysAmount', 'userCount', 'writerCount']);
  assert.equal(d.userCount, 3);
  assert.ok(d.roleCount >= 11);
  assert.ok(d.menuCount > 0);
  assert.equal(d.writerCount, 1);
  assert.equal(d.orderCount, 0);
  assert.equal(d.sevenDaysAmount.length, 7);
  assert.equal(d.sevenDaysAmount[6].date, todayDate());
  assert.ok(d.sevenDaysAmount.every((x: { amount: number }) => x.amount === 0));
  assert.deepEqual(d.channelOrders, {});
});

test('the seven days end on the day of the last order (studio time), days without orders are 0, channels counted', async () => {
  await createWriter(h);
  // times in Asia/Shanghai (+08:00); the window is 2024-03-04 … 2024-03-10
  await insertOrder('A1', '2024-03-10T10:00:00+08:00', '1000.00', '支付宝');
  await insertOrder('A2', '2024-03-10T00:30:00+08:00', '234.56', '支付宝'); // 2024-03-09 in UTC, 03-10 for the studio
  await insertOrder('A3', '2024-03-08T23:59:59+08:00', '100.10', '企业微信');
  await insertOrder('A4', '2024-03-04T00:00:00+08:00', '50.05', '企业微信');
  await insertOrder('A5', '2024-03-03T23:59:59+08:00', '999.00', '支付宝'); // the day before the window
  await insertOrder('A6', '2024-03-06T12:00:00+08:00', '0.10', null);
  await insertOrder('A7', '2024-03-06T13:00:00+08:00', '0.20', null);
  const res = await h.api.get('/api/statistics', h.admin);
  assert.equal(res.status, 200);
  const d = res.body.data;
  assert.equal(d.orderCount, 7);
  assert.equal(d.writerCount, 2);
  assert.deepEqual(d.sevenDaysAmount, [
    { date: '2024-03-04', amount: 50.05 },
    { date: '2024-03-05', amount: 0 },
    { date: '2024-03-06', amount: 0.3 },
    { date: '2024-03-07', amount: 0 },
    { date: '2024-03-08', amount: 100.1 },
    { date: '2024-03-09', amount: 0 },
    { date: '2024-03-10', amount: 1234.56 },
  ]);
  assert.deepEqual(d.channelOrders, { 支付宝: 3, 企业微信: 2, 未知: 2 });
});

test('only holders of statistics.read', async () => {
  const res = await h.api.get('/api/statistics', cs);
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 1);
});

test('with identity stopped the statistics still answer; its counts are null; accounts cannot be opened', async () => {
  const writer = await h.api.get('/api/writers/list', h.admin);
  await h.stack.services.identity.stop();
  const account = await h.api.post(`/api/writers/${writer.body.data[0].id}/account`, {}, h.admin);
  assert.equal(account.status, 503);
  assert.equal(account.body.message, '身份服务暂时不可用，请稍后重试');
  assert.equal((await h.api.get(`/api/writers/${writer.body.data[0].id}`, h.admin)).body.data.is_activated, 0);
  const res = await h.api.get('/api/statistics', finance);
  assert.equal(res.status, 200);
  const d = res.body.data;
  assert.equal(d.userCount, null);
  assert.equal(d.menuCount, null);
  assert.equal(d.roleCount, null);
  assert.equal(d.writerCount, 2);
  assert.equal(d.orderCount, 7);
  assert.equal(d.sevenDaysAmount.length, 7);
});
