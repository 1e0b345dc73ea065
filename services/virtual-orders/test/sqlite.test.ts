import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, type ApiClient } from '@backoffice/kit/testing';
import type { RunningStack } from '@backoffice/standalone';
import { startHarness, type Harness } from '@backoffice/standalone/testing';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import { createVirtualOrdersService } from '../src/index.js';
import { fileForm, TestClock, xlsx } from './stack.js';

/** The single-process mode (`npm start`): SQLite files and the in-memory bus, same code paths. */
const BASE = '/api/virtual-orders';
let h: Harness;
let stack: RunningStack;
let api: ApiClient;
let admin: string;
const clock = new TestClock();

before(async () => {
  h = await startHarness({
    label: 'virtual-sqlite',
    sqlite: true,
    services: [createVirtualOrdersService({ clock: clock.read })],
    tempDirs: { UPLOAD_ROOT: 'virtual-sqlite-uploads-' },
    env: { DATA_ENCRYPTION_KEY: 'virtual-sqlite-key-0123456789', VIRTUAL_SCHEDULED_JOBS: 'false' },
  });
  ({ stack, api, admin } = h);
});
after(() => h?.stop());

test('on SQLite: import, accept and complete, expiry with re-allocation, CS account, export', async () => {
  const db = stack.services['virtual-orders'].sequelize;
  const q = <T extends object = Record<string, any>>(sql: string) => db.query<T>(sql, { type: QueryTypes.SELECT });
  const file = await xlsx(['学生姓名', '补贴金额', '班级'], [['甲', 88.88, '一班'], ['乙', 5, ''], ['', 3]]);
  const imported = await api.call('POST', `${BASE}/import/student-subsidy`, { token: admin, body: fileForm(file) });
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  assert.deepEqual([imported.body.data.import.rows_accepted, imported.body.data.import.rejected_rows], [2, [{ row: 4, reason: '学生姓名不能为空' }]]);
  const again = await api.call('POST', `${BASE}/import/student-subsidy`, { token: admin, body: fileForm(file) });
  assert.equal(again.body.data.duplicate, true);

  const tasks = (await api.get(`${BASE}/tasks?size=100`, admin)).body.data.list as Array<{ order_number: string; amount: string; student_name: string }>;
  const cents = (list: typeof tasks, name: string) => list.filter((t) => t.student_name === name).reduce((s, t) => s + Math.round(Number(t.amount) * 100), 0);
  assert.equal(cents(tasks, '甲'), 8888);
  const yi = tasks.find((t) => t.student_name === '乙')!;
  assert.equal((await api.post(`${BASE}/tasks/${yi.order_number}/accept`, {}, admin)).status, 200);
  assert.equal((await api.post(`${BASE}/tasks/${yi.order_number}/complete`, {}, admin)).status, 200);
  const pools = (await api.get(`${BASE}/student-pools?status=completed`, admin)).body.data;
  assert.deepEqual([pools.total, pools.list[0].student_name, pools.list[0].completed_amount], [1, '乙', '5.00']);

  clock.advanceHours(25);
  const expired = (await api.post(`${BASE}/reallocate/${pools.list[0].student_id}`, {}, admin)).body.data;
  assert.equal(expired.tasks_generated, 0);
  const [{ id: jiaId }] = await q<{ id: number }>(`SELECT id FROM virtual_students WHERE name = '甲'`);
  const reallocated = await api.post(`${BASE}/reallocate/${jiaId}`, {}, admin);
  assert.equal(reallocated.body.data.returned_amount, '88.88');
  await eventually(async () => (await q<{ n: number }>(`SELECT COUNT(*) AS n FROM inbox`))[0].n > 0, 5000, 'the expired event handled');
  const after = (await api.get(`${BASE}/tasks?size=100`, admin)).body.data.list as typeof tasks;
  assert.equal(cents(after, '甲'), 8888);
  const stats = (await api.get(`${BASE}/stats`, admin)).body.data;
  assert.deepEqual([stats.total_students, stats.total_subsidy_amount, stats.completed_tasks], [2, '93.88', 1]);

  const cs = await api.post(`${BASE}/customer-service`, { name: '客服', account: 'vcs_sqlite', id_card: '110101199003071234' }, admin);
  assert.equal(cs.status, 201, JSON.stringify(cs.body));
  assert.equal(cs.body.data.id_card, '110***********1234');

  const res = await fetch(`${stack.gateway!.url}${BASE}/student-income/export`, { headers: { authorization: `Bearer ${admin}` } });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  assert.equal(wb.getWorksheet('学生收入统计')!.actualRowCount, 3);
  const report = await api.post(`${BASE}/reports/snapshot`, {}, admin);
  assert.equal(report.status, 200, JSON.stringify(report.body));

  const docs = (await api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  for (const path of ['/import/student-subsidy', '/imports/{id}', '/tasks/{order_number}/accept', '/student-income/export', '/customer-service/{role_id}', '/student-pools', '/stats']) {
    assert.ok(docs.paths[`${BASE}${path}`], `${path} documented`);
  }
});
