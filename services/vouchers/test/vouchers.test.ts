import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, eventually, sleep } from '@backoffice/kit/testing';
import { startVouchersHarness, type VouchersHarness } from './stack.js';

let h: VouchersHarness;
let desk: { id: number; token: string };
let manager: { id: number; token: string };
let n = 0;
const phone = () => `1361000${String(1000 + ++n).padStart(4, '0')}`;

/** A fresh Meituan receipt (deal 610001 month card unless told). */
async function mtReceipt(fields: Record<string, unknown> = {}) {
  const [r] = await h.sandbox('meituan', 'POST', '/receipts', [{ receipt_code: `MTT${Date.now()}${++n}`, mobile: phone(), deal_id: 610001, ...fields }]);
  return r as { receipt_code: string; mobile: string };
}
async function dyCert(fields: Record<string, unknown> = {}) {
  const [c] = await h.sandbox('douyin', 'POST', '/certificates', [{ code: `DYT${Date.now()}${++n}`, buyer_phone: phone(), sku_id: '7100001', ...fields }]);
  return c as { code: string; buyer_phone: string };
}
const verify = (code: string, token = desk.token, extra: Record<string, unknown> = {}) => h.api.post('/api/v1/vouchers/verify', { voucher_code: code, ...extra }, token);

before(async () => {
  h = await startVouchersHarness('vouchers');
  desk = await h.user('desk1', 'front_desk');
  manager = await h.user('manager1', 'gym_manager');
  const auth = await h.api.post('/api/v1/meituan/auth', { auth_code: 'test-auth-code' }, manager.token);
  assert.equal(auth.status, 200, JSON.stringify(auth.body));
});

after(async () => {
  await h?.stop();
});

describe('platform configuration', () => {
  test('secrets are stored encrypted and never returned; tokens are kept in the database', async () => {
    const res = await h.api.get('/api/v1/platforms', manager.token);
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 2);
    assert.ok(!JSON.stringify(res.body).includes('mt-demo-app-secret'));
    assert.equal(res.body.data[0].has_app_secret, true);
    const [row] = await h.query<{ app_secret: string }>("SELECT app_secret FROM third_party_platforms WHERE platform_code = 'meituan'");
    assert.match(row.app_secret, /^v1\./);
    const tokens = await h.query('SELECT platform_id FROM platform_tokens');
    assert.equal(tokens.length, 1);
    assert.equal((await h.api.get('/api/v1/platforms', desk.token)).status, 403);
    const dyAuth = await h.api.post('/api/v1/douyin/auth', {}, manager.token);
    assert.equal(dyAuth.status, 200);
    assert.equal((await h.query('SELECT platform_id FROM platform_tokens')).length, 2);
  });

  test('a deal not mapped to a gym product is refused until the manager maps it', async () => {
    const [r] = await h.sandbox('meituan', 'POST', '/receipts', [{ receipt_code: `MTU${Date.now()}`, deal_id: 699999, deal_title: '新品团购', mobile: '13699990000' }]);
    const refused = await verify(r.receipt_code);
    assert.equal(refused.status, 422);
    assert.equal(refused.body.message, '该团购商品未关联门店产品，请先在平台配置中设置商品映射');
    assert.equal((await h.query('SELECT * FROM voucher_claims')).length, 0);
    const platforms = (await h.api.get('/api/v1/platforms', manager.token)).body.data;
    const meituan = platforms.find((p: { platform_code: string }) => p.platform_code === 'meituan');
    const put = await h.api.put(`/api/v1/platforms/${meituan.id}`, { config: { deals: { ...meituan.config.deals, '699999': 4 } } }, manager.token);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data.config.deals['699999'], 4);
    assert.equal(put.body.data.config.shop_id, 'mt-demo-shop');
    const ok = await verify(r.receipt_code);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.message, '核销成功,已为用户预约瑜伽团课');
  });
});

