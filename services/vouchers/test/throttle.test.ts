import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDouyinSandbox, startMeituanSandbox, type RunningSandbox } from '@backoffice/platform-sandbox';
import { startHarness, type Harness } from '@backoffice/standalone/testing';
import { vouchersService } from '../src/index.js';

/** A platform that says "too many calls" is a throttle: 429 with Retry-After, not a 502. */
let h: Harness;
let meituan: RunningSandbox;
let douyin: RunningSandbox;
let manager: string;

/** `qps` undefined: back to the sandbox's default. */
const throttle = async (sandbox: RunningSandbox, qps?: number) => {
  const res = await fetch(`${sandbox.url}/__admin/throttle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qps }) });
  assert.equal(res.status, 200);
};
const sync = (platform: 'meituan' | 'douyin') => h.api.post('/api/v1/vouchers/sync', { platform }, manager);

before(async () => {
  meituan = await startMeituanSandbox({ port: 0, seed: true });
  douyin = await startDouyinSandbox({ port: 0, seed: true });
  h = await startHarness({
    label: 'vouchers_throttle',
    services: [vouchersService],
    env: { DATA_ENCRYPTION_KEY: 'vouchers-test-encryption-key-0123456789', MEITUAN_API_URL: meituan.url, DOUYIN_API_URL: douyin.url, RATE_LIMIT_PER_MINUTE: '100000' },
  });
  h.onStop(() => Promise.all([meituan.stop(), douyin.stop()]));
  manager = (await h.user('manager_throttle', 'gym_manager')).token;
  assert.equal((await h.api.post('/api/v1/meituan/auth', { auth_code: 'throttle-auth-code' }, manager)).status, 200);
  assert.equal((await h.api.post('/api/v1/douyin/auth', {}, manager)).status, 200);
});
after(async () => {
  if (h) await h.stop();
  else await Promise.all([meituan?.stop(), douyin?.stop()]);
});

test('a throttled Meituan or Douyin call answers 429 with Retry-After and a message saying to wait; it works again once the platform allows', async () => {
  for (const [platform, sandbox, name] of [['meituan', meituan, '美团'], ['douyin', douyin, '抖音']] as const) {
    await throttle(sandbox, 0);
    try {
      const res = await sync(platform);
      assert.equal(res.status, 429, JSON.stringify(res.body));
      assert.equal(res.headers.get('retry-after'), '1');
      assert.deepEqual(res.body, { code: 1, message: `${name}平台调用过于频繁，已被限流，请 1 秒后重试`, reason: 'PLATFORM_RATE_LIMITED' });
      // a voucher lookup goes the same way
      const lookup = await h.api.get(`/api/v1/${platform}/voucher/MT10000002`, manager);
      assert.equal(lookup.status, 429, `${platform} lookup: ${JSON.stringify(lookup.body)}`);
      assert.equal(lookup.headers.get('retry-after'), '1');
    } finally {
      await throttle(sandbox);
    }
    const again = await sync(platform);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.headers.get('retry-after'), null);
  }
});
