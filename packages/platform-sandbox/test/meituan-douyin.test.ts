import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MEITUAN_DEMO, DOUYIN_DEMO, sandboxCommon, startDouyinSandbox, startMeituanSandbox, type RunningSandbox } from '../src/index.js';

const { meituanSign, beijingTimestamp } = sandboxCommon;

let mt: RunningSandbox;
let dy: RunningSandbox;

before(async () => {
  mt = await startMeituanSandbox({ port: 0, seed: true });
  dy = await startDouyinSandbox({ port: 0, seed: true });
});
after(async () => {
  await Promise.all([mt?.stop(), dy?.stop()]);
});

const adminCall = async (s: RunningSandbox, method: string, path: string, body?: unknown) =>
  (await fetch(`${s.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json();

const form = async (path: string, params: Record<string, string>) =>
  (await fetch(`${mt.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() })).json();

describe('Meituan sandbox', () => {
  let session = '';
  const signed = (business: Record<string, string>, over: Partial<Record<string, string>> = {}) => {
    const p: Record<string, string> = { ...business, app_key: MEITUAN_DEMO.appKey, timestamp: beijingTimestamp(Date.now()), session, format: 'json', v: '1', sign_method: 'MD5', ...over };
    p.sign = over.sign ?? meituanSign(p, MEITUAN_DEMO.appSecret);
    return p;
  };

  before(async () => {
    const r = await form('/router/oauth/token', { app_key: MEITUAN_DEMO.appKey, app_secret: MEITUAN_DEMO.appSecret, grant_type: 'authorization_code', auth_code: 'c1' });
    assert.equal(r.code, 200);
    session = r.data.access_token;
  });

  test('a valid signed prepare answers the receipt; a reused auth code is refused', async () => {
    const r = await form('/router/tuangou/receipt/prepare', signed({ receipt_code: 'MT10000001', open_shop_uuid: MEITUAN_DEMO.shopUuid }));
    assert.equal(r.code, 200);
    assert.equal(r.data.deal_id, 610001);
    const again = await form('/router/oauth/token', { app_key: MEITUAN_DEMO.appKey, app_secret: MEITUAN_DEMO.appSecret, grant_type: 'authorization_code', auth_code: 'c1' });
    assert.equal(again.code, 1007);
  });

  test('refuses a bad signature, a stale timestamp, a wrong app key and an unknown session', async () => {
    const base = { receipt_code: 'MT10000001', open_shop_uuid: MEITUAN_DEMO.shopUuid };
    assert.equal((await form('/router/tuangou/receipt/prepare', signed(base, { sign: 'deadbeef' }))).code, 803);
    // signed over one parameter set, another sent
    const tampered = { ...signed(base), receipt_code: 'MT10000002' };
    assert.equal((await form('/router/tuangou/receipt/prepare', tampered)).code, 803);
    assert.equal((await form('/router/tuangou/receipt/prepare', signed(base, { timestamp: beijingTimestamp(Date.now() - 11 * 60_000) }))).code, 802);
    // 12-hour clock mistakes are malformed, not merely stale
    assert.equal((await form('/router/tuangou/receipt/prepare', signed(base, { timestamp: '2026-01-01 1:00:00 PM' }))).code, 802);
    assert.equal((await form('/router/tuangou/receipt/prepare', signed(base, { app_key: 'other' }))).code, 801);
    assert.equal((await form('/router/tuangou/receipt/prepare', signed(base, { session: 'nope' }))).code, 609);
  });

  test('consume is idempotent by requestid, a second redemption is refused, reverse only within 10 minutes', async () => {
    const [r] = await adminCall(mt, 'POST', '/receipts', [{ receipt_code: 'MTS1', deal_id: 610003 }]);
    const consume = (requestid: string) => form('/router/tuangou/receipt/consume', signed({ requestid, receipt_code: r.receipt_code, count: '1', open_shop_uuid: MEITUAN_DEMO.shopUuid, app_shop_account: '1', app_shop_accountname: 'desk' }));
    assert.equal((await consume('req-1')).code, 200);
    assert.equal((await consume('req-1')).code, 200);
    assert.equal((await consume('req-2')).code, 1002);
    assert.equal((await adminCall(mt, 'GET', '/receipts/MTS1')).consume_count, 1);
    const consumed = await (await fetch(`${mt.url}/router/tuangou/receipt/getconsumed?${new URLSearchParams(signed({ receipt_code: 'MTS1', open_shop_uuid: MEITUAN_DEMO.shopUuid }))}`)).json();
    assert.equal(consumed.data.requestid, 'req-1');
    await adminCall(mt, 'POST', '/clock', { advance_seconds: 601 });
    const late = await form('/router/tuangou/receipt/reverseconsume', signed({ app_deal_id: '610003', receipt_code: 'MTS1', open_shop_uuid: MEITUAN_DEMO.shopUuid, app_shop_account: '1', app_shop_accountname: 'desk' }));
    assert.equal(late.code, 1005);
    await adminCall(mt, 'POST', '/clock', { offset_seconds: 0 });
    const inTime = await form('/router/tuangou/receipt/reverseconsume', signed({ app_deal_id: '610003', receipt_code: 'MTS1', open_shop_uuid: MEITUAN_DEMO.shopUuid, app_shop_account: '1', app_shop_accountname: 'desk' }));
    assert.equal(inTime.code, 200);
  });

  test('sessions expire on the sandbox clock and refresh with grant_type=refresh_token', async () => {
    await adminCall(mt, 'POST', '/session-ttl', { ttl_seconds: 60 });
    const t = await form('/router/oauth/token', { app_key: MEITUAN_DEMO.appKey, app_secret: MEITUAN_DEMO.appSecret, grant_type: 'authorization_code', auth_code: 'c2' });
    session = t.data.access_token;
    await adminCall(mt, 'POST', '/clock', { advance_seconds: 61 });
    try {
      assert.equal((await form('/router/tuangou/receipt/prepare', signed({ receipt_code: 'MT10000001', open_shop_uuid: MEITUAN_DEMO.shopUuid }))).code, 608);
      const refreshed = await form('/router/oauth/token', { app_key: MEITUAN_DEMO.appKey, app_secret: MEITUAN_DEMO.appSecret, grant_type: 'refresh_token', refresh_token: t.data.refresh_token });
      assert.equal(refreshed.code, 200);
      assert.equal(refreshed.data.remain_refresh_count, 9);
      session = refreshed.data.access_token;
      assert.equal((await form('/router/tuangou/receipt/prepare', signed({ receipt_code: 'MT10000001', open_shop_uuid: MEITUAN_DEMO.shopUuid }))).code, 200);
    } finally {
      await adminCall(mt, 'POST', '/clock', { offset_seconds: 0 });
    }
  });

  test('throttles above the configured rate and injects 5xx', async () => {
    await adminCall(mt, 'POST', '/throttle', { qps: 2 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await form('/router/tuangou/receipt/prepare', signed({ receipt_code: 'MT10000001', open_shop_uuid: MEITUAN_DEMO.shopUuid }))).code);
    await adminCall(mt, 'POST', '/throttle', { qps: 100 });
    assert.ok(codes.includes(806), codes.join(','));
    await adminCall(mt, 'POST', '/faults', { errors: 1, error_status: 502 });
    const res = await fetch(`${mt.url}/router/tuangou/receipt/prepare`, { method: 'POST' });
    assert.equal(res.status, 502);
  });
});