describe('verification (seed 2.2.2)', () => {
  test('membership voucher opens a card, a second one renews it; log, event and local row agree', async () => {
    const first = await mtReceipt();
    const info = await h.api.get(`/api/v1/meituan/voucher/${first.receipt_code}`, desk.token);
    assert.equal(info.status, 200);
    assert.equal(info.body.data.voucher_type, 1);
    assert.equal(info.body.data.paid_price, 199);
    assert.equal(info.body.data.user_phone, `${first.mobile.slice(0, 3)}****${first.mobile.slice(-4)}`);
    assert.equal(info.body.data.member.exists, false);
    assert.match(info.body.data.effect, /^将为会员开通月卡，有效期至/);

    const res = await verify(first.receipt_code, desk.token, { operator_id: desk.id });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.result_type, 1);
    assert.match(res.body.message, /^核销成功,已为用户开通月卡/);
    const [card] = await h.query<{ start_date: string; end_date: string; status: number }>('SELECT * FROM member_cards WHERE id = ?', [res.body.data.result_id]);
    assert.equal(card.status, 1);

    const second = await mtReceipt({ mobile: first.mobile, deal_id: 610002 });
    const renew = await verify(second.receipt_code);
    assert.equal(renew.status, 200, JSON.stringify(renew.body));
    assert.equal(renew.body.data.result_type, 2);
    assert.equal(renew.body.data.result_id, res.body.data.result_id);
    const third = await mtReceipt({ mobile: first.mobile });
    const preview = await h.api.get(`/api/v1/meituan/voucher/${third.receipt_code}`, desk.token);
    assert.equal(preview.body.data.member.exists, true);
    assert.match(preview.body.data.effect, /^将为会员续费月卡，有效期延至\d{4}-\d{2}-\d{2}$/);
    assert.equal(renew.body.data.user_id, res.body.data.user_id);
    const [renewed] = await h.query<{ end_date: string }>('SELECT end_date FROM member_cards WHERE id = ?', [res.body.data.result_id]);
    const days = (Date.parse(String(renewed.end_date).slice(0, 10)) - Date.parse(String(card.end_date).slice(0, 10))) / 86_400_000;
    assert.equal(days, 90);

    const local = await h.api.get(`/api/v1/vouchers/no/${first.receipt_code}`, desk.token);
    assert.equal(local.body.data.status, 2);
    assert.equal(local.body.data.verified_by, desk.id);
    const detail = await h.api.get(`/api/v1/vouchers/${local.body.data.id}`, desk.token);
    assert.deepEqual(detail.body.data.logs.map((l: { operation_type: number }) => l.operation_type), [1]);
    const events = await h.query<{ type: string }>("SELECT type FROM outbox WHERE type = 'vouchers.voucher.verified.v1'");
    assert.ok(events.length >= 2);
  });

  test('Douyin course and group-class vouchers create a course order and a class booking', async () => {
    const course = await dyCert({ sku_id: '7100002' });
    const r1 = await verify(course.code);
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.equal(r1.body.data.result_type, 3);
    const [order] = await h.query<{ sessions_left: number; status: number }>('SELECT * FROM course_orders WHERE id = ?', [r1.body.data.result_id]);
    assert.equal(order.sessions_left, 10);
    const cls = await dyCert({ sku_id: '7100003', buyer_phone: course.buyer_phone });
    const r2 = await h.api.post('/api/v1/douyin/verify', { voucher_code: cls.code }, desk.token);
    assert.equal(r2.status, 200);
    assert.equal(r2.body.data.result_type, 4);
    assert.equal(r2.body.data.user_id, r1.body.data.user_id);
    const [booking] = await h.query<{ class_name: string }>('SELECT * FROM class_bookings WHERE id = ?', [r2.body.data.result_id]);
    assert.equal(booking.class_name, '燃脂');
  });

  test('seed error cases: 券码错误, 券已核销, 券已过期, and the operator must be the signed-in user', async () => {
    const fresh0 = await dyCert({ sku_id: '7100002' });
    const byCode = await h.api.get(`/api/v1/vouchers/no/${fresh0.code}`, desk.token);
    assert.equal(byCode.status, 200);
    assert.deepEqual(
      [byCode.body.data.voucher_no, byCode.body.data.platform_name, byCode.body.data.voucher_type, byCode.body.data.product_name, byCode.body.data.paid_price, byCode.body.data.status],
      [fresh0.code, '抖音', 2, '私教课10节', 1999, 1],
    );
    assert.equal((await h.api.get('/api/v1/vouchers/no/MT-NO-SUCH-CODE', desk.token)).body.message, '券码错误');
    const missing = await verify('MT-NO-SUCH-CODE');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, '券码错误');
    const used = await verify('MT10000004'); // seeded: redeemed on the platform already
    assert.equal(used.status, 409);
    assert.equal(used.body.message, '券已核销');
    const expired = await verify('MT10000005');
    assert.equal(expired.status, 422);
    assert.equal(expired.body.message, '券已过期');
    const refunded = await verify('DY20000006');
    assert.equal(refunded.status, 422);
    assert.equal(refunded.body.message, '券已退款');
    const fresh = await mtReceipt();
    const other = await verify(fresh.receipt_code, desk.token, { operator_id: desk.id + 1000 });
    assert.equal(other.status, 403);
    assert.equal(other.body.message, '操作员必须是当前登录用户');
    const again = await verify(fresh.receipt_code);
    assert.equal(again.status, 200);
    const keyed = await mtReceipt();
    const k1 = await h.api.post('/api/v1/vouchers/verify', { voucher_code: keyed.receipt_code }, desk.token, { 'idempotency-key': 'k-1' });
    const k2 = await h.api.post('/api/v1/vouchers/verify', { voucher_code: keyed.receipt_code }, desk.token, { 'idempotency-key': 'k-1' });
    assert.equal(k2.status, 200);
    assert.deepEqual(k2.body, k1.body);
    const twice = await verify(fresh.receipt_code);
    assert.equal(twice.status, 409);
    assert.equal(twice.body.message, '券已核销');
    const unknownPlatform = await verify('12345');
    assert.equal(unknownPlatform.status, 400);
    assert.equal((await h.api.post('/api/v1/vouchers/cancel', { voucher_code: fresh.receipt_code }, desk.token)).status, 403);
  });

  test('100 concurrent verifies of one code: one success, 99 clear refusals, one effect, one redemption', async () => {
    const r = await mtReceipt();
    const results = await Promise.all(Array.from({ length: 100 }, () => verify(r.receipt_code)));
    const okCount = results.filter((x) => x.status === 200).length;
    assert.equal(okCount, 1);
    for (const x of results.filter((y) => y.status !== 200)) {
      assert.equal(x.status, 409);
      assert.ok(['券已核销', '该券正在处理中，请勿重复提交'].includes(x.body.message), x.body.message);
    }
    const winner = results.find((x) => x.status === 200)!;
    const cards = await h.query('SELECT id FROM member_cards WHERE member_id = ?', [winner.body.data.user_id]);
    assert.equal(cards.length, 1);
    const logs = await h.query('SELECT l.id FROM voucher_verification_logs l JOIN vouchers v ON v.id = l.voucher_id WHERE v.voucher_no = ?', [r.receipt_code]);
    assert.equal(logs.length, 1);
    const state = await h.sandbox('meituan', 'GET', `/receipts/${r.receipt_code}`);
    assert.equal(state.consume_count, 1);
  });

  test('a redemption whose answer is lost is resolved by asking the platform, not by redeeming again', async () => {
    const mt = await mtReceipt();
    await h.sandbox('meituan', 'POST', '/faults', { after_hang: 1, path: '/receipt/consume' });
    const res = await verify(mt.receipt_code);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await h.sandbox('meituan', 'GET', `/receipts/${mt.receipt_code}`)).consume_count, 1);

    const dy = await dyCert({ sku_id: '7100002' });
    await h.sandbox('douyin', 'POST', '/faults', { after_drop: 1, path: '/certificate/verify' });
    const res2 = await verify(dy.code);
    assert.equal(res2.status, 200, JSON.stringify(res2.body));
    assert.equal((await h.sandbox('douyin', 'GET', `/certificates/${dy.code}`)).verify_count, 1);
    const orders = await h.query('SELECT id FROM course_orders WHERE id = ?', [res2.body.data.result_id]);
    assert.equal(orders.length, 1);
    assert.equal((await h.query('SELECT * FROM voucher_claims')).length, 0);
  });
});

