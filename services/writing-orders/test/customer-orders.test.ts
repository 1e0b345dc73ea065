import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addWriter, createOrder, orderNo, rows, staff, statusOf } from './order-fixtures.js';
import { startWritingHarness, type WritingHarness } from './stack.js';

let h: WritingHarness;
let cs1: { id: number; token: string };
let cs2: { id: number; token: string };
let finance: { id: number; token: string };
let supervisor: { id: number; token: string };
let inspector: { id: number; token: string };
let w1: string;
let w2: string;

const put = (id: number, body: Record<string, unknown>, token: string) => h.api.put(`/api/customer-orders/${id}`, body, token);
const list = async (qs: string, token = h.admin) => {
  const res = await h.api.get(`/api/customer-orders?${qs}`, token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data as { total: number; list: Array<Record<string, any>> };
};
const refused = (res: { status: number; body: any }, status: number, message: string) => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.code, 1);
  assert.equal(res.body.message, message);
};

before(async () => {
  h = await startWritingHarness('co_orders');
  [cs1, cs2, finance, supervisor, inspector] = await Promise.all([
    staff(h, 'cs_one', 'customer_service'),
    staff(h, 'cs_two', 'customer_service'),
    staff(h, 'fin_one', 'finance'),
    staff(h, 'sup_one', 'supervisor'),
    staff(h, 'qi_one', 'quality_inspector'),
  ]);
  w1 = await addWriter(h, '张写手');
  w2 = await addWriter(h, '李写手');
});
after(async () => h?.stop());

describe('create (八 1)', () => {
  test('an agent enters an order; it defaults to them and to Pending, fixed orders start Eligible', async () => {
    const order_id = orderNo();
    const res = await h.api.post(
      '/api/customer-orders',
      { order_id, date: '2025-06-27', is_fixed: 0, fee: 80, writer_id: w1, fee_2: '20.5', writer_id_2: w2, dispatch_id: 'PD-1', order_amount: '300.00', customer_name: '王同学', fee_per_1000: 12.5, new_customer: 1 },
      cs1.token,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.message, '创建成功');
    assert.equal(res.body.data.order_id, order_id);
    const detail = await h.api.get(`/api/customer-orders/${res.body.data.id}`, cs1.token);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.message, '获取成功');
    const d = detail.body.data;
    assert.equal(d.customer_id, cs1.id);
    assert.equal(d.customer_service_name, 'cs_one');
    assert.equal(d.writer_name, '张写手');
    assert.equal(d.writer_name_2, '李写手');
    assert.equal(d.fee, '80.00');
    assert.equal(d.fee_2, '20.50');
    assert.equal(d.total_fee, '100.50');
    assert.equal(d.fee_per_1000, '12.50');
    assert.equal(d.settlement_status, 'Pending');
    assert.equal(d.is_locked, 0);
    assert.equal(d.locked_by_name, null);
    const fixed = await createOrder(h, cs1.token, { is_fixed: 1 });
    assert.equal((await statusOf(h, fixed.id)).settlement_status, 'Eligible');
  });

  test('the seed messages for duplicates, unknown writers and missing permission', async () => {
    const first = await createOrder(h, cs1.token, { dispatch_id: 'PD-DUP' });
    refused(await h.api.post('/api/customer-orders', { order_id: first.order_id, date: '2025-06-27', is_fixed: 0 }, cs1.token), 409, '订单号已存在');
    refused(await h.api.post('/api/customer-orders', { order_id: orderNo(), date: '2025-06-27', is_fixed: 0, dispatch_id: 'PD-DUP' }, cs1.token), 409, '派单编号已存在');
    refused(await h.api.post('/api/customer-orders', { order_id: orderNo(), date: '2025-06-27', is_fixed: 0, writer_id: 'w0000000' }, cs1.token), 400, '指定的写手不存在');
    refused(await h.api.post('/api/customer-orders', { order_id: orderNo(), date: '2025-06-27', is_fixed: 0, writer_id: w1, writer_id_2: 'nobody' }, cs1.token), 400, '指定的第二个写手不存在');
    refused(await h.api.post('/api/customer-orders', { order_id: orderNo(), date: '2025-06-27', is_fixed: 0 }, inspector.token), 403, '您没有权限执行此操作');
    const bad = await h.api.post('/api/customer-orders', { order_id: orderNo(), date: '2025-02-30', is_fixed: 0, fee: '1.2.3' }, cs1.token);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, '日期格式应为 YYYY-MM-DD');
  });

  test('two agents entering the same order number at once: one wins, the other is told', async () => {
    const order_id = orderNo();
    // not cs2: the list test counts cs2's orders, and either agent may win here
    const results = await Promise.all([cs1, finance].map((u) => h.api.post('/api/customer-orders', { order_id, date: '2025-06-27', is_fixed: 0 }, u.token)));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    assert.equal(results.find((r) => r.status === 409)!.body.message, '订单号已存在');
  });
});

