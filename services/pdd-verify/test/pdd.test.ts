import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope } from '@backoffice/contracts';
import { NatsBus, type RunningService } from '@backoffice/kit';
import { apiClient, eventually } from '@backoffice/kit/testing';
import ExcelJS from 'exceljs';
import { QueryTypes, type Sequelize } from 'sequelize';
import { PddApiError } from '../src/platform/errors.js';
import { ENCRYPTION_KEY, startPddHarness, type PddHarness } from './stack.js';

let h: PddHarness;
let db: Sequelize;
let events: EventEnvelope<any>[];
let listener: NatsBus;
let operator: string;

const rows = <T = any>(sql: string, replacements: unknown[] = []) => db.query<T>(sql, { replacements, type: QueryTypes.SELECT });
const sync = async (base?: RunningService) => {
  const client = base ? apiClient(base.url) : h.api;
  const res = await client.post('/api/pdd/sync', undefined, h.admin);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
};
const goods = async (id: number, body: Record<string, unknown> = {}) => {
  const res = await h.api.put(`/api/pdd/goods/${id}`, { goods_name: `测试商品${id}`, verify_rule: 'manual', ...body }, operator);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
};
const csv = (lines: string[], name = 'codes.csv') => {
  const form = new FormData();
  form.append('file', new Blob([lines.join('\n')], { type: 'text/csv' }), name);
  return form;
};
const importCodes = async (id: number, body: FormData) => h.api.call('POST', `/api/pdd/goods/${id}/codes/import`, { token: operator, body });
const stockCodes = async (id: number, n: number, from = 0) => {
  const res = await importCodes(id, csv(Array.from({ length: n }, (_, i) => `G${id}-CODE-${String(from + i).padStart(4, '0')}`)));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.data.imported, n);
};
/** Paid orders on the platform, updated a few minutes ago (older than the sync lag). */
const paidOrders = async (goodsId: number, n: number, extra: Record<string, unknown> = {}) => {
  const res = await h.platform('POST', '/orders', { orders: Array.from({ length: n }, () => ({ goods_id: goodsId, goods_name: `测试商品${goodsId}`, updated_offset_seconds: -240, ...extra })) });
  return res.orders.map((o: { order_sn: string }) => o.order_sn) as string[];
};
const platformOrder = (sn: string) => h.platform('GET', `/orders/${sn}`);
const orderRow = async (sn: string) => (await rows('SELECT * FROM pdd_orders WHERE order_sn = ?', [sn]))[0];
const mailsAbout = (text: string) => h.mail.mails.filter((m) => m.subject.includes(text));

before(async () => {
  h = await startPddHarness('pdd');
  db = h.pdd.sequelize;
  events = [];
  listener = await NatsBus.connect(h.busUrl);
  await listener.subscribe({
    group: 'pdd-test-listener',
    types: ['pdd.order.delivered.v1', 'pdd.order.verified.v1', 'pdd.verification.failed.v1'],
    handler: async (e) => void events.push(e),
  });
  operator = (await h.user('pddop', 'pdd_operator')).token;
});
after(async () => {
  await listener?.close();
  await h?.stop();
});

describe('platform client', () => {
  test('signs as the platform checks (a wrong secret is refused with 20004) and renews an expired token with the refresh token', async () => {
    const wrong = await h.engine({ PDD_APP_SECRET: 'not-the-secret-0123456789' });
    await assert.rejects(wrong.monitor.pull(), (err: unknown) => err instanceof PddApiError && err.code === 20004);
    await wrong.stop();

    await h.platform('POST', '/tokens/expire', {});
    const report = await sync();
    assert.ok(!('error' in report.monitor), JSON.stringify(report.monitor));
    const calls = (await h.platform('GET', '/calls')).calls as Array<{ type: string; outcome: string; error_code?: number }>;
    assert.ok(calls.some((c) => c.type === 'pdd.pop.auth.token.refresh' && c.outcome === 'ok'), 'refreshed');
    assert.ok(calls.some((c) => c.error_code === 10019), 'the expired token was refused first');
    const [stored] = await rows<{ access_token_encrypted: string }>("SELECT access_token_encrypted FROM platform_tokens WHERE platform = 'pdd'");
    assert.match(stored.access_token_encrypted, /^v1\./, 'kept encrypted');
    const status = await h.api.get('/api/pdd/status', operator);
    assert.ok(status.body.data.token_expires_at, 'expiry known after a refresh');
    assert.equal(status.body.data.platform_breaker, 'closed');
  });

  test('throttling (52101) is retried next cycle and is not reported as an outage', async () => {
    await h.platform('POST', '/limits', { api: 'pdd.order.number.list.increment.get', per_minute: 1 });
    await sync();
    const throttled = await sync();
    assert.match(throttled.monitor.error, /调用过于频繁/);
    await h.platform('POST', '/limits', { api: 'pdd.order.number.list.increment.get' });
    assert.ok(!('error' in (await sync()).monitor));
    const [outages] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM alerts WHERE kind = 'platform_outage'");
    assert.equal(Number(outages.n), 0);
  });
});