describe('pending verifications', () => {
  test('answer lost and the platform cannot be asked: 503 now, finished later from the platform, one redemption', async () => {
    const r = await mtReceipt({ deal_id: 610003 });
    await h.sandbox('meituan', 'POST', '/faults', { after_hang: 1, path: '/receipt/consume' });
    await h.sandbox('meituan', 'POST', '/faults', { add: true, drop: 10, path: '/receipt/getconsumed' });
    const res = await verify(r.receipt_code);
    await h.sandbox('meituan', 'DELETE', '/faults');
    assert.equal(res.status, 503);
    assert.equal(res.body.message, '美团平台未返回核销结果，系统将自动确认，请稍后查询该券状态');
    assert.equal((await h.query('SELECT voucher_no FROM voucher_claims WHERE voucher_no = ?', [r.receipt_code])).length, 1);
    const busy = await verify(r.receipt_code);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.message, '该券正在处理中，请勿重复提交');
    await sleep(4100);
    // the next attempt finds the stale claim, asks the platform, and finishes the first verification
    const later = await verify(r.receipt_code);
    assert.equal(later.status, 409);
    assert.equal(later.body.message, '券已核销');
    const local = await h.api.get(`/api/v1/vouchers/no/${r.receipt_code}`, desk.token);
    assert.equal(local.body.data.status, 2);
    assert.equal((await h.query('SELECT id FROM course_orders WHERE voucher_id = ?', [local.body.data.id])).length, 1);
    assert.equal((await h.sandbox('meituan', 'GET', `/receipts/${r.receipt_code}`)).consume_count, 1);
  });
});

