import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { AppError } from '@backoffice/contracts';
import express from 'express';
import { ResilientHttpClient } from '../src/index.js';
import { sleep } from '../testing/index.js';

let server: Server;
let base: string;
let healthy = false;
let hits = 0;

before(async () => {
  const app = express();
  app.use((req, res) => {
    hits++;
    if (req.path === '/bad-request') return void res.status(400).json({ code: 1 });
    if (!healthy) return void res.status(500).json({ code: 500 });
    res.json({ code: 0, data: 'pong' });
  });
  server = await new Promise((r) => {
    const s = app.listen(0, () => r(s));
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('GETs are retried on 5xx; POSTs are not', async () => {
  const client = new ResilientHttpClient({ name: 'retry-upstream', baseURL: base, retries: 2, retryBaseMs: 5, breaker: { volumeThreshold: 100 } });
  healthy = false;
  hits = 0;
  await assert.rejects(client.request({ url: '/ping' }));
  assert.equal(hits, 3, 'one try and two retries');
  hits = 0;
  await assert.rejects(client.request({ url: '/ping', method: 'post' }));
  assert.equal(hits, 1, 'a POST is sent once');
  hits = 0;
  await assert.rejects(client.request({ url: '/ping', method: 'post', headers: { 'Idempotency-Key': 'k1' } }));
  assert.equal(hits, 3, 'a POST with an idempotency key may be retried');
  client.shutdown();
});

test('the breaker opens after failures, fails fast while open, and closes again', async () => {
  const client = new ResilientHttpClient({
    name: 'breaker-upstream',
    baseURL: base,
    retries: 0,
    breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 300 },
  });
  healthy = false;
  for (let i = 0; i < 3; i++) await assert.rejects(client.request({ url: '/ping' }));
  assert.equal(client.state, 'open');

  hits = 0;
  const started = Date.now();
  const err = await client.request({ url: '/ping' }).catch((e) => e);
  assert.ok(err instanceof AppError);
  assert.equal(err.status, 503);
  assert.equal(err.reason, 'CIRCUIT_OPEN');
  assert.equal(err.message, 'breaker-upstream 服务暂时不可用，请稍后重试');
  assert.equal(hits, 0, 'an open breaker does not call the upstream');
  assert.ok(Date.now() - started < 50, 'fails fast');

  healthy = true;
  await sleep(350);
  const res = await client.request<{ data: string }>({ url: '/ping' });
  assert.equal(res.data.data, 'pong');
  assert.equal(client.state, 'closed');
  client.shutdown();
});

test('4xx answers are the caller’s problem: they do not open the breaker', async () => {
  const client = new ResilientHttpClient({ name: 'client-errors', baseURL: base, retries: 0, breaker: { volumeThreshold: 2 } });
  for (let i = 0; i < 5; i++) await assert.rejects(client.request({ url: '/bad-request' }));
  assert.equal(client.state, 'closed');
  client.shutdown();
});