describe('goods and card stock', () => {
  test('codes import from csv and xlsx; duplicates in the file and against stock are refused and reported; stored encrypted, listed masked', async () => {
    await goods(2001, { low_stock_threshold: 2 });
    const first = await importCodes(2001, csv(['卡密', 'AAAA-1111-0001', 'AAAA-1111-0002', 'AAAA-1111-0001', 'x', 'AAAA-1111-0003']));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.message, '导入完成：成功 3 条，重复 1 条，无效 1 条');
    assert.deepEqual(first.body.data.duplicate_rows, [{ row: 4, code_masked: 'AAA********001', reason: '文件内重复' }]);
    assert.deepEqual(first.body.data.invalid_rows, [{ row: 5, reason: '卡密应为4-128个字符且不含空白' }]);

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('卡密');
    sheet.addRow(['兑换码']);
    for (const code of ['AAAA-1111-0002', 'BBBB-2222-0001', 'BBBB-2222-0002']) sheet.addRow([code]);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer)]), 'codes.xlsx');
    const second = await importCodes(2001, form);
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.data.imported, 2);
    assert.deepEqual(second.body.data.duplicate_rows, [{ row: 2, code_masked: 'AAA********002', reason: '卡密已存在' }]);
    assert.equal(second.body.data.stock.available, 5);

    const stored = await rows<Record<string, string>>('SELECT * FROM card_codes WHERE goods_id = ?', ['2001']);
    assert.equal(stored.length, 5);
    assert.ok(!JSON.stringify(stored).includes('AAAA-1111'), 'no clear code at rest');
    const list = await h.api.get('/api/pdd/goods/2001/codes?page=1&page_size=2', operator);
    assert.equal(list.body.data.total, 5);
    assert.deepEqual(list.body.data.list.map((c: { code: string }) => c.code), ['AAA********001', 'AAA********002']);

    const bad = await importCodes(2001, (() => {
      const f = new FormData();
      f.append('file', new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52])]), 'codes.png');
      return f;
    })());
    assert.equal(bad.status, 415);
    assert.equal(bad.body.message, '仅支持 xlsx 或 csv 文件');
    const unknown = await importCodes(9999, csv(['ZZZZ-0000']));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, '商品不存在，请先设置商品');
  });

  test('goods settings are validated and need pdd.manage', async () => {
    const bad = await h.api.put('/api/pdd/goods/2001', { goods_name: '延迟', verify_rule: 'after_delay' }, operator);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, '延迟核销需要填写大于0的 verify_delay_minutes');
    const desk = await h.user('desk1', 'front_desk');
    assert.equal((await h.api.put('/api/pdd/goods/2001', { goods_name: 'x' }, desk.token)).status, 403);
    assert.equal((await h.api.get('/api/pdd/orders', desk.token)).status, 403);
    assert.equal((await h.api.get('/api/pdd/orders')).status, 401);
  });

  test('every route is documented in the gateway\'s OpenAPI with its permission', async () => {
    const doc = (await h.api.get('/openapi.json')).body;
    for (const path of ['/api/pdd/verify', '/api/pdd/verify/batch', '/api/pdd/orders', '/api/pdd/verification-records', '/api/pdd/goods/{goods_id}/codes/import']) {
      assert.ok(doc.paths[path], `${path} documented`);
    }
    assert.match(JSON.stringify(doc.paths['/api/pdd/verify'].post), /pdd\.verify/);
  });
});

