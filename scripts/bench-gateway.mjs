// Gateway overhead benchmark (not a test). Starts identity and the gateway as separate processes,
// as in production, on MariaDB, then drives one authenticated, database-backed GET (/api/roles)
// with autocannon (50 connections): first straight at identity, then through the gateway.
// Prints requests/s, p50 and p99 latency for both and their ratio.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const MYSQL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const IDENTITY_PORT = 18181;
const GATEWAY_PORT = 18180;
const PASSWORD = 'Bench#2026pass';

const common = { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
const children = [];
function start(name, script, env) {
  const child = spawn(process.execPath, [script], { env: { ...common, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(child);
  return child;
}
async function waitReady(url) {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${url} did not become ready`);
}
// the gateway first, so it does not log the upstream going away
const stopAll = () => [...children].reverse().forEach((c) => c.kill('SIGTERM'));
process.on('exit', stopAll);

function run(url, token, connections = CONNECTIONS, duration = DURATION) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, headers: { authorization: `Bearer ${token}` } }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}
const summary = (r) => ({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });

try {
  const db = `${MYSQL}/bench_gateway`;
  const identityEnv = {
    DATABASE_URL: db,
    BUS_URL: 'memory://',
    PORT: String(IDENTITY_PORT),
    ADMIN_PASSWORD: PASSWORD,
    INTERNAL_API_TOKEN: 'bench-internal-token-0123456789',
    MIGRATE_ON_START: 'true',
  };
  start('identity', 'services/identity/dist/main.js', identityEnv);
  await waitReady(`http://127.0.0.1:${IDENTITY_PORT}/readyz`);
  start('gateway', 'services/gateway/dist/main.js', {
    PORT: String(GATEWAY_PORT),
    IDENTITY_URL: `http://127.0.0.1:${IDENTITY_PORT}`,
    RATE_LIMIT_PER_MINUTE: '100000000',
    ACCESS_LOG: 'false',
  });
  await waitReady(`http://127.0.0.1:${GATEWAY_PORT}/healthz`);

  const login = await fetch(`http://127.0.0.1:${IDENTITY_PORT}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  }).then((r) => r.json());
  const token = login.data.token;
  const direct = `http://127.0.0.1:${IDENTITY_PORT}/api/roles`;
  const viaGateway = `http://127.0.0.1:${GATEWAY_PORT}/api/roles`;

  // warm up both paths (JIT, connection pools, keep-alive sockets)
  await new Promise((r) => autocannon({ url: direct, connections: 10, duration: 2, headers: { authorization: `Bearer ${token}` } }, r));
  await new Promise((r) => autocannon({ url: viaGateway, connections: 10, duration: 2, headers: { authorization: `Bearer ${token}` } }, r));

  // alternate the two paths so drift on a shared machine hits both alike; report the mean of the rounds
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
  const ds = [];
  const gs = [];
  for (let i = 0; i < ROUNDS; i++) {
    ds.push(summary(await run(direct, token)));
    gs.push(summary(await run(viaGateway, token)));
  }
  const avg = (list) => Object.fromEntries(Object.keys(list[0]).map((k) => [k, list.reduce((s, x) => s + x[k], 0) / list.length]));
  const d = avg(ds);
  const g = avg(gs);
  const fmt = (name, s) => `${name.padEnd(16)} ${s.rps.toFixed(0).padStart(7)} req/s   p50 ${s.p50.toFixed(1).padStart(5)} ms   p99 ${s.p99.toFixed(1).padStart(6)} ms   non-2xx ${s.non2xx}   errors ${s.errors}`;
  console.log(`\nGET /api/roles (authenticated, MariaDB-backed), ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s each path`);
  console.log(fmt('direct', d));
  console.log(fmt('via gateway', g));
  console.log(`gateway keeps ${((g.rps / d.rps) * 100).toFixed(1)} % of direct throughput; adds ${(g.p50 - d.p50).toFixed(1)} ms at p50 and ${(g.p99 - d.p99).toFixed(1)} ms at p99`);
  console.log('target: at least 65 % of direct throughput and under 2 ms added at p50');
  // At saturation p50 is about connections / throughput (Little's law), so it mostly reflects the
  // throughput lost; one connection shows what the extra hop itself costs a request.
  const d1 = summary(await run(direct, token, 1, 5));
  const g1 = summary(await run(viaGateway, token, 1, 5));
  console.log(`\nsame GET, 1 connection, 5 s each (the cost of the hop without queueing)`);
  console.log(fmt('direct', d1));
  console.log(fmt('via gateway', g1));
  const mean = (r) => 1000 / r.rps;
  console.log(`gateway adds ${(g1.p50 - d1.p50).toFixed(1)} ms at p50, ${(mean(g1) - mean(d1)).toFixed(2)} ms per request on average\n`);
} finally {
  stopAll();
}