describe('effect written later', () => {
  test('redeemed on the platform but our transaction failed: the claim stays and the resolver grants the effect once', async () => {
    const c = await dyCert({ sku_id: '7100003' });
    await h.query('RENAME TABLE class_bookings TO class_bookings_away');
    let res;
    try {
      res = await verify(c.code);
    } finally {
      await h.query('RENAME TABLE class_bookings_away TO class_bookings');
    }
    assert.equal(res.status, 503);
    assert.equal(res.body.message, '券已在平台核销，系统稍后将自动完成开卡/课程办理，请勿重复核销');
    assert.equal((await h.sandbox('douyin', 'GET', `/certificates/${c.code}`)).status, 'used');
    assert.equal((await h.query('SELECT * FROM voucher_claims WHERE voucher_no = ?', [c.code])).length, 1);
    await sleep(4100);
    const later = await verify(c.code);
    assert.equal(later.status, 409);
    assert.equal(later.body.message, '券已核销');
    const [row] = await h.query<{ id: number }>('SELECT id FROM vouchers WHERE voucher_no = ?', [c.code]);
    assert.equal((await h.query('SELECT id FROM class_bookings WHERE voucher_id = ?', [row.id])).length, 1);
    assert.equal((await h.sandbox('douyin', 'GET', `/certificates/${c.code}`)).verify_count, 1);
  });
});

describe('cancel (撤销核销)', () => {
  test('inside the window the effect is reverted; after it (sandbox clock moved) the platform refuses', async () => {
    const r = await mtReceipt();
    const v = await verify(r.receipt_code);
    assert.equal(v.status, 200);
    const cancel = await h.api.post('/api/v1/meituan/cancel', { voucher_code: r.receipt_code }, manager.token);
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const [card] = await h.query<{ status: number }>('SELECT status FROM member_cards WHERE id = ?', [v.body.data.result_id]);
    assert.equal(card.status, 2);
    const local = await h.api.get(`/api/v1/vouchers/no/${r.receipt_code}`, desk.token);
    assert.equal(local.body.data.status, 1);
    const logs = await h.query<{ operation_type: number }>('SELECT operation_type FROM voucher_verification_logs WHERE voucher_id = ? ORDER BY id', [local.body.data.id]);
    assert.deepEqual(logs.map((l) => Number(l.operation_type)), [1, 2]);
    assert.equal((await h.query("SELECT id FROM outbox WHERE type = 'vouchers.voucher.cancelled.v1'")).length, 1);

    const again = await verify(r.receipt_code);
    assert.equal(again.status, 200);
    await h.sandbox('meituan', 'POST', '/clock', { advance_seconds: 11 * 60 });
    try {
      const late = await h.api.post('/api/v1/vouchers/cancel', { voucher_code: r.receipt_code }, manager.token);
      assert.equal(late.status, 422);
      assert.equal(late.body.message, '已超过撤销时限（美团核销后10分钟内可撤销）');
      assert.equal((await h.api.get(`/api/v1/vouchers/no/${r.receipt_code}`, desk.token)).body.data.status, 2);
    } finally {
      await h.sandbox('meituan', 'POST', '/clock', { offset_seconds: 0 });
    }
  });

  test('Douyin: cancel within an hour reverts a renewal by exactly the days it added', async () => {
    const a = await dyCert();
    const first = await verify(a.code);
    const b = await dyCert({ buyer_phone: a.buyer_phone });
    const renew = await verify(b.code);
    assert.equal(renew.body.data.result_type, 2);
    const [before] = await h.query<{ end_date: string }>('SELECT end_date FROM member_cards WHERE id = ?', [first.body.data.result_id]);
    const c = await h.api.post('/api/v1/douyin/cancel', { voucher_code: b.code }, manager.token);
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const [afterCancel] = await h.query<{ end_date: string; status: number }>('SELECT end_date, status FROM member_cards WHERE id = ?', [first.body.data.result_id]);
    assert.equal((Date.parse(String(before.end_date).slice(0, 10)) - Date.parse(String(afterCancel.end_date).slice(0, 10))) / 86_400_000, 30);
    assert.equal(afterCancel.status, 1);
  });
});