describe('monitor and delivery', () => {
  test('a paid order is pulled, its code sent through the platform, recorded, published and (on_delivery) verified', async () => {
    await goods(2002, { verify_rule: 'on_delivery' });
    await stockCodes(2002, 3);
    const [sn] = await paidOrders(2002, 1);
    const report = await sync();
    assert.ok(report.monitor.new >= 1, JSON.stringify(report));
    const order = await orderRow(sn);
    assert.equal(order.status, 'verified');
    const [card] = await rows<{ id: number; status: string }>('SELECT id, status FROM card_codes WHERE order_sn = ?', [sn]);
    assert.equal(card.status, 'delivered');
    const onPlatform = await platformOrder(sn);
    assert.equal(onPlatform.shipment.vouchers[0].voucher_id, String(card.id));
    assert.match(onPlatform.shipment.vouchers[0].voucher_no, /^G2002-CODE-000\d$/);
    assert.equal(onPlatform.order_status, 3, 'verified on the platform');
    await eventually(() => events.some((e) => e.type === 'pdd.order.verified.v1' && e.subject === sn), 10_000, 'verified event');
    const delivered = events.find((e) => e.type === 'pdd.order.delivered.v1' && e.subject === sn)!;
    assert.equal(delivered.data.card_code_id, card.id);
    assert.match(delivered.data.code_masked, /^G20\*+\d{3}$/);

    const list = await h.api.get(`/api/pdd/orders?goods_id=2002&status=verified&page=1&page_size=10`, operator);
    assert.equal(list.body.data.total, 1);
    assert.equal(list.body.data.list[0].order_sn, sn);
    assert.equal(list.body.data.list[0].pay_amount, '9.90');
    const records = await h.api.get(`/api/pdd/verification-records?order_sn=${sn}`, operator);
    assert.equal(records.body.data.list[0].status, 'success');
    assert.equal(records.body.data.list[0].mode, 'auto');
  });

  test('the cursor survives a restart: orders indexed late are caught by the overlap, none twice', async () => {
    await goods(2003);
    await stockCodes(2003, 10);
    const first = await h.replica();
    const early = await paidOrders(2003, 2, { updated_offset_seconds: -200 });
    // updated before the cursor will be, but indexed by the platform only after the pull
    const late = await paidOrders(2003, 1, { updated_offset_seconds: -90, visible_after_seconds: 3 });
    const visibleAt = Date.now() + 3000;
    await sync(first);
    const cursorBefore = Number((await rows<{ position: number }>("SELECT position FROM sync_cursors WHERE name = 'orders'"))[0].position);
    assert.equal(await orderRow(late[0]), undefined, 'not listed yet');
    assert.ok((await platformOrder(late[0])).updated_at < cursorBefore);
    await first.stop();
    // while we were down: new orders, and the late one becomes visible
    const fresh = await paidOrders(2003, 2, { updated_offset_seconds: -70 });
    await new Promise((r) => setTimeout(r, Math.max(0, visibleAt - Date.now()) + 100));
    const second = await h.replica();
    const report = await sync(second);
    await sync(second);
    for (const sn of [...early, ...late, ...fresh]) {
      const order = await orderRow(sn);
      assert.equal(order?.status, 'delivered', `${sn} delivered`);
      assert.equal((await platformOrder(sn)).shipment.sends, 1, `${sn} sent once`);
    }
    const [dupes] = await rows<{ n: number }>('SELECT COUNT(*) - COUNT(DISTINCT order_sn) AS n FROM pdd_orders');
    assert.equal(Number(dupes.n), 0);
    assert.ok(report.monitor.cursor > cursorBefore);
  });

  test('two replicas racing over the same orders deliver every order exactly once', async () => {
    await goods(2004);
    await stockCodes(2004, 30);
    const sns = await paidOrders(2004, 24);
    const other = await h.replica();
    await Promise.all([sync(), sync(other), sync(other), sync()]);
    await sync();
    const delivered = await rows<{ order_sn: string; card_code_id: number }>("SELECT order_sn, card_code_id FROM pdd_orders WHERE goods_id = '2004' AND status = 'delivered'");
    assert.equal(delivered.length, 24);
    assert.equal(new Set(delivered.map((d) => d.card_code_id)).size, 24);
    const sent = await Promise.all(sns.map(platformOrder));
    assert.ok(sent.every((o) => o.shipment?.sends === 1), 'one send per order');
    assert.equal(new Set(sent.map((o) => o.shipment.vouchers[0].voucher_no)).size, 24);
  });

  test('scheduled: two replicas ticking every 5 s take turns through the cluster-wide lock', async () => {
    await goods(2010);
    await stockCodes(2010, 6);
    const sns = await paidOrders(2010, 5);
    const a = await h.replica({ ORDER_CHECK_INTERVAL: '5' });
    const b = await h.replica({ ORDER_CHECK_INTERVAL: '5' });
    try {
      const skipped = async () => /scheduled_job_runs_total\{job="pdd.cycle",outcome="skipped_locked"\} [1-9]/.test(await (await fetch(`${h.pdd.url}/metrics`)).text());
      // both replicas tick at the same instants; per tick one runs, the other finds the lock taken
      await eventually(async () => (await rows("SELECT order_sn FROM pdd_orders WHERE goods_id = '2010' AND status = 'delivered'")).length === 5 && (await skipped()), 20_000, 'scheduled delivery');
    } finally {
      await a.stop();
      await b.stop();
    }
    const ticks = await rows<{ tick: string }>("SELECT tick FROM job_locks WHERE job = 'pdd.cycle'");
    assert.ok(ticks.length >= 1);
    assert.ok(ticks.every((t) => new Date(t.tick).getTime() % 5000 === 0), 'claimed per scheduled 5-second tick');
    assert.ok((await Promise.all(sns.map(platformOrder))).every((o) => o.shipment.sends === 1));
  });

  test('50 concurrent deliveries against a stock of 40: 40 delivered, 10 wait, no code twice; stock alerts mailed', async () => {
    await goods(2005, { low_stock_threshold: 5 });
    await stockCodes(2005, 40);
    const sns = await paidOrders(2005, 50);
    await sync(); // pulls and delivers
    await h.api.put('/api/pdd/goods/2005', { goods_name: '测试商品2005', low_stock_threshold: 5 }, operator);
    // and once more, everyone at once: the test's own worker, the service and a replica
    const worker = await h.engine();
    const other = await h.replica();
    await Promise.all([...sns.map((sn) => worker.delivery.deliver(sn)), sync(), sync(other)]);
    const byStatus = await rows<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM pdd_orders WHERE goods_id = '2005' GROUP BY status");
    assert.deepEqual(Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])), { delivered: 40, waiting_stock: 10 });
    const codes = await rows<{ order_sn: string | null; status: string }>("SELECT order_sn, status FROM card_codes WHERE goods_id = '2005'");
    assert.ok(codes.every((c) => c.status === 'delivered' && c.order_sn));
    assert.equal(new Set(codes.map((c) => c.order_sn)).size, 40);
    const vouchers = (await Promise.all(sns.map(platformOrder))).filter((o) => o.shipment).map((o) => o.shipment.vouchers[0].voucher_no);
    assert.equal(vouchers.length, 40);
    assert.equal(new Set(vouchers).size, 40, 'no code given twice');
    await eventually(() => mailsAbout('卡密库存不足').length === 1 && mailsAbout('卡密库存偏低：测试商品2005').length === 1, 5000, 'stock mails');
    const outOfStock = mailsAbout('卡密库存不足')[0];
    assert.match(outOfStock.text, /无可用卡密，等待补货/);
    assert.deepEqual(outOfStock.to, ['ops@shop.test']);

    // restocking lets the waiting orders go
    await stockCodes(2005, 10, 40);
    await sync();
    const [left] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM pdd_orders WHERE goods_id = '2005' AND status <> 'delivered'");
    assert.equal(Number(left.n), 0);
    assert.equal(mailsAbout('卡密库存不足').length, 1, 'still one mail for the shortage');
  });

  test('a crash between claim and send resumes with the same code; a lost answer after the send is repeated safely', async () => {
    await goods(2006);
    await stockCodes(2006, 5);
    const [crashed, lost] = await paidOrders(2006, 2);
    await h.platform('POST', '/faults', { kind: 'error', api: 'pdd.voucher.voucher.info.send', count: 2, error_code: 50001, error_msg: '系统繁忙' });
    await sync(); // pulls both; the sends are refused for now, the claims stay
    const worker = await h.engine({ DELIVERY_LEASE_SECONDS: '0' });
    await db.query("UPDATE pdd_orders SET status = 'pending', card_code_id = NULL, lease_until = NULL WHERE order_sn = ?", { replacements: [crashed] });
    await db.query("UPDATE card_codes SET status = 'available', order_sn = NULL WHERE order_sn = ?", { replacements: [crashed] });
    const claim = await worker.delivery.claim(crashed);
    assert.equal(claim.kind, 'claimed');
    const claimedId = claim.kind === 'claimed' ? claim.card.id : 0;
    await worker.stop(); // the worker dies before sending

    await h.platform('POST', '/faults', { kind: 'drop_after', api: 'pdd.voucher.voucher.info.send', count: 1 });
    await db.query('UPDATE pdd_orders SET lease_until = NULL WHERE order_sn = ?', { replacements: [lost] });
    await sync(); // one of the two sends has its answer lost
    await sync(); // and is repeated: the platform knows out_biz_no
    const resumed = await orderRow(crashed);
    assert.equal(resumed.status, 'delivered');
    assert.equal(resumed.card_code_id, claimedId, 'the claimed code, not a second one');
    const bound = await rows<{ id: number }>('SELECT id FROM card_codes WHERE order_sn IN (?, ?)', [crashed, lost]);
    assert.equal(bound.length, 2, 'one code per order');
    assert.equal((await platformOrder(crashed)).shipment.vouchers[0].voucher_id, String(claimedId));
    assert.equal((await orderRow(lost)).status, 'delivered');
    const lostOnPlatform = await platformOrder(lost);
    assert.ok(lostOnPlatform.shipment.sends >= 1);
    assert.equal(lostOnPlatform.shipment.vouchers[0].voucher_id, String((await orderRow(lost)).card_code_id));
  });
});

