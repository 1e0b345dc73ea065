// Voucher verification benchmark (not a test). Identity + vouchers + gateway on MariaDB (in-memory bus)
// run in a child process, as they would on their own; the Meituan and Douyin sandboxes (200 ms of injected
// latency) and the desk clients run in this one, as the platforms and browsers are elsewhere too.
// BENCH_ONE_PROCESS=1 puts everything in one process (one event loop for all of it). Two phases, c=20:
//   1. the sandbox round trip alone: a signed Meituan prepare + consume, as our client sends them;
//   2. POST /api/v1/vouchers/verify through the gateway (alternating Meituan and Douyin codes).
// Our own work per verification = its latency minus the platform time the service reports in
// `Server-Timing: platform;dur=…`. Build first: flock /tmp/tsc.lock npx tsc -b packages/standalone
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Sequelize } from 'sequelize';
import { MemoryBus } from '@backoffice/kit';
import { identityService } from '@backoffice/identity';
import { vouchersService } from '@backoffice/vouchers';
import { startStack } from '@backoffice/standalone';
import { MEITUAN_DEMO, sandboxCommon, startDouyinSandbox, startMeituanSandbox } from '@backoffice/platform-sandbox';

const MYSQL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const VERIFIES = Number(process.env.BENCH_VERIFIES ?? 600);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);
const LATENCY_MS = Number(process.env.BENCH_PLATFORM_LATENCY_MS ?? 200);
const PASSWORD = 'Bench#2026pass';
const suffix = process.env.BENCH_SUFFIX ?? randomBytes(3).toString('hex');
const dbName = (s) => `bench_vouchers_${s}_${suffix}`;

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const fmt = (v) => `${v.toFixed(1)} ms`;
const report = (label, values) =>
  console.log(`${label.padEnd(44)} n=${values.length}  p50 ${fmt(pct(values, 50))}  p90 ${fmt(pct(values, 90))}  p99 ${fmt(pct(values, 99))}  max ${fmt(Math.max(...values))}`);

/** Runs `task(i)` for i in [0, total) with `concurrency` workers; returns wall time in ms. */
async function pool(total, concurrency, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < total; i = next++) await task(i);
  }));
  return performance.now() - started;
}