describe('list (八 2)', () => {
  test('every filter', async () => {
    const tag = `F${Date.now()}`;
    const a = await createOrder(h, cs2.token, { date: '2025-03-01', is_fixed: 1, fee: 60, fee_2: 50, writer_id: w1, dispatch_id: `${tag}-A`, customer_name: `${tag}甲客户`, order_amount: 500 });
    const b = await createOrder(h, cs2.token, { date: '2025-03-05', is_fixed: 0, fee: 10, writer_id: w2, dispatch_id: `${tag}-B`, customer_name: `${tag}乙客户`, order_amount: 80 });
    const mine = `customer_id=${cs2.id}`;
    const ids = (l: { list: Array<Record<string, any>> }) => l.list.map((o) => o.id).sort();
    assert.deepEqual(ids(await list(mine)), [a.id, b.id].sort());
    assert.deepEqual(ids(await list(`order_id=${a.order_id}`)), [a.id]);
    assert.deepEqual(ids(await list(`${mine}&date_start=2025-03-02`)), [b.id]);
    assert.deepEqual(ids(await list(`${mine}&date_end=2025-03-02`)), [a.id]);
    assert.deepEqual(ids(await list(`${mine}&writer_id=${w2}`)), [b.id]);
    assert.deepEqual(ids(await list(`${mine}&is_fixed=1`)), [a.id]);
    assert.deepEqual(ids(await list(`dispatch_id=${tag}-B`)), [b.id]);
    assert.deepEqual(ids(await list(`customer_name=${encodeURIComponent(`${tag}甲`)}`)), [a.id]);
    // fee range is on the total fee of both writers: a = 110, b = 10
    assert.deepEqual(ids(await list(`${mine}&fee_min=100`)), [a.id]);
    assert.deepEqual(ids(await list(`${mine}&fee_max=100`)), [b.id]);
    assert.deepEqual(ids(await list(`${mine}&order_amount_min=100`)), [a.id]);
    assert.deepEqual(ids(await list(`${mine}&order_amount_max=100`)), [b.id]);
    assert.deepEqual(ids(await list(`${mine}&settlement_status=Eligible`)), [a.id]);
    assert.deepEqual(ids(await list(`${mine}&is_locked=0`)), [a.id, b.id].sort());
    const page = await list(`${mine}&page=2&pageSize=1`);
    assert.equal(page.total, 2);
    assert.equal(page.list.length, 1);
    assert.equal((await list(`order_id=${a.order_id}`)).list[0].total_fee, '110.00');
    const bad = await h.api.get('/api/customer-orders?settlement_status=Paid', h.admin);
    assert.equal(bad.status, 400);
  });

  test('detail of an unknown order', async () => {
    refused(await h.api.get('/api/customer-orders/999999', h.admin), 404, '订单不存在');
  });
});