describe('refused delivery', () => {
  test('an order refunded before delivery is refused by the platform: delivery_failed, the code back in stock, one mail', async () => {
    await goods(2011);
    await stockCodes(2011, 1);
    const [sn] = await paidOrders(2011, 1);
    await h.platform('PATCH', `/orders/${sn}`, { refund_status: 4, order_status: 1 });
    // the pull lists only orders without after-sale; this one was stored before the refund
    await db.query(
      "INSERT INTO pdd_orders (order_sn, goods_id, goods_name, goods_count, pay_amount, platform_status, platform_updated_at, status, delivery_attempts, verify_attempts, created_at, updated_at) VALUES (?, '2011', '测试商品2011', 1, 9.90, 1, 0, 'pending', 0, 0, ?, ?)",
      { replacements: [sn, new Date(), new Date()] },
    );
    await sync();
    const order = await orderRow(sn);
    assert.equal(order.status, 'delivery_failed');
    assert.equal(order.last_error, '订单售后中或已退款，不能发货');
    const [code] = await rows<{ status: string; order_sn: string | null }>("SELECT status, order_sn FROM card_codes WHERE goods_id = '2011'");
    assert.deepEqual([code.status, code.order_sn], ['available', null]);
    await eventually(() => mailsAbout('订单发货失败').length === 1, 5000, 'delivery failure mail');
    assert.match(mailsAbout('订单发货失败')[0].text, new RegExp(`订单 ${sn}.*发货被平台拒绝：订单售后中或已退款，不能发货`));

    // the after-sale is closed: staff send it again
    await h.platform('PATCH', `/orders/${sn}`, { refund_status: 1 });
    const retry = await h.api.post(`/api/pdd/orders/${sn}/retry`, undefined, operator);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.message, '已重新加入发货队列');
    await sync();
    assert.equal((await orderRow(sn)).status, 'delivered');
    const again = await h.api.post(`/api/pdd/orders/${sn}/retry`, undefined, operator);
    assert.equal(again.status, 422);
    assert.equal(again.body.message, '只有发货失败或核销失败的订单可以重试');
  });
});

