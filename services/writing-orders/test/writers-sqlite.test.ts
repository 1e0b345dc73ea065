import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ApiClient } from '@backoffice/kit/testing';
import type { RunningStack } from '@backoffice/standalone';
import { startHarness, type Harness } from '@backoffice/standalone/testing';
import { writingOrdersService } from '../src/index.js';
import { caseForm, png, writerBody } from './writer-fixtures.js';

/** The writers area on SQLite and the in-memory bus, as `npm start` runs it. */
let h: Harness;
let stack: RunningStack;
let api: ApiClient;
let admin: string;

before(async () => {
  h = await startHarness({
    label: 'writers-sqlite',
    sqlite: true,
    services: [writingOrdersService],
    tempDirs: { UPLOAD_ROOT: 'writers-sqlite-uploads-' },
    env: { DATA_ENCRYPTION_KEY: 'writing-test-encryption-key-0123456789', PUBLIC_RATE_LIMIT_PER_MINUTE: '1000' },
  });
  ({ stack, api, admin } = h);
});
after(() => h?.stop());

test('writers, ratings, cases and statistics work on SQLite', async () => {
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => api.post('/api/writers', writerBody({ name: `并发${i}` }), admin)));
  assert.deepEqual(results.map((r) => r.status), Array(8).fill(201));
  assert.equal(new Set(results.map((r) => r.body.data.writer_id)).size, 8);
  const open = await api.post('/api/writers/open', writerBody({ name: '开放' }));
  assert.equal(open.status, 201);
  const id = results[0].body.data.id;
  const list = await api.get('/api/writers?starred=false&name=并发&pageSize=5', admin);
  assert.equal(list.body.data.total, 8);
  assert.equal(list.body.data.list[0].alipay_account, 'zhangsan@alipay.com');
  assert.equal((await api.put(`/api/writers/${id}`, { starred: true }, admin)).status, 200);
  assert.equal((await api.get('/api/writers/quick-search?keyword=w2', undefined)).status, 200);

  const ratings = await Promise.all([api.post(`/api/writers/${id}/ratings`, { score: 8, comment: '甲' }, admin), api.post(`/api/writers/${id}/ratings`, { score: 9, comment: '乙' }, admin)]);
  assert.deepEqual(ratings.map((r) => r.status).sort(), [200, 201]);
  assert.equal((await api.get(`/api/writers/${id}`, admin)).body.data.latest_rating.comment.length, 1);
  assert.equal((await api.get('/api/writer-ratings/unrated', admin)).body.data.length, 8);
  assert.equal((await api.get('/api/writer-ratings/daily', admin)).body.data.total, 1);

  const created = await api.call('POST', '/api/cases', { token: admin, body: caseForm({ case_type: '话术', title: '标题', content: '内容' }, [{ name: 'a.png', data: png('s'), type: 'image/png' }]) });
  assert.equal(created.status, 201);
  assert.equal((await api.get(created.body.data.images[0], admin)).status, 200);
  assert.equal((await api.del(`/api/cases/${created.body.data.id}`, admin)).status, 200);

  const sqlite = stack.services['writing-orders'].sequelize;
  const now = new Date();
  await sqlite.query('INSERT INTO orders (order_id, amount, create_time, channel, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', {
    replacements: ['S1', '12.34', new Date('2024-03-10T00:30:00+08:00'), '支付宝', now, now],
  });
  const stats = await api.get('/api/statistics', admin);
  assert.equal(stats.status, 200);
  assert.equal(stats.body.data.writerCount, 9);
  assert.ok(stats.body.data.userCount >= 1);
  assert.deepEqual(stats.body.data.sevenDaysAmount.at(-1), { date: '2024-03-10', amount: 12.34 });
  assert.deepEqual(stats.body.data.channelOrders, { 支付宝: 1 });

  assert.equal((await api.call('DELETE', '/api/writers', { token: admin, body: { ids: [id] } })).body.data.deleted, 1);
});