describe('Douyin sandbox', () => {
  const token = async () =>
    (await (await fetch(`${dy.url}/oauth/client_token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_key: DOUYIN_DEMO.clientKey, client_secret: DOUYIN_DEMO.clientSecret, grant_type: 'client_credential' }) })).json()).data;
  const get = async (path: string, t: string) => (await fetch(`${dy.url}${path}`, { headers: { 'access-token': t } })).json();
  const post = async (path: string, t: string, body: unknown) => (await fetch(`${dy.url}${path}`, { method: 'POST', headers: { 'access-token': t, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

  test('client_token: wrong secret 10013, unknown key 10003; a new token retires the old one after 5 minutes', async () => {
    const bad = await (await fetch(`${dy.url}/oauth/client_token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_key: DOUYIN_DEMO.clientKey, client_secret: 'x', grant_type: 'client_credential' }) })).json();
    assert.equal(bad.data.error_code, 10013);
    const unknown = await (await fetch(`${dy.url}/oauth/client_token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_key: 'nobody', client_secret: 'x', grant_type: 'client_credential' }) })).json();
    assert.equal(unknown.data.error_code, 10003);
    const first = await token();
    assert.equal(first.expires_in, 7200);
    const second = await token();
    const q = `/goodlife/v1/fulfilment/certificate/prepare/?code=DY20000001&poi_id=${DOUYIN_DEMO.poiId}`;
    assert.equal((await get(q, first.access_token)).data.error_code, 0);
    await adminCall(dy, 'POST', '/clock', { advance_seconds: 301 });
    try {
      assert.equal((await get(q, first.access_token)).data.error_code, 2190008);
      assert.equal((await get(q, second.access_token)).data.error_code, 0);
      assert.equal((await get(q, 'made-up')).data.error_code, 2190002);
      await adminCall(dy, 'POST', '/clock', { advance_seconds: 7200 });
      assert.equal((await get(q, second.access_token)).data.error_code, 2190008);
    } finally {
      await adminCall(dy, 'POST', '/clock', { offset_seconds: 0 });
    }
  });

  test('verify is idempotent by verify_token (1208 with the first verify_id); cancel only within an hour', async () => {
    const t = (await token()).access_token;
    const prep = await get(`/goodlife/v1/fulfilment/certificate/prepare/?code=DY20000002&poi_id=${DOUYIN_DEMO.poiId}`, t);
    const body = { verify_token: prep.data.verify_token, poi_id: DOUYIN_DEMO.poiId, encrypted_codes: [prep.data.certificates[0].encrypted_code] };
    const first = await post('/goodlife/v1/fulfilment/certificate/verify/', t, body);
    assert.equal(first.data.verify_results[0].result, 0);
    const retry = await post('/goodlife/v1/fulfilment/certificate/verify/', t, body);
    assert.equal(retry.data.verify_results[0].result, 1208);
    assert.equal(retry.data.verify_results[0].verify_id, first.data.verify_results[0].verify_id);
    assert.equal((await get(`/goodlife/v1/fulfilment/certificate/prepare/?code=DY20000002&poi_id=${DOUYIN_DEMO.poiId}`, t)).data.error_code, 1208);
    assert.equal((await adminCall(dy, 'GET', '/certificates/DY20000002')).verify_count, 1);
    const cancel = { certificate_id: first.data.verify_results[0].certificate_id, verify_id: first.data.verify_results[0].verify_id };
    await adminCall(dy, 'POST', '/clock', { advance_seconds: 3601 });
    try {
      assert.equal((await post('/goodlife/v1/fulfilment/certificate/cancel/', t, cancel)).data.error_code, 1211);
    } finally {
      await adminCall(dy, 'POST', '/clock', { offset_seconds: 0 });
    }
    const t2 = (await token()).access_token;
    assert.equal((await post('/goodlife/v1/fulfilment/certificate/cancel/', t2, cancel)).data.error_code, 0);
  });

  test('expired and unknown codes are refused at prepare; the order query pages', async () => {
    const t = (await token()).access_token;
    assert.equal((await get(`/goodlife/v1/fulfilment/certificate/prepare/?code=DY20000005&poi_id=${DOUYIN_DEMO.poiId}`, t)).data.error_code, 1209);
    assert.equal((await get(`/goodlife/v1/fulfilment/certificate/prepare/?code=NOPE&poi_id=${DOUYIN_DEMO.poiId}`, t)).data.error_code, 1206);
    const page = await get('/goodlife/v1/fulfilment/certificate/query/?cursor=0&size=10', t);
    assert.equal(page.data.certificates.length, 10);
    assert.equal(page.data.has_more, true);
  });
});
