import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { commissionFen, DEFAULT_RULE } from '../src/domain/commission.js';
import { formatFen } from '../src/domain/money.js';
import { addWriter, createOrder, outboxOf, rows, staff } from './order-fixtures.js';
import { startWritingHarness, type WritingHarness } from './stack.js';

let h: WritingHarness;
let cs: { id: number; token: string };
let fin: { id: number; token: string };
let inspector: { id: number; token: string };
let w1: string;
let w2: string;
const FINANCE_ONLY = '您没有权限执行此操作，仅限超级管理员和财务角色';
const refused = (res: { status: number; body: any }, status: number, message: string) => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.code, 1);
  assert.equal(res.body.message, message);
};

const upload = (name: string, data: Buffer | string, token: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) => {
  const form = new FormData();
  form.append('file', new Blob([data]), name);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return h.api.call('POST', '/api/orders/import', { token, body: form, headers });
};

const CSV = [
  '#支付宝交易记录明细查询',
  '#账号:[studio@example.com]',
  '订单编号,支付单号,买家实付金额,订单状态,订单创建时间,商家备注,卖家实退金额,手续费,确认收货时间,打款商家金额',
  '\tA-1001,P-1,500.00,交易成功,2025-06-01 10:00:00,加急,0,3.00,2025-06-05 10:00:00,497.00',
  'A-1002,P-2,200,等待付款,2025-06-02 11:00:00,,,,,',
  'A-1003,P-3,80.5,支付成功,2025-06-03 12:00:00,,30,0.48,,',
  'A-1004,P-4,,,2025-06-04 09:00:00,,,,,',
  ',P-5,10,交易成功,2025-06-04 09:00:00,,,,,',
  'A-1006,P-6,十块,交易成功,2025-06-04 09:00:00,,,,,',
  'A-1007,P-7,10,交易成功,2025-06-31 09:00:00,,,,,',
  'A-1002,P-2b,1,交易成功,2025-06-04 09:00:00,,,,,',
  '#-----------------------------------------账务明细列表结束------------------------------------',
].join('\n');

before(async () => {
  h = await startWritingHarness('co_paid', { ORDER_IMPORT_MAX_MB: '1' });
  [cs, fin, inspector] = await Promise.all([staff(h, 'cs_p', 'customer_service'), staff(h, 'fin_p', 'finance'), staff(h, 'qi_p', 'quality_inspector')]);
  w1 = await addWriter(h, '赵写手');
  w2 = await addWriter(h, '钱写手');
});
after(async () => h?.stop());

