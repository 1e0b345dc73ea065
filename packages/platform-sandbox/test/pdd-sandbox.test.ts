import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pddSign, startPddSandbox } from '../src/pdd/index.js';
import type { RunningSandbox } from '../src/sandbox.js';

const CLIENT = 'test-client';
const SECRET = 'test-secret-0123456789';
let sandbox: RunningSandbox;
let token: { access_token: string; refresh_token: string };

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sandbox.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json() as Promise<any>;
};

/** A signed router call, form-encoded as the SDKs send it; `tamper` changes params after signing. */
const call = async (type: string, biz: Record<string, unknown>, opts: { accessToken?: string | null; timestamp?: number; tamper?: (p: Record<string, string>) => void } = {}) => {
  const params: Record<string, unknown> = {
    type,
    client_id: CLIENT,
    timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
    data_type: 'JSON',
    version: 'V1',
    ...(opts.accessToken === null ? {} : { access_token: opts.accessToken ?? token.access_token }),
    ...biz,
  };
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) form[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  form.sign = pddSign(params, SECRET);
  opts.tamper?.(form);
  const res = await fetch(`${sandbox.url}/api/router`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as any };
};
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  sandbox = await startPddSandbox({ port: 0 });
  await admin('POST', '/apps', { client_id: CLIENT, client_secret: SECRET });
  token = await admin('POST', '/tokens', { client_id: CLIENT });
});
after(() => sandbox.stop());