describe('verification', () => {
  let sns: string[];
  const codeOf = async (sn: string) => (await platformOrder(sn)).shipment.vouchers[0].voucher_no as string;

  before(async () => {
    await goods(2007);
    await stockCodes(2007, 6);
    sns = await paidOrders(2007, 5);
    await sync();
  });

  test('manual: the code must be the one delivered; verified once; a repeat is refused', async () => {
    const [sn] = sns;
    const wrong = await h.api.post('/api/pdd/verify', { order_sn: sn, verification_code: 'G2007-CODE-9999' }, operator);
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.message, '核销码不正确');
    const missing = await h.api.post('/api/pdd/verify', { order_sn: sn }, operator);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, '请填写核销码');
    const none = await h.api.post('/api/pdd/verify', { order_sn: 'NO-SUCH', verification_code: 'X1234' }, operator);
    assert.equal(none.status, 404);
    assert.equal(none.body.message, '订单不存在');
    const okRes = await h.api.post('/api/pdd/verify', { order_sn: sn, verification_code: await codeOf(sn) }, operator);
    assert.equal(okRes.status, 200, JSON.stringify(okRes.body));
    assert.equal(okRes.body.message, '核销成功');
    assert.equal((await orderRow(sn)).status, 'verified');
    const again = await h.api.post('/api/pdd/verify', { order_sn: sn, verification_code: await codeOf(sn) }, operator);
    assert.equal(again.status, 409);
    assert.equal(again.body.message, '该订单已核销，不能重复核销');
    const record = (await h.api.get(`/api/pdd/verification-records?order_sn=${sn}&mode=manual`, operator)).body.data.list[0];
    assert.equal(record.status, 'success');
    assert.equal(record.verification_code, (await codeOf(sn)).replace(/^(.{3}).*(.{3})$/, (_m, a, b) => `${a}*********${b}`));
  });

  test('batch: each item gets its own result; one failure does not stop the rest', async () => {
    const [, a, b] = sns;
    const res = await h.api.post(
      '/api/pdd/verify/batch',
      {
        items: [
          { order_sn: a, verification_code: await codeOf(a) },
          { order_sn: b, verification_code: 'WRONG-CODE' },
          { order_sn: 'NO-SUCH-ORDER', verification_code: 'X1234' },
          { order_sn: sns[0], verification_code: await codeOf(sns[0]) },
        ],
      },
      operator,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.succeeded, 1);
    assert.deepEqual(
      res.body.data.results.map((r: { order_sn: string; success: boolean; message: string }) => [r.order_sn, r.success, r.message]),
      [
        [a, true, '核销成功'],
        [b, false, '核销码不正确'],
        ['NO-SUCH-ORDER', false, '订单不存在'],
        [sns[0], false, '该订单已核销，不能重复核销'],
      ],
    );
    const tooMany = await h.api.post('/api/pdd/verify/batch', { items: [] }, operator);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.message, '核销列表不能为空');
  });

  test('manual verification while the platform is down is accepted (202) and retried in the background', async () => {
    const sn = sns[3];
    await h.platform('POST', '/faults', { kind: '5xx', api: 'pdd.voucher.virtual.card.verification', count: 1, status: 502 });
    const res = await h.api.post('/api/pdd/verify', { order_sn: sn, verification_code: await codeOf(sn) }, operator);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.message, '平台暂时不可用，已安排自动重试');
    await sync();
    const order = await orderRow(sn);
    assert.equal(order.status, 'verified');
    assert.equal(order.verify_attempts, 2);
  });

  test('automatic: retried with backoff up to MAX_RETRY_TIMES, then failed with the reason, an event and one alert mail', async () => {
    await goods(2008, { verify_rule: 'on_delivery' });
    await stockCodes(2008, 3);
    const [flaky, doomed] = await paidOrders(2008, 2);
    // the platform is busy for the first verification call of each of them, and stays busy for `doomed`
    await h.platform('POST', '/faults', { kind: 'error', api: 'pdd.voucher.virtual.card.verification', count: 2, error_code: 50000, error_msg: '系统繁忙，请稍后重试' });
    await sync();
    assert.equal((await orderRow(flaky)).verify_attempts, 1);
    assert.equal((await orderRow(doomed)).status, 'delivered');
    await h.platform('POST', '/faults', { kind: 'error', api: 'pdd.voucher.virtual.card.verification', count: 2, error_code: 50000, error_msg: '系统繁忙，请稍后重试' });
    await db.query("UPDATE pdd_orders SET next_verify_at = ? WHERE order_sn = ?", { replacements: [new Date(Date.now() + 3_600_000), flaky] });
    await sync(); // doomed: attempt 2
    await sync(); // doomed: attempt 3 → failed
    const failed = await orderRow(doomed);
    assert.equal(failed.status, 'verify_failed');
    assert.equal(failed.verify_attempts, 3);
    assert.equal(failed.last_error, '系统繁忙，请稍后重试');
    await db.query("UPDATE pdd_orders SET next_verify_at = ? WHERE order_sn = ?", { replacements: [new Date(), flaky] });
    await sync();
    const recovered = await orderRow(flaky);
    assert.equal(recovered.status, 'verified');
    assert.equal(recovered.verify_attempts, 2);

    const record = (await h.api.get(`/api/pdd/verification-records?order_sn=${doomed}`, operator)).body.data.list[0];
    assert.deepEqual([record.status, record.attempts, record.error_code, record.reason], ['failed', 3, '50000', '系统繁忙，请稍后重试']);
    const event = await eventually(() => events.find((e) => e.type === 'pdd.verification.failed.v1' && e.subject === doomed), 10_000, 'failed event');
    assert.deepEqual(event.data, { order_sn: doomed, goods_id: '2008', mode: 'auto', attempts: 3, error_code: '50000', reason: '系统繁忙，请稍后重试' });
    await eventually(() => mailsAbout('订单核销失败').length === 1, 5000, 'failure mail');
    assert.match(mailsAbout('订单核销失败')[0].text, new RegExp(`订单 ${doomed}.*已尝试 3 次：系统繁忙`));
    // staff may try again by hand once the platform is back
    const manual = await h.api.post('/api/pdd/verify', { order_sn: doomed, verification_code: await codeOf(doomed) }, operator);
    assert.equal(manual.status, 200);
    assert.equal((await orderRow(doomed)).status, 'verified');
  });
});