describe('platform outages', () => {
  test('the breaker opens while a platform is down, the desk gets a clear 503 fast, then it recovers', async () => {
    const codes = await Promise.all(Array.from({ length: 2 }, () => dyCert()));
    await h.sandbox('douyin', 'POST', '/faults', { drop: 100_000 });
    try {
      // earlier successes in the rolling window dilute the failure rate: keep asking until the breaker opens
      let answer;
      for (let i = 0; i < 80; i++) {
        answer = await verify(codes[0].code);
        assert.equal(answer.status, 503);
        assert.equal(answer.body.message, '抖音平台暂时无法访问，请稍后重试');
        if (answer.body.reason === 'PLATFORM_CIRCUIT_OPEN') break;
      }
      assert.equal(answer!.body.reason, 'PLATFORM_CIRCUIT_OPEN');
      const states = await h.api.get('/api/v1/platforms', manager.token);
      assert.equal(states.body.data.find((p: { platform_code: string }) => p.platform_code === 'douyin').breaker_state, 'open');
      // while open, nothing reaches the platform
      const before = (await h.sandbox('douyin', 'POST', '/faults', {})).drop;
      const fast = await verify(codes[0].code);
      assert.equal(fast.body.reason, 'PLATFORM_CIRCUIT_OPEN');
      assert.equal((await h.sandbox('douyin', 'POST', '/faults', {})).drop, before);
    } finally {
      await h.sandbox('douyin', 'DELETE', '/faults');
    }
    await sleep(900);
    const recovered = await eventually(async () => {
      const r = await verify(codes[1].code);
      return r.status === 200 ? r : undefined;
    }, 5000, 'the breaker to let calls through again');
    assert.equal(recovered.body.data.result_type, 1);
  });

  test('an expired Meituan session is refreshed and the call succeeds', async () => {
    await h.sandbox('meituan', 'POST', '/session-ttl', { ttl_seconds: 60 });
    await h.api.post('/api/v1/meituan/auth', { auth_code: 'second-auth-code' }, manager.token);
    await h.sandbox('meituan', 'POST', '/clock', { advance_seconds: 120 });
    try {
      const r = await mtReceipt({ expire_days: 30 });
      const res = await verify(r.receipt_code);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    } finally {
      await h.sandbox('meituan', 'POST', '/clock', { offset_seconds: 0 });
      await h.sandbox('meituan', 'POST', '/session-ttl', { ttl_seconds: 2592000 });
      await h.api.post('/api/v1/meituan/auth', { auth_code: 'long-lived-again' }, manager.token);
    }
  });
});