const admin = async (sandbox, method, path, body) =>
  (await fetch(`${sandbox.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json();

/** The services and what their process spent (CPU, event loop) between measureStart and measureStop. */
async function startServicesHere(mtUrl, dyUrl) {
  const bus = new MemoryBus();
  const stack = await startStack({
    services: [identityService, vouchersService],
    databaseUrl: (s) => `${MYSQL}/${dbName(s)}`,
    bus,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: { ADMIN_PASSWORD: PASSWORD, DATA_ENCRYPTION_KEY: 'bench-encryption-key-0123456789', MEITUAN_API_URL: mtUrl, DOUYIN_API_URL: dyUrl, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', NODE_ENV: 'production' },
  });
  let m;
  return {
    gw: stack.gateway.url,
    measureStart() {
      // every statement of a transaction waits for this event loop before its answer is read
      const loopDelay = monitorEventLoopDelay({ resolution: 5 });
      loopDelay.enable();
      m = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), loopDelay };
    },
    measureStop() {
      const cpu = process.cpuUsage(m.cpu);
      m.loopDelay.disable();
      // the histogram's samples include its own 5 ms tick: what is beyond it is the loop's lateness
      const late = (ns) => Math.max(0, ns / 1e6 - 5);
      return { cpuMs: (cpu.user + cpu.system) / 1000, busy: performance.eventLoopUtilization(m.elu).utilization, lateP50: late(m.loopDelay.percentile(50)), lateP99: late(m.loopDelay.percentile(99)), lateMax: late(m.loopDelay.max) };
    },
    async stop() {
      await stack.stop();
      await bus.close();
    },
  };
}

/** The same in a child process (this script with --services), driven over IPC. */
async function startServicesApart(mtUrl, dyUrl) {
  const child = fork(new URL(import.meta.url).pathname, ['--services'], { env: { ...process.env, BENCH_SUFFIX: suffix, BENCH_MT_URL: mtUrl, BENCH_DY_URL: dyUrl } });
  const replies = [];
  const waiting = [];
  child.on('message', (msg) => (waiting.length ? waiting.shift()(msg) : replies.push(msg)));
  const next = () => new Promise((resolve, reject) => {
    if (replies.length) return resolve(replies.shift());
    waiting.push(resolve);
    child.once('exit', (code) => reject(new Error(`services process exited (${code})`)));
  });
  const ask = async (cmd) => {
    child.send({ cmd });
    const msg = await next();
    if (msg.error) throw new Error(msg.error);
    return msg;
  };
  const { gw } = await next();
  return {
    gw,
    measureStart: () => ask('measureStart'),
    measureStop: () => ask('measureStop'),
    stop: async () => {
      await ask('stop');
      child.disconnect();
    },
  };
}

if (process.argv.includes('--services')) {
  const services = await startServicesHere(process.env.BENCH_MT_URL, process.env.BENCH_DY_URL);
  process.send({ gw: services.gw });
  process.on('message', async ({ cmd }) => {
    try {
      process.send((await services[cmd]()) ?? {});
    } catch (err) {
      process.send({ error: String(err) });
    }
  });
} else {
  await main();
}

async function main() {
const ONE_PROCESS = process.env.BENCH_ONE_PROCESS === '1';
const mt = await startMeituanSandbox({ port: 0 });
const dy = await startDouyinSandbox({ port: 0 });
let services;
try {
  services = await (ONE_PROCESS ? startServicesHere : startServicesApart)(mt.url, dy.url);
  const gw = services.gw;
  const post = async (path, body, token, headers = {}) => {
    const res = await fetch(`${gw}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json(), timing: res.headers.get('server-timing') };
  };
  const login = await fetch(`${gw}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const token = (await login.json()).data.token;
  const auth = await post('/api/v1/meituan/auth', { auth_code: 'bench' }, token);
  if (auth.status !== 200) throw new Error(`meituan auth failed: ${JSON.stringify(auth.body)}`);
  for (const s of [mt, dy]) {
    await admin(s, 'POST', '/throttle', { qps: 100_000 });
    await admin(s, 'POST', '/faults', { latency_ms: LATENCY_MS });
  }
  // one phone in five buys twice: renewals, not only new cards
  const phone = (i) => `135${String(10_000_000 + (i % Math.ceil(VERIFIES * 0.8))).padStart(8, '0')}`;
  const mtCodes = [];
  const dyCodes = [];
  const receipts = [];
  const certs = [];
  for (let i = 0; i < VERIFIES + ROUND_TRIPS; i++) {
    if (i % 2 === 0 || i >= VERIFIES) {
      const code = `MTB${suffix}${i}`;
      (i < VERIFIES ? mtCodes : []).push(code);
      receipts.push({ receipt_code: code, deal_id: [610001, 610002, 610003, 610004][i % 4], mobile: phone(i) });
    } else {
      const code = `DYB${suffix}${i}`;
      dyCodes.push(code);
      certs.push({ code, sku_id: ['7100001', '7100002', '7100003'][i % 3], buyer_phone: phone(i) });
    }
  }
  await admin(mt, 'POST', '/receipts', receipts);
  await admin(dy, 'POST', '/certificates', certs);

  // phase 1: the sandbox round trip alone (what one Meituan verification costs at the platform)
  const session = (await (await fetch(`${mt.url}/router/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ app_key: MEITUAN_DEMO.appKey, app_secret: MEITUAN_DEMO.appSecret, grant_type: 'authorization_code', auth_code: 'bench-direct' }) })).json()).data.access_token;
  const signedCall = async (path, business) => {
    const p = { ...business, app_key: MEITUAN_DEMO.appKey, timestamp: sandboxCommon.beijingTimestamp(Date.now()), session, format: 'json', v: '1', sign_method: 'MD5' };
    p.sign = sandboxCommon.meituanSign(p, MEITUAN_DEMO.appSecret);
    const res = await fetch(`${mt.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString() });
    return res.json();
  };
  const direct = [];
  const directCodes = receipts.slice(-ROUND_TRIPS).map((r) => r.receipt_code);
  const directWall = await pool(ROUND_TRIPS, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const prep = await signedCall('/router/tuangou/receipt/prepare', { receipt_code: directCodes[i], open_shop_uuid: MEITUAN_DEMO.shopUuid });
    const cons = await signedCall('/router/tuangou/receipt/consume', { requestid: `bench${i}`, receipt_code: directCodes[i], count: '1', open_shop_uuid: MEITUAN_DEMO.shopUuid, app_shop_account: '1', app_shop_accountname: 'bench' });
    if (prep.code !== 200 || cons.code !== 200) throw new Error(`direct round trip failed: ${prep.code}/${cons.code}`);
    direct.push(performance.now() - t0);
  });

  // phase 2: verifications through the gateway
  const codes = [];
  for (let i = 0; i < Math.max(mtCodes.length, dyCodes.length); i++) {
    if (mtCodes[i]) codes.push(mtCodes[i]);
    if (dyCodes[i]) codes.push(dyCodes[i]);
  }
  const latency = [];
  const own = [];
  const platform = [];
  const failures = new Map();
  const phaseTimes = {};
  const cpuBefore = process.cpuUsage();
  await services.measureStart();
  const verifyWall = await pool(codes.length, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const r = await post('/api/v1/vouchers/verify', { voucher_code: codes[i] }, token);
    const ms = performance.now() - t0;
    if (r.status !== 200) {
      failures.set(`${r.status} ${r.body.message}`, (failures.get(`${r.status} ${r.body.message}`) ?? 0) + 1);
      return;
    }
    const phases = Object.fromEntries((r.timing ?? '').split(',').map((x) => /(\w+);dur=([\d.]+)/.exec(x.trim())).filter(Boolean).map((m) => [m[1], Number(m[2])]));
    for (const [k, v] of Object.entries(phases)) (phaseTimes[k] ??= []).push(v);
    const dur = phases.platform ?? 0;
    latency.push(ms);
    platform.push(dur);
    own.push(ms - dur);
  });

  const own_ = await services.measureStop();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerVerify = ((ONE_PROCESS ? 0 : cpu.user + cpu.system) / 1000 + own_.cpuMs) / codes.length;
  console.log(`\nvoucher verification benchmark — c=${CONCURRENCY}, ${LATENCY_MS} ms injected per platform call, MariaDB, in-memory bus, ${ONE_PROCESS ? 'everything in one process' : 'services in their own process'}\n`);
  report('sandbox round trip alone (prepare+consume)', direct);
  console.log(`${''.padEnd(44)} ${(ROUND_TRIPS / (directWall / 1000)).toFixed(1)} round trips/s`);
  report('verify through the gateway', latency);
  console.log(`${''.padEnd(44)} ${(latency.length / (verifyWall / 1000)).toFixed(1)} verifications/s`);
  report('  of which platform time (Server-Timing)', platform);
  report('  our own work (latency - platform time)', own);
  for (const [k, v] of Object.entries(phaseTimes)) if (k !== 'platform') report(`    service phase: ${k}`, v);
  console.log(`CPU per verification: ${cpuPerVerify.toFixed(1)} ms in all${ONE_PROCESS ? '' : `, of which the services' process ${(own_.cpuMs / codes.length).toFixed(1)} ms`}; machine load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
  console.log(`services' event loop during the verifications: busy ${(own_.busy * 100).toFixed(0)} % of the time; a timer fires late by p50 ${fmt(own_.lateP50)}  p99 ${fmt(own_.lateP99)}  max ${fmt(own_.lateMax)}`);
  console.log(`failures: ${failures.size ? JSON.stringify(Object.fromEntries(failures)) : 'none'}`);
  const p99 = pct(latency, 99);
  const ownP50 = pct(own, 50);
  console.log(`\ntargets: p99 < 2000 ms → ${p99 < 2000 ? 'met' : 'MISSED'} (${fmt(p99)}); own work p50 < 20 ms → ${ownP50 < 20 ? 'met' : 'MISSED'} (${fmt(ownP50)})\n`);
} finally {
  await services?.stop();
  await Promise.all([mt.stop(), dy.stop()]);
  const adminDb = new Sequelize(`${MYSQL}/`, { dialect: 'mysql', logging: false });
  for (const s of ['identity', 'vouchers']) await adminDb.query(`DROP DATABASE IF EXISTS \`${dbName(s)}\``);
  await adminDb.close();
}
}