describe('bill import', () => {
  test('a CSV bill: good rows upserted, each bad row reported with its reason', async () => {
    const res = await upload('alipay.csv', CSV, fin.token, { channel: '支付宝' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body.data;
    assert.equal(r.file_type, 'csv');
    assert.equal(r.total_rows, 8);
    assert.equal(r.inserted, 4);
    assert.equal(r.rejected, 4);
    assert.equal(res.body.message, '导入完成：新增 4 条，更新 0 条，未变 0 条，拒绝 4 条');
    assert.deepEqual(r.rejections, [
      { row: 8, order_id: null, reason: '缺少订单编号' },
      { row: 9, order_id: 'A-1006', reason: '买家实付金额不是有效金额: 十块' },
      { row: 10, order_id: 'A-1007', reason: '订单创建时间不是有效时间: 2025-06-31 09:00:00' },
      { row: 11, order_id: 'A-1002', reason: '订单编号与第 5 行重复' },
    ]);
    const [a] = await rows<Record<string, any>>(h, 'SELECT * FROM orders WHERE order_id = ?', ['A-1001']);
    assert.equal(String(a.amount), '500.00');
    assert.equal(String(a.fee), '3.00');
    assert.equal(a.channel, '支付宝');
    assert.equal(a.merchant_remark, '加急');
    assert.equal(new Date(a.create_time).toISOString(), '2025-06-01T02:00:00.000Z');
  });

  test('the same file again changes nothing; a changed bill updates only that row', async () => {
    const before = await rows<{ order_id: string; updated_at: Date }>(h, 'SELECT order_id, updated_at FROM orders ORDER BY order_id');
    const again = await upload('alipay.csv', CSV, fin.token, { channel: '支付宝' });
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.data.inserted, again.body.data.updated, again.body.data.unchanged, again.body.data.rejected], [0, 0, 4, 4]);
    assert.deepEqual(await rows(h, 'SELECT order_id, updated_at FROM orders ORDER BY order_id'), before);
    const changed = await upload('alipay.csv', CSV.replace('A-1003,P-3,80.5,支付成功', 'A-1003,P-3,80.5,交易关闭'), fin.token, { channel: '支付宝' });
    assert.deepEqual([changed.body.data.inserted, changed.body.data.updated, changed.body.data.unchanged], [0, 1, 3]);
    const [c] = await rows<{ status: string }>(h, 'SELECT status FROM orders WHERE order_id = ?', ['A-1003']);
    assert.equal(c.status, '交易关闭');
    await upload('alipay.csv', CSV, fin.token, { channel: '支付宝' });
  });

  test('an xlsx bill (WeCom), read with the streaming reader', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('对外收款');
    ws.addRow(['企业微信对外收款明细']);
    ws.addRow(['订单号', '交易单号', '收款金额', '交易状态', '交易时间', '渠道', '服务费']);
    ws.addRow(['W-1', 'WX-1', 88.8, '支付成功', new Date(Date.UTC(2025, 5, 10, 9, 30, 0)), '企业微信', 0.53]);
    ws.addRow(['W-2', 'WX-2', '1,200.00', '', '2025-06-11 08:00', '企业微信', null]);
    ws.addRow(['W-3', 'WX-3', 'n/a', '支付成功', null, '企业微信', null]);
    const res = await upload('wecom.xlsx', Buffer.from(await wb.xlsx.writeBuffer()), fin.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.file_type, 'xlsx');
    assert.equal(res.body.data.inserted, 2);
    assert.deepEqual(res.body.data.rejections, [{ row: 5, order_id: 'W-3', reason: '买家实付金额不是有效金额: n/a' }]);
    const [w] = await rows<Record<string, any>>(h, 'SELECT * FROM orders WHERE order_id = ?', ['W-1']);
    assert.equal(String(w.amount), '88.80');
    assert.equal(String(w.fee), '0.53');
    assert.equal(new Date(w.create_time).toISOString(), '2025-06-10T01:30:00.000Z');
    const [w2row] = await rows<Record<string, any>>(h, 'SELECT amount, status FROM orders WHERE order_id = ?', ['W-2']);
    assert.equal(String(w2row.amount), '1200.00');
    assert.equal(w2row.status, null);
  });

  test('type from the bytes, size limit, missing file, permission, Idempotency-Key', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    refused(await upload('bill.csv', png, fin.token), 415, '只支持 .xlsx 或 .csv 格式的账单文件');
    refused(await upload('big.csv', `订单编号\n${'x'.repeat(1024 * 1024 + 10)}`, fin.token), 413, '账单文件不能超过 1MB');
    refused(await h.api.call('POST', '/api/orders/import', { token: fin.token, body: new FormData() }), 400, '请用 file 字段上传账单文件（.xlsx 或 .csv）');
    refused(await upload('x.csv', 'a,b\n1,2', fin.token), 400, '文件中没有找到表头（至少需要“订单编号”列）');
    refused(await upload('alipay.csv', CSV, cs.token), 403, FINANCE_ONLY);
    const csv = '订单编号,买家实付金额\nI-1,10\n';
    const first = await upload('i.csv', csv, fin.token, {}, { 'idempotency-key': 'import-i1' });
    const replay = await upload('i.csv', csv.replace('10', '99'), fin.token, {}, { 'idempotency-key': 'import-i1' });
    assert.equal(first.body.data.inserted, 1);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, first.body);
    const [i] = await rows<{ amount: unknown }>(h, 'SELECT amount FROM orders WHERE order_id = ?', ['I-1']);
    assert.equal(String(i.amount), '10.00');
  });
});

