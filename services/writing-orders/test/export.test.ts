import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { addWriter, createOrder, db, staff } from './order-fixtures.js';
import { startWritingHarness, type WritingHarness } from './stack.js';

let h: WritingHarness;
let cs1: { id: number; token: string };
let cs2: { id: number; token: string };
let fin: { id: number; token: string };
let inspector: { id: number; token: string };
let w1: string;
let w2: string;
const o: Record<string, { id: number; order_id: string }> = {};
const FINANCE_ONLY = '您没有权限执行此操作，仅限超级管理员和财务角色';
const RANGE = 'start=2025-07-01&end=2025-07-31';

const commissionExport = (qs: string, token = fin.token) => h.api.get(`/api/customer-orders/export-commission-data?${qs}`, token);
const orderNumbers = (list: Array<{ order_id: string }>) => list.map((r) => r.order_id).sort();
const download = async (path: string, token: string) => {
  const res = await fetch(`${h.stack.gateway!.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};

/** Reads a workbook back with exceljs: sheet name → rows of cell values. */
async function readBack(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    sheets[ws.name] = [];
    ws.eachRow((row) => sheets[ws.name].push((row.values as unknown[]).slice(1)));
  });
  return sheets;
}

/** A Python with openpyxl on this machine, if any. */
function openpyxlPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(py, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

before(async () => {
  h = await startWritingHarness('co_export');
  [cs1, cs2, fin, inspector] = await Promise.all([
    staff(h, 'cs_x1', 'customer_service'),
    staff(h, 'cs_x2', 'customer_service'),
    staff(h, 'fin_x', 'finance'),
    staff(h, 'qi_x', 'quality_inspector'),
  ]);
  w1 = await addWriter(h, '孙写手', { name: '孙某', account: 'sun@alipay.example' });
  w2 = await addWriter(h, '周写手', { name: '周某', account: '13800000000' });
  const day = (d: number) => `2025-07-${String(d).padStart(2, '0')}`;
  o.locked = await createOrder(h, cs1.token, { date: day(1), is_fixed: 1, order_amount: 1000, fee: 300, writer_id: w1, dispatch_id: 'D-L' });
  o.self = await createOrder(h, cs1.token, { date: day(2), is_fixed: 1, order_amount: 200 });
  o.writerSettled = await createOrder(h, cs2.token, { date: day(3), is_fixed: 1, order_amount: 500, fee: 100, writer_id: w1, fee_2: 50, writer_id_2: w2 });
  o.all = await createOrder(h, cs2.token, { date: day(4), is_fixed: 1, order_amount: 100, fee: 20, writer_id: w2 });
  o.negative = await createOrder(h, cs1.token, { date: day(5), is_fixed: 1, order_amount: 10, fee: 60, writer_id: w2 });
  o.zero = await createOrder(h, cs1.token, { date: day(6), is_fixed: 1, order_amount: 100, fee: 100, writer_id: w1 });
  o.unfixed = await createOrder(h, cs2.token, { date: day(7), is_fixed: 0, order_amount: 999 });
  o.outside = await createOrder(h, cs1.token, { date: '2025-08-01', is_fixed: 1, order_amount: 100 });
  assert.equal((await h.api.post('/api/orders/recalculate-commission', {}, fin.token)).status, 200);
  const lock = await h.api.post('/api/customer-orders/lock', { order_ids: [o.locked.id, o.self.id, o.writerSettled.id, o.all.id] }, fin.token);
  assert.equal(lock.status, 200, JSON.stringify(lock.body));
  const settle = (order_id: string, new_status: string) => h.api.put('/api/customer-orders/settlement-status', { order_id, new_status }, fin.token);
  assert.equal((await settle(o.writerSettled.order_id, 'WriterSettled')).status, 200);
  assert.equal((await settle(o.all.order_id, 'AllSettled')).status, 200);
});
after(async () => h?.stop());

describe('commission export (八 6)', () => {
  test('rows with non-zero commission (negatives too), writer Alipay details, and the three summaries', async () => {
    const res = await commissionExport(RANGE);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const { orders, summary, customer_summary, writer_summary } = res.body.data;
    // zero commission (o.zero), unfixed (no commission) and out-of-range orders are left out
    assert.deepEqual(orderNumbers(orders), orderNumbers([o.locked, o.self, o.writerSettled, o.all, o.negative]));
    const locked = orders.find((r: { id: number }) => r.id === o.locked.id);
    assert.deepEqual(locked, {
      id: o.locked.id,
      order_id: o.locked.order_id,
      dispatch_id: 'D-L',
      date: '2025-07-01',
      customer_id: cs1.id,
      customer_service_name: 'cs_x1',
      customer_commission: '70.00',
      writer_id: w1,
      writer_name: '孙写手',
      fee: '300.00',
      writer_alipay_name: '孙某',
      writer_alipay_account: 'sun@alipay.example',
      writer_id_2: null,
      writer_name_2: null,
      fee_2: null,
      writer2_alipay_name: null,
      writer2_alipay_account: null,
      settlement_status: 'Locked',
    });
    assert.equal(orders.find((r: { id: number }) => r.id === o.negative.id).customer_commission, '-5.00');
    // 70 + 20 + 35 + 8 − 5
    assert.deepEqual(summary, { order_count: 5, customer_commission_total: '128.00', writer_fee_total: '530.00' });
    assert.deepEqual(customer_summary, [
      { customer_id: cs1.id, customer_service_name: 'cs_x1', order_count: 3, customer_commission_total: '85.00' },
      { customer_id: cs2.id, customer_service_name: 'cs_x2', order_count: 2, customer_commission_total: '43.00' },
    ].sort((a, b) => a.customer_id - b.customer_id));
    const byWriter = Object.fromEntries(writer_summary.map((w: { writer_id: string }) => [w.writer_id, w]));
    assert.deepEqual(byWriter[w1], { writer_id: w1, writer_name: '孙写手', writer_alipay_name: '孙某', writer_alipay_account: 'sun@alipay.example', order_count: 2, writer_fee_total: '400.00' });
    assert.deepEqual(byWriter[w2], { writer_id: w2, writer_name: '周写手', writer_alipay_name: '周某', writer_alipay_account: '13800000000', order_count: 3, writer_fee_total: '130.00' });
  });

  test('status filter and the double-export guard flags', async () => {
    const only = async (statuses: string) => orderNumbers((await commissionExport(`${RANGE}&settlement_status=${statuses}`)).body.data.orders);
    assert.deepEqual(await only('Locked'), [o.locked.order_id]);
    assert.deepEqual(await only('Locked,SelfLocked'), orderNumbers([o.locked, o.self]));
    assert.deepEqual(await only('WriterSettled'), [o.writerSettled.order_id]);
    assert.deepEqual(await only('AllSettled'), [o.all.order_id]);
    // settling sets the flags; a flagged order drops out of the export that would pay it twice
    await db(h).query('UPDATE customer_orders SET writer_settlement_exported = 1 WHERE id = ?', { replacements: [o.locked.id] });
    await db(h).query('UPDATE customer_orders SET customer_settlement_exported = 1 WHERE id = ?', { replacements: [o.self.id] });
    assert.deepEqual(await only('Locked,SelfLocked'), []);
    await h.api.put('/api/customer-orders/settlement-status', { order_id: o.writerSettled.order_id, new_status: 'AllSettled' }, fin.token);
    assert.deepEqual(await only('WriterSettled'), []);
    assert.deepEqual(await only('AllSettled'), orderNumbers([o.writerSettled, o.all]));
    await db(h).query('UPDATE customer_orders SET writer_settlement_exported = 0, customer_settlement_exported = 0 WHERE id IN (?)', { replacements: [[o.locked.id, o.self.id]] });
  });

  test('refusals', async () => {
    const cs = await commissionExport(RANGE, cs1.token);
    assert.equal(cs.status, 403);
    assert.equal(cs.body.message, FINANCE_ONLY);
    const missing = await commissionExport('end=2025-07-31');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, '请提供开始日期（YYYY-MM-DD）');
    assert.equal((await commissionExport(`${RANGE}&settlement_status=Paid`)).status, 400);
  });

  test('format=xlsx streams a workbook that exceljs and openpyxl read back', async (t) => {
    const { res, bytes } = await download(`/api/customer-orders/export-commission-data?${RANGE}&format=xlsx`, fin.token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sheets = await readBack(bytes);
    assert.deepEqual(Object.keys(sheets), ['佣金明细', '汇总', '客服汇总', '写手汇总']);
    assert.equal(sheets['佣金明细'][0][1], '订单编号');
    assert.equal(sheets['佣金明细'].length, 1 + 5);
    const lockedRow = sheets['佣金明细'].find((r) => r[1] === o.locked.order_id)!;
    assert.equal(lockedRow[6], 70);
    assert.equal(lockedRow[11], 'sun@alipay.example');
    assert.deepEqual(sheets['汇总'][1], [5, 128, 530]);
    assert.equal(sheets['客服汇总'].length, 3);
    assert.equal(sheets['写手汇总'].length, 3);
    const py = openpyxlPython();
    if (!py) {
      t.diagnostic('openpyxl is not installed on this machine: the workbook was read back with exceljs only');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    try {
      const file = join(dir, 'c.xlsx');
      writeFileSync(file, bytes);
      const script = 'import openpyxl,sys,json\nwb=openpyxl.load_workbook(sys.argv[1],read_only=True)\nprint(json.dumps({ws.title:[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets},ensure_ascii=False,default=str))';
      const out = spawnSync(py, ['-c', script, file], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const read = JSON.parse(out.stdout) as Record<string, unknown[][]>;
      assert.deepEqual(Object.keys(read), ['佣金明细', '汇总', '客服汇总', '写手汇总']);
      assert.equal(read['佣金明细'].length, 6);
      assert.deepEqual(read['汇总'][1], [5, 128, 530]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an export the client walks away from', () => {
  test('the service gives the database connection back: eleven abandoned exports, then a full one', async () => {
    await db(h).query(
      `INSERT INTO customer_orders (order_id, date, is_fixed, fee, customer_id, writer_id, order_amount, customer_commission, settlement_status, new_customer, is_locked,
                                    writer_settlement_exported, customer_settlement_exported, created_by, created_at, updated_at)
       SELECT CONCAT('BULK-', seq), '2026-01-15', 1, 10, ?, ?, 100, 9, 'Eligible', 0, 0, 0, 0, ?, NOW(), NOW() FROM seq_1_to_10000`,
      { replacements: [cs1.id, w1, cs1.id] },
    );
    // straight to the service: what the gateway does with a client that left is its own business
    const url = `${h.stack.services['writing-orders'].url}/api/customer-orders/export-commission-data?start=2026-01-01&end=2026-01-31&format=xlsx`;
    // more than the pool's ten connections: a leaked one per abandoned export would exhaust it
    for (let i = 0; i < 11; i++) {
      // node:http, so that leaving really closes the socket (fetch's abort may keep it open)
      await new Promise<void>((resolve, reject) => {
        const req = request(url, { headers: { authorization: `Bearer ${fin.token}` } }, (res) => {
          assert.equal(res.statusCode, 200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
        req.end();
      });
    }
    const { res, bytes } = await download('/api/customer-orders/export-commission-data?start=2026-01-01&end=2026-01-31&format=xlsx', fin.token);
    assert.equal(res.status, 200);
    const sheets = await readBack(bytes);
    assert.equal(sheets['佣金明细'].length, 1 + 10000);
    assert.deepEqual(sheets['汇总'][1], [10000, 90000, 100000]);
  });
});

describe('customer-order export (/customer-orders/export)', () => {
  test('finance sees every order in range, with is_settled', async () => {
    const res = await h.api.get(`/api/customer-orders/export?${RANGE}`, fin.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const orders = res.body.data.orders;
    assert.deepEqual(orderNumbers(orders), orderNumbers([o.locked, o.self, o.writerSettled, o.all, o.negative, o.zero, o.unfixed]));
    const zero = orders.find((r: { id: number }) => r.id === o.zero.id);
    assert.equal(zero.customer_commission, '0.00');
    assert.equal(zero.is_settled, false);
    const locked = orders.find((r: { id: number }) => r.id === o.locked.id);
    assert.equal(locked.is_settled, true);
    assert.equal(locked.order_amount, '1000.00');
    for (const k of ['id', 'order_id', 'dispatch_id', 'date', 'customer_id', 'customer_service_name', 'writer_id', 'writer_name', 'writer_id_2', 'writer_name_2', 'order_amount', 'refund_amount', 'fee', 'fee_2', 'fee_per_1000', 'customer_commission', 'settlement_status', 'is_settled']) {
      assert.ok(k in locked, k);
    }
    const filtered = await h.api.get(`/api/customer-orders/export?${RANGE}&settlement_status=Pending`, fin.token);
    assert.deepEqual(orderNumbers(filtered.body.data.orders), [o.unfixed.order_id]);
  });

  test('customer service export only what they entered; other roles are refused', async () => {
    const mine = await h.api.get(`/api/customer-orders/export?${RANGE}`, cs2.token);
    assert.equal(mine.status, 200);
    assert.deepEqual(orderNumbers(mine.body.data.orders), orderNumbers([o.writerSettled, o.all, o.unfixed]));
    const qi = await h.api.get(`/api/customer-orders/export?${RANGE}`, inspector.token);
    assert.equal(qi.status, 403);
    assert.equal(qi.body.message, '您没有权限执行此操作');
    assert.equal((await h.api.get('/api/customer-orders/export?start=2025-07-01', fin.token)).status, 400);
  });

  test('format=xlsx', async () => {
    const { res, bytes } = await download(`/api/customer-orders/export?${RANGE}&format=xlsx`, cs1.token);
    assert.equal(res.status, 200);
    const sheets = await readBack(bytes);
    assert.deepEqual(Object.keys(sheets), ['客服订单']);
    assert.equal(sheets['客服订单'].length, 1 + 4);
    assert.ok(sheets['客服订单'].slice(1).every((r) => r[5] === 'cs_x1'));
  });
});