describe('update (八 4)', () => {
  test('the entering agent edits; others, order numbers and big fixed flags are refused', async () => {
    const o = await createOrder(h, cs1.token, { fee: 150 });
    const ok = await put(o.id, { fee: 90, customer_name: '新名字', writer_id: w1 }, cs1.token);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.message, '更新成功');
    refused(await put(o.id, { fee: 1 }, cs2.token), 403, '只有录入客服可以修改订单');
    refused(await put(o.id, { order_id: 'X-OTHER' }, cs1.token), 400, '订单号不允许修改，如需修改请删除后重新录入');
    refused(await put(999999, { fee: 1 }, cs1.token), 404, '订单不存在');
    refused(await put(o.id, { writer_id: 'ghost' }, cs1.token), 400, '指定的写手不存在');
    refused(await put(o.id, { writer_id_2: 'ghost' }, cs1.token), 400, '指定的第二个写手不存在');
    const other = await createOrder(h, cs1.token, { dispatch_id: `U-${o.id}` });
    refused(await put(o.id, { dispatch_id: `U-${o.id}` }, cs1.token), 409, '派单编号已存在');
    refused(await put(o.id, { order_id: other.order_id }, cs1.token), 400, '订单号不允许修改，如需修改请删除后重新录入');
    // fee < 100: the agent may fix it
    assert.equal((await put(o.id, { is_fixed: 1 }, cs1.token)).status, 200);
    assert.equal((await statusOf(h, o.id)).settlement_status, 'Eligible');
    assert.equal((await put(o.id, { is_fixed: 0 }, cs1.token)).status, 200);
    assert.equal((await statusOf(h, o.id)).settlement_status, 'Pending');
    // fee ≥ 100 (both writers together): only management / finance
    assert.equal((await put(o.id, { fee: 60, fee_2: 40 }, cs1.token)).status, 200);
    refused(await put(o.id, { is_fixed: 1 }, cs1.token), 403, '稿费大于等于100的订单，只有管理/财务可以修改定稿状态');
    assert.equal((await put(o.id, { is_fixed: 1 }, supervisor.token)).status, 200);
    assert.equal((await put(o.id, { is_fixed: 0 }, finance.token)).status, 200);
    const [row] = await rows<{ fee: unknown; customer_name: string }>(h, 'SELECT fee, customer_name FROM customer_orders WHERE id = ?', [o.id]);
    assert.equal(String(row.fee), '60.00');
    assert.equal(row.customer_name, '新名字');
    const audit = await rows<{ action: string }>(h, 'SELECT action FROM customer_order_audit WHERE customer_order_id = ? ORDER BY id', [o.id]);
    assert.equal(audit[0].action, 'CREATED');
    assert.ok(audit.filter((a) => a.action === 'UPDATED').length >= 5);
  });

  test('a locked order: only super admin and finance may change it', async () => {
    const o = await createOrder(h, cs1.token, { is_fixed: 1, fee: 30 });
    assert.equal((await h.api.post('/api/customer-orders/lock', { order_ids: [o.id] }, finance.token)).status, 200);
    refused(await put(o.id, { customer_name: 'x' }, cs1.token), 403, '订单已被锁定，仅限超级管理员和财务角色可以修改');
    assert.equal((await put(o.id, { special_situation: '退款中' }, finance.token)).status, 200);
    assert.equal((await put(o.id, { special_situation: '已处理' }, h.admin)).status, 200);
    refused(await put(o.id, { is_fixed: 0 }, finance.token), 409, '不允许从 Locked 状态修改为 Pending 状态');
  });
});

describe('delete (八 5)', () => {
  test('only the super admin, only unsettled and unlocked orders', async () => {
    const o = await createOrder(h, cs1.token);
    refused(await h.api.del(`/api/customer-orders/${o.id}`, cs1.token), 403, '只有超级管理员可以删除客服订单');
    refused(await h.api.del(`/api/customer-orders/${o.id}`, finance.token), 403, '只有超级管理员可以删除客服订单');
    refused(await h.api.del(`/api/customer-orders/${o.id}`, inspector.token), 403, '只有超级管理员可以删除客服订单');
    const del = await h.api.del(`/api/customer-orders/${o.id}`, h.admin);
    assert.equal(del.status, 200);
    assert.equal(del.body.message, '删除成功');
    refused(await h.api.del(`/api/customer-orders/${o.id}`, h.admin), 404, '订单不存在');
    const eligible = await createOrder(h, cs1.token, { is_fixed: 1 });
    const locked = await createOrder(h, cs1.token, { is_fixed: 1, fee: 10 });
    const settled = await createOrder(h, cs1.token, { is_fixed: 1, fee: 10 });
    assert.equal((await h.api.post('/api/customer-orders/lock', { order_ids: [locked.id, settled.id] }, finance.token)).status, 200);
    assert.equal((await h.api.put('/api/customer-orders/settlement-status', { order_id: settled.order_id, new_status: 'WriterSettled' }, finance.token)).status, 200);
    refused(await h.api.del(`/api/customer-orders/${locked.id}`, h.admin), 409, '已锁定的订单不允许删除');
    refused(await h.api.del(`/api/customer-orders/${settled.id}`, h.admin), 409, '只有未结算状态的订单可以删除');
    assert.equal((await h.api.del(`/api/customer-orders/${eligible.id}`, h.admin)).status, 200);
  });
});