describe('paid orders (六 1–3)', () => {
  const ids = (res: { body: any }) => res.body.data.list.map((o: { order_id: string }) => o.order_id).sort();
  test('list with every filter; status 1 = contains 成功, 2 = does not or empty', async () => {
    const all = await h.api.get('/api/orders?pageSize=100', cs.token);
    assert.equal(all.status, 200);
    assert.equal(all.body.message, '获取成功');
    assert.equal(all.body.data.total, 7);
    assert.deepEqual(ids(await h.api.get('/api/orders?status=1&pageSize=100', cs.token)), ['A-1001', 'A-1003', 'W-1']);
    assert.deepEqual(ids(await h.api.get('/api/orders?status=2&pageSize=100', cs.token)), ['A-1002', 'A-1004', 'I-1', 'W-2']);
    assert.equal((await h.api.get('/api/orders?status=7&pageSize=100', cs.token)).body.data.total, 7);
    assert.deepEqual(ids(await h.api.get(`/api/orders?channel=${encodeURIComponent('企业微信')}`, cs.token)), ['W-1', 'W-2']);
    assert.deepEqual(ids(await h.api.get('/api/orders?order_id=A-1002', cs.token)), ['A-1002']);
    assert.deepEqual(ids(await h.api.get('/api/orders?payment_id=P-3', cs.token)), ['A-1003']);
    assert.deepEqual(ids(await h.api.get('/api/orders?startTime=2025-06-02&endTime=2025-06-03', cs.token)), ['A-1002', 'A-1003']);
    assert.deepEqual(ids(await h.api.get(`/api/orders?startTime=${encodeURIComponent('2025-06-10 09:30:00')}&endTime=2025-06-10`, cs.token)), ['W-1']);
    assert.equal((await h.api.get('/api/orders?startTime=yesterday', cs.token)).status, 400);
    const page = await h.api.get('/api/orders?page=2&pageSize=3', cs.token);
    assert.equal(page.body.data.list.length, 3);
    const a = (await h.api.get('/api/orders?order_id=A-1001', cs.token)).body.data.list[0];
    for (const k of ['order_id', 'payment_id', 'amount', 'status', 'create_time', 'merchant_remark', 'refund_amount', 'fee', 'channel', 'confirm_time', 'merchant_payment', 'created_at', 'updated_at', 'customer_id', 'customer_name', 'writer_id', 'writer_name', 'writer_id_2', 'writer_name_2']) {
      assert.ok(k in a, k);
    }
    assert.equal(a.merchant_payment, '497.00');
  });

  test('assign customer service and writers, with the seed messages', async () => {
    const res = await h.api.put('/api/orders/A-1002/customer', { customer_id: cs.id }, fin.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.message, 'success');
    assert.deepEqual(res.body.data, { order_id: 'A-1002', customer_id: cs.id, customer: 'cs_p' });
    refused(await h.api.put('/api/orders/NOPE/customer', { customer_id: cs.id }, fin.token), 404, '订单不存在');
    refused(await h.api.put('/api/orders/A-1002/customer', { customer_id: 987654 }, fin.token), 400, '指定的客服不存在');
    const wr = await h.api.put('/api/orders/A-1002/writer', { writer_id: w1, writer_id_2: w2 }, cs.token);
    assert.equal(wr.status, 200);
    assert.deepEqual(wr.body.data, { order_id: 'A-1002', writer_id: w1, writer_id_2: w2 });
    refused(await h.api.put('/api/orders/A-1002/writer', { writer_id: 'ghost' }, cs.token), 400, '指定的写手不存在');
    refused(await h.api.put('/api/orders/A-1002/writer', { writer_id_2: 'ghost' }, cs.token), 400, '指定的第二个写手不存在');
    refused(await h.api.put('/api/orders/NOPE/writer', { writer_id: w1 }, cs.token), 404, '订单不存在');
    refused(await h.api.put('/api/orders/A-1002/writer', { writer_id: w1 }, inspector.token), 403, '您没有权限执行此操作');
    const listed = (await h.api.get('/api/orders?order_id=A-1002', cs.token)).body.data.list[0];
    assert.equal(listed.customer_name, 'cs_p');
    assert.equal(listed.writer_name, '赵写手');
    assert.equal(listed.writer_name_2, '钱写手');
  });
});

describe('merge (六 4)', () => {
  test('fills what bills lack from customer orders, once', async () => {
    await createOrder(h, cs.token, { order_id: 'A-1001', is_fixed: 1, writer_id: w1, fee: 200, fee_2: 50, writer_id_2: w2, fee_per_1000: 30 });
    await createOrder(h, cs.token, { order_id: 'A-1003', is_fixed: 1, fee: 20 });
    await createOrder(h, cs.token, { order_id: 'W-1', is_fixed: 0 });
    const res = await h.api.post('/api/customer-orders/merge', {}, cs.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.message, '合并成功');
    assert.equal(res.body.data.total, 3);
    assert.deepEqual(res.body.data.merged_orders[0], { order_id: 'A-1001', customer_id: cs.id, writer_id: w1, writer_id_2: w2 });
    const [a] = await rows<Record<string, any>>(h, 'SELECT customer_id, writer_id, writer_id_2, writer_fee, writer_fee_2, fee_per_1000 FROM orders WHERE order_id = ?', ['A-1001']);
    assert.deepEqual([a.customer_id, a.writer_id, a.writer_id_2, String(a.writer_fee), String(a.writer_fee_2), String(a.fee_per_1000)], [cs.id, w1, w2, '200.00', '50.00', '30.00']);
    refused(await h.api.post('/api/customer-orders/merge', {}, cs.token), 400, '没有符合条件的订单需要合并');
  });
});