describe('sync, reconciliation, statistics', () => {
  test('sync twice creates no duplicates; a reconciliation mismatch is listed and counted', async () => {
    const first = await h.api.post('/api/v1/vouchers/sync', {}, manager.token);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const count1 = (await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM vouchers'))[0].n;
    const second = await h.api.post('/api/v1/vouchers/sync', {}, manager.token);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body.data.map((s: { created: number }) => s.created), [0, 0]);
    const count2 = (await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM vouchers'))[0].n;
    assert.equal(Number(count2), Number(count1));
    const dupes = await h.query('SELECT voucher_no FROM vouchers GROUP BY voucher_no HAVING COUNT(*) > 1');
    assert.equal(dupes.length, 0);
    // the purchase time from the platform (seeded an hour before the sandbox started), not the sync time
    const [bought] = await h.query<{ created_at: Date }>("SELECT created_at FROM vouchers WHERE voucher_no = 'MT10000002'");
    assert.ok(Date.now() - new Date(bought.created_at).getTime() > 30 * 60_000);

    // redeemed on Meituan behind our back
    await h.sandbox('meituan', 'PATCH', '/receipts/MT10000001', { status: 'used', consumed_at: Date.now() });
    const run = await h.api.post('/api/v1/vouchers/reconciliation', { platform: 'meituan' }, manager.token);
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.data[0].mismatches, 1);
    const listed = await h.api.get('/api/v1/vouchers/reconciliation', manager.token);
    const issues = listed.body.data.find((r: { platform_id: number }) => r.platform_id === 1).issues;
    assert.deepEqual(issues, [{ voucher_no: 'MT10000001', local_status: 1, platform_status: 2 }]);
    const metrics = await (await fetch(`${h.stack.services.vouchers.url}/metrics`)).text();
    assert.match(metrics, /vouchers_reconciliation_mismatches\{platform="meituan"\} 1/);
  });

  test('list filters, statistics and xlsx exports', async () => {
    const list = await h.api.get('/api/v1/vouchers?status=2&page=1&page_size=5', desk.token);
    assert.equal(list.status, 200);
    assert.ok(list.body.data.total > 0);
    assert.ok(list.body.data.list.every((v: { status: number }) => v.status === 2));
    assert.equal(list.body.data.list.length <= 5, true);
    const byKeyword = await h.api.get('/api/v1/vouchers?keyword=MT1000000', desk.token);
    assert.ok(byKeyword.body.data.list.every((v: { voucher_no: string }) => v.voucher_no.includes('MT1000000')));
    const byPhone = await h.api.get('/api/v1/vouchers?keyword=13800138001', desk.token);
    assert.deepEqual(byPhone.body.data.list.map((v: { voucher_no: string }) => v.voucher_no), ['MT10000001']);

    assert.equal((await h.api.get('/api/v1/vouchers/stats', desk.token)).status, 403);
    const stats = await h.api.get('/api/v1/vouchers/stats', manager.token);
    assert.equal(stats.status, 200);
    const s = stats.body.data;
    assert.equal(s.summary.total, s.summary.verified + s.summary.unused + s.summary.expired + s.summary.refunded);
    assert.equal(s.platforms.length, 2);
    assert.ok(s.trend.length >= 1);
    assert.ok(s.trend[0].verified_count > 0);

    for (const path of ['/api/v1/vouchers/export?status=2', '/api/v1/vouchers/stats/export']) {
      const res = await fetch(`${h.stack.gateway!.url}${path}`, { headers: { authorization: `Bearer ${manager.token}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /spreadsheetml/);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(bytes.subarray(0, 2).toString(), 'PK');
    }
  });
});

describe('tokens across replicas', () => {
  test('a second replica uses the stored session and client token instead of fetching new ones', async () => {
    const calls = async () => [(await h.sandbox('meituan', 'GET', '/stats')).token_calls, (await h.sandbox('douyin', 'GET', '/stats')).token_calls];
    const before = await calls();
    const replica = await h.replica();
    try {
      const direct = apiClient(replica.url);
      const mt = await mtReceipt();
      const dy = await dyCert();
      assert.equal((await direct.post('/api/v1/vouchers/verify', { voucher_code: mt.receipt_code }, desk.token)).status, 200);
      assert.equal((await direct.post('/api/v1/vouchers/verify', { voucher_code: dy.code }, desk.token)).status, 200);
    } finally {
      await replica.stop();
    }
    assert.deepEqual(await calls(), before);
  });
});