describe('PDD sandbox router', () => {
  test('signature: uppercase MD5 over sorted key+value pairs; a wrong or tampered signature is refused with 20004', async () => {
    // a known vector: secret + "a1b[1,2]ctruez0" + secret
    const sign = pddSign({ z: 0, b: [1, 2], a: 1, c: true, empty: '', sign: 'x' }, 's');
    assert.match(sign, /^[0-9A-F]{32}$/);
    const { createHash } = await import('node:crypto');
    assert.equal(sign, createHash('md5').update('sa1b[1,2]ctruez0s').digest('hex').toUpperCase());

    const bad = await call('pdd.order.information.get', { order_sn: 'x' }, { tamper: (p) => (p.sign = p.sign.toLowerCase()) });
    assert.equal(bad.body.error_response.error_code, 20004);
    const sentOther = await call('pdd.order.information.get', { order_sn: 'x' }, { tamper: (p) => (p.order_sn = 'y') });
    assert.equal(sentOther.body.error_response.error_code, 20004);
  });

  test('a timestamp more than 10 minutes from server time and missing common params are refused with 10001', async () => {
    const stale = await call('pdd.order.information.get', { order_sn: 'x' }, { timestamp: now() - 700 });
    assert.equal(stale.body.error_response.error_code, 10001);
    assert.match(stale.body.error_response.sub_msg, /timestamp/);
    const noToken = await call('pdd.order.information.get', { order_sn: 'x' }, { accessToken: null });
    assert.equal(noToken.body.error_response.error_code, 10001);
  });

  test('an expired access token answers 10019; refresh gives a new one; a bad refresh token is refused', async () => {
    const t = await admin('POST', '/tokens', { client_id: CLIENT });
    await admin('POST', '/tokens/expire', { access_token: t.access_token });
    const expired = await call('pdd.order.information.get', { order_sn: 'x' }, { accessToken: t.access_token });
    assert.equal(expired.body.error_response.error_code, 10019);
    const refreshed = await call('pdd.pop.auth.token.refresh', { refresh_token: t.refresh_token }, { accessToken: null });
    const fresh = refreshed.body.pop_auth_token_refresh_response;
    assert.equal(fresh.refresh_token, t.refresh_token);
    assert.ok(fresh.expires_in > 86_000);
    const works = await call('pdd.order.information.get', { order_sn: 'x' }, { accessToken: fresh.access_token });
    assert.equal(works.body.error_response.error_code, 21001, 'past the token check: the order does not exist');
    const bad = await call('pdd.pop.auth.token.refresh', { refresh_token: 'nope' }, { accessToken: null });
    assert.equal(bad.body.error_response.error_code, 10019);
  });

  test('moving the clock past 24 h expires tokens (and makes our timestamp stale)', async () => {
    const t = await admin('POST', '/tokens', { client_id: CLIENT });
    await admin('POST', '/clock', { advance_seconds: 86_401 });
    const late = await call('pdd.order.information.get', { order_sn: 'x' }, { accessToken: t.access_token, timestamp: now() + 86_401 });
    assert.equal(late.body.error_response.error_code, 10019);
    await admin('POST', '/clock', { offset_seconds: 0 });
  });

  test('increment list: window of at most 30 minutes, paging with has_next, index lag hides fresh orders', async () => {
    const created = await admin('POST', '/orders', { orders: Array.from({ length: 5 }, (_, i) => ({ goods_id: 7, updated_offset_seconds: -300 + i })) });
    assert.equal(created.orders.length, 5);
    await admin('POST', '/orders', { goods_id: 7, updated_offset_seconds: -200, visible_after_seconds: 3600 });
    const wide = await call('pdd.order.number.list.increment.get', { start_updated_at: now() - 1801, end_updated_at: now(), order_status: 1, refund_status: 5 });
    assert.equal(wide.body.error_response.error_code, 21001);
    const missing = await call('pdd.order.number.list.increment.get', { end_updated_at: now(), order_status: 1, refund_status: 5 });
    assert.equal(missing.body.error_response.error_code, 21002);
    const page = (p: number) => call('pdd.order.number.list.increment.get', { start_updated_at: now() - 1000, end_updated_at: now(), order_status: 1, refund_status: 5, page: p, page_size: 2 });
    const first = (await page(1)).body.order_sn_increment_get_response;
    assert.equal(first.total_count, 5, 'the lagging order is not listed yet');
    assert.equal(first.has_next, true);
    const last = (await page(3)).body.order_sn_increment_get_response;
    assert.equal(last.order_sn_list.length, 1);
    assert.equal(last.has_next, false);
    assert.equal(first.order_sn_list[0].item_list[0].goods_id, 7);
    assert.equal(first.order_sn_list[0].pay_amount, 9.9);
  });

  test('voucher send is idempotent by out_biz_no; verification refuses a foreign code and a second verify with another out_trans_no', async () => {
    const { orders } = await admin('POST', '/orders', { goods_id: 8 });
    const sn = orders[0].order_sn;
    const list = [{ voucher_id: '1', voucher_no: 'CODE-1' }];
    const verify = (no: string, out: string) => call('pdd.voucher.virtual.card.verification', { order_sn: sn, voucher_data_list: [{ voucher_no: no, voucher_status: 1, voucher_time: now(), out_trans_no: out }] });
    assert.equal((await verify('CODE-1', 'V1')).body.error_response.sub_msg, '订单未发货，不能核销');
    const sent = await call('pdd.voucher.voucher.info.send', { order_sn: sn, out_biz_no: 'D1', voucher_list: list });
    assert.equal(sent.body.voucher_voucher_info_send_response.is_success, true);
    assert.equal((await call('pdd.voucher.voucher.info.send', { order_sn: sn, out_biz_no: 'D1', voucher_list: list })).body.voucher_voucher_info_send_response.is_success, true);
    assert.equal((await call('pdd.voucher.voucher.info.send', { order_sn: sn, out_biz_no: 'D2', voucher_list: list })).body.error_response.sub_msg, '订单已发货，不能重复发货');
    assert.equal((await verify('OTHER', 'V1')).body.error_response.sub_msg, '卡券不存在或不属于该订单');
    assert.equal((await verify('CODE-1', 'V1')).body.voucher_virtual_card_verification_response.is_success, true);
    assert.equal((await verify('CODE-1', 'V1')).body.voucher_virtual_card_verification_response.is_success, true, 'same out_trans_no: a retry');
    assert.equal((await verify('CODE-1', 'V2')).body.error_response.sub_msg, '卡券已核销，不能重复核销');
    const state = await admin('GET', `/orders/${sn}`);
    assert.equal(state.order_status, 3);
    assert.equal(state.shipment.sends, 2);
  });

  test('throttling answers 52101 past the per-minute limit; faults: 5xx, business error, dropped connection', async () => {
    await admin('POST', '/limits', { api: 'pdd.order.information.get', per_minute: 2 });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call('pdd.order.information.get', { order_sn: 'x' })).body.error_response.error_code);
    assert.deepEqual(codes, [21001, 21001, 52101]);
    await admin('POST', '/limits', { api: 'pdd.order.information.get' });

    await admin('POST', '/faults', { kind: '5xx', api: 'pdd.order.information.get', count: 1, status: 502 });
    await admin('POST', '/faults', { kind: 'error', api: 'pdd.order.information.get', count: 1, error_code: 70031, error_msg: '调用太频繁' });
    await admin('POST', '/faults', { kind: 'drop', count: 1 });
    const r1 = await fetch(`${sandbox.url}/api/router`, { method: 'POST', body: new URLSearchParams({ type: 'pdd.order.information.get' }) });
    assert.equal(r1.status, 502);
    assert.equal((await call('pdd.order.information.get', { order_sn: 'x' })).body.error_response.error_code, 70031);
    await assert.rejects(call('pdd.order.information.get', { order_sn: 'x' }));
    assert.equal((await call('pdd.order.information.get', { order_sn: 'x' })).body.error_response.error_code, 21001, 'faults are used up');

    await admin('POST', '/faults', { kind: 'latency', count: 1, ms: 50 });
    assert.equal((await call('pdd.order.information.get', { order_sn: 'x' })).body.error_response.error_code, 21001, 'late but answered');
    await admin('POST', '/faults', { kind: 'timeout', count: 1, ms: 1000 });
    const hung = fetch(`${sandbox.url}/api/router`, { method: 'POST', body: new URLSearchParams({ type: 'x' }), signal: AbortSignal.timeout(200) });
    await assert.rejects(hung, (err: Error) => err.name === 'TimeoutError');
    await admin('DELETE', '/faults');
  });
});