describe('commission (六 8)', () => {
  test('the rule is data: read the default, change it (new version), refusals', async () => {
    const rule = await h.api.get('/api/customer-orders/commission-rule', fin.token);
    assert.equal(rule.status, 200);
    assert.equal(rule.body.data.version, 0);
    assert.equal(rule.body.data.rate_percent, '10.00');
    refused(await h.api.get('/api/customer-orders/commission-rule', cs.token), 403, FINANCE_ONLY);
    refused(await h.api.put('/api/customer-orders/commission-rule', { rate_percent: '150' }, fin.token), 400, '佣金比例必须在 0 到 100 之间，最多两位小数');
    const changed = await h.api.put('/api/customer-orders/commission-rule', { rate_percent: '12.5', note: '2025 下半年' }, fin.token);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.data.version, 1);
    assert.equal(changed.body.data.rate_percent, '12.50');
  });

  test('full recalculation: fixed orders only, exact, negative kept, copied to bills, same result twice, one event per run', async () => {
    const neg = await createOrder(h, cs.token, { is_fixed: 1, order_amount: 100, refund_amount: 100, fee: '33.33' });
    // entered first, its bill imported afterwards: the bill's amount counts
    const late = await createOrder(h, cs.token, { order_id: 'L-1', is_fixed: 1, order_amount: 50 });
    assert.equal((await upload('late.csv', '订单编号,买家实付金额,手续费\nL-1,80,0.48\n', fin.token)).body.data.inserted, 1);
    const manual = await createOrder(h, cs.token, { is_fixed: 1, order_amount: '0.04' });
    const unfixed = await createOrder(h, cs.token, { is_fixed: 0, order_amount: 1000 });
    refused(await h.api.post('/api/orders/recalculate-commission', {}, cs.token), 403, FINANCE_ONLY);
    const first = await h.api.post('/api/orders/recalculate-commission', {}, fin.token);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const snapshot = await rows(h, 'SELECT id, customer_commission, commission_rule_version FROM customer_orders ORDER BY id');
    const second = await h.api.post('/api/orders/recalculate-commission', {}, fin.token);
    assert.deepEqual(await rows(h, 'SELECT id, customer_commission, commission_rule_version FROM customer_orders ORDER BY id'), snapshot);
    assert.deepEqual(second.body, first.body);
    const total = first.body.data.total;
    assert.equal(first.body.message, `全量重算完成，共处理 ${total} 个订单`);
    assert.equal(total, 5); // A-1001, A-1003, neg, manual, late
    const rule = { ...DEFAULT_RULE, rate_bp: 1250 };
    const expect = (i: Parameters<typeof commissionFen>[1]) => formatFen(commissionFen(rule, i));
    const byOrder = Object.fromEntries((first.body.data.sample as Array<{ order_id: string; commission: string }>).map((s) => [s.order_id, s.commission]));
    // A-1001: bill 500.00 − refund 0 − fee 3.00 − writers 250.00 = 247.00 → 30.875 → 30.88
    assert.equal(byOrder['A-1001'], expect({ amountFen: 50000, refundFen: 0, paymentFeeFen: 300, writerFeesFen: 25000 }));
    assert.equal(byOrder['A-1001'], '30.88');
    // A-1003: bill 80.50 − refund 30 − fee 0.48 − writer 20 = 30.02 → 3.7525 → 3.75
    assert.equal(byOrder['A-1003'], '3.75');
    assert.equal(byOrder[neg.order_id], '-4.17'); // (100 − 100 − 33.33) × 12.5 % = −4.16625
    assert.equal(byOrder[manual.order_id], '0.01'); // 0.04 × 12.5 % = 0.005 → 0.01
    assert.equal(byOrder[late.order_id], '9.94'); // (80 − 0.48) × 12.5 % = 9.94
    const [u] = await rows<{ customer_commission: unknown }>(h, 'SELECT customer_commission FROM customer_orders WHERE id = ?', [unfixed.id]);
    assert.equal(u.customer_commission, null);
    const bill = (await h.api.get('/api/orders?order_id=A-1001', fin.token)).body.data.list[0];
    assert.equal(bill.customer_commission, '30.88');
    const events = await outboxOf(h, 'writing.commission.recalculated.v1');
    assert.equal(events.length, 2);
    assert.deepEqual(JSON.parse(events[0].envelope).data, { rule_version: 1, rate_percent: '12.50', processed: 5, actor_user_id: fin.id });
  });
});