describe('alerts', () => {
  test('a platform outage sends one mail, not one per order; deliveries resume when it is back', async () => {
    await goods(2009);
    await stockCodes(2009, 20);
    const sns = await paidOrders(2009, 20);
    // earlier tests' alerts belong to a window that has passed
    await db.query('UPDATE alerts SET first_at = ?, bucket = bucket - 2', { replacements: [new Date(Date.now() - 3_600_000)] });
    const before = mailsAbout('拼多多接口不可用').length;
    await h.platform('POST', '/faults', { kind: '5xx', api: 'pdd.voucher.voucher.info.send', count: 1000, status: 503 });
    // a replica that has seen nothing else lately: its breaker counts only the outage
    const replica = await h.replica({ PDD_BREAKER_RESET_MS: '60000' });
    await sync(replica);
    await sync(replica);
    const status = await apiClient(replica.url).get('/api/pdd/status', operator);
    assert.equal(status.body.data.platform_breaker, 'open');
    const [outage] = await rows<{ occurrences: number; status: string }>("SELECT occurrences, status FROM alerts WHERE kind = 'platform_outage' ORDER BY id DESC");
    assert.ok(outage.occurrences >= 20, `grouped ${outage.occurrences}`);
    assert.equal(outage.status, 'sent');
    await eventually(() => mailsAbout('拼多多接口不可用').length === before + 1, 5000, 'outage mail');
    assert.equal(mailsAbout('拼多多接口不可用').length, before + 1, 'one mail for the outage');
    assert.match(mailsAbout('拼多多接口不可用').at(-1)!.text, /发生次数: \d+/);
    const metrics = await (await fetch(`${h.pdd.url}/metrics`)).text();
    assert.match(metrics, /http_client_calls_total\{upstream="pdd",outcome="rejected"\} [1-9]/, 'calls failed fast while the breaker was open');

    await h.platform('DELETE', '/faults');
    await new Promise((r) => setTimeout(r, 400)); // the service's own breaker lets a trial call through
    await sync();
    await sync();
    const [left] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM pdd_orders WHERE goods_id = '2009' AND status <> 'delivered'");
    assert.equal(Number(left.n), 0);
    assert.ok((await Promise.all(sns.map(platformOrder))).every((o) => o.shipment.sends === 1));
    assert.equal(mailsAbout('拼多多接口不可用').length, before + 1);
    const alerts = await h.api.get('/api/pdd/alerts?kind=platform_outage', operator);
    assert.equal(alerts.body.data.list[0].status, 'sent');
    const after = await (await fetch(`${h.pdd.url}/metrics`)).text();
    assert.match(after, /pdd_orders_delivered_total \d+/);
    assert.match(after, /pdd_platform_calls_total\{api="pdd.voucher.voucher.info.send",outcome="unavailable"\} \d+/);
    assert.match(after, /pdd_card_stock_available\{goods_id="2009"\} 0/);
  });
});
