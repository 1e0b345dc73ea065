import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { concretePath, inBatches, startFullStack, type FullStack, type Operation } from './full-stack.js';

// Every route of the merged OpenAPI document gets generated input: missing, wrong-typed, oversized,
// unicode, negative and huge values, malformed JSON and multipart, hostile path parameters, odd
// headers. Whatever comes in: never a 5xx, never a stack trace or SQL text, always the envelope, and
// every service still ready afterwards. FUZZ_RUNS (cases per route, default 8), FUZZ_TIME_LIMIT_MS
// (default 25000) and FUZZ_SEED make it longer or reproducible; on loopback only.

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? (process.env.FUZZ_RUNS ? 600_000 : 25_000));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

// --- values ---------------------------------------------------------------------------------------

const hostileText = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '../../../../etc/passwd',
  "' OR '1'='1' -- ",
  '1; DROP TABLE users',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '__proto__',
  '%00',
  '\uFEFF\u202E\u200B',
  '𠜎𠜱𠝹𠱓😀👩‍👩‍👧‍👦',
  '\uD800',
  '2026-02-30',
  '9999-99-99T99:99:99Z',
  'NaN',
  '-0',
  '1e309',
  '0x1F',
  '123456789012345678901234567890',
);
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  hostileText,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('x'.repeat(70_000), '测'.repeat(20_000)),
  fc.integer(),
  fc.constantFrom(-1, 0, -2147483649, 2147483648, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e308, 0.1 + 0.2, 5e-324),
  fc.double(),
  fc.boolean(),
  fc.constantFrom([], {}, [null], { $gt: '' }, { toString: 'x' }),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 5 }),
  fc.array(fc.constant('x'), { minLength: 5000, maxLength: 5000 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 4 }),
);

type Schema = Record<string, any>;

/** A plausible value for a JSON schema, so that some requests get past validation into the handlers. */
function plausible(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => plausible(s, depth + 1)));
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date') return fc.constantFrom('2026-12-01', '2020-01-01');
      if (schema.format === 'date-time') return fc.constant(new Date(Date.now() + 86_400_000).toISOString());
      if (schema.format === 'email') return fc.constant('fuzz@example.com');
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 16, 32) });
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -5, -1e6), max: Math.min(schema.maximum ?? 1000, 1e6) });
    case 'number':
      return fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(plausible(schema.items, depth + 1), { maxLength: 3 });
    case 'object':
      return objectOf(schema, depth, false);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer());
  }
}

/** Each property valid, hostile or missing; now and then a prototype-polluting extra key. */
function objectOf(schema: Schema, depth: number, hostile: boolean): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const fields = properties.map(([name, prop]) =>
    fc.oneof(
      { weight: 3, arbitrary: plausible(prop, depth + 1) },
      { weight: hostile ? 3 : 0, arbitrary: nastyValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ).map((v) => [name, v] as const),
  );
  const extra = fc.option(fc.constantFrom<Record<string, unknown>>({ __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }, { role_id: 1 }), { freq: 5 });
  return fc.tuple(fc.tuple(...fields), extra).map(([pairs, more]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of pairs) if (v !== undefined) out[k] = v;
    if (more) Object.assign(out, JSON.parse(JSON.stringify(more)));
    return out;
  });
}

const pathValue = fc.oneof(
  fc.constantFrom('1', '0', '-1', '2', '999999999', '1.5', '1e3', 'abc', 'NaN', 'null', 'undefined', 'true', '[]', '{}'),
  fc.constantFrom('..', '../', '..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f', '%00', 'a%00b', '%FF', '%E4%BD', '%252e%252e', '%5C..%5C', '....//'),
  fc.constantFrom('9'.repeat(400), '1'.repeat(4000), 'x'.repeat(3000), '-9223372036854775809', '18446744073709551616'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
);

const rawJsonBodies = fc.constantFrom(
  '{',
  '{"a":',
  '[1,2',
  '{"a":1}garbage',
  "{'single':'quotes'}",
  '{"n": 1e400, "m": -1e400}',
  '{"amount": 123456789012345678901234567890, "id": 18446744073709551616}',
  '{"id": -0, "page": 1.0000000000000002}',
  '{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}',
  '"just a string"',
  'null',
  '12',
  '[]',
  '\u0000',
  '\uFEFF{}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
);

const headerJunk = fc.record(
  {
    'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }), fc.constant('k'.repeat(5000))),
    'if-match': fc.constantFrom('"x"', 'W/"1"', '*', '-1', '999999999999999999999'),
    'x-request-id': fc.constantFrom('\t', 'a b c', 'x'.repeat(500), '../../etc'),
    'accept-language': fc.constantFrom('zh-CN', 'xx', '*'),
  },
  { requiredKeys: [] },
).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, latin1(String(v))])));

const badAuthorization = fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer a.b.c', `Bearer ${'x'.repeat(8000)}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwicGVybXMiOlsiKiJdfQ.');

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD instead of throwing). */
function enc(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Header values must be latin1 on the wire. */
function latin1(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

// --- requests -------------------------------------------------------------------------------------

function multipart(field: string, parts: Array<{ name?: string; filename: string; type: string; bytes: Buffer }>, boundary = `----fuzz${Date.now()}`, truncate = false): { body: Buffer; type: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name ?? field}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`));
    chunks.push(p.bytes, Buffer.from('\r\n'));
  }
  if (!truncate) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function multipartCases(field: string): fc.Arbitrary<{ body: Buffer; type: string }> {
  const filename = fc.oneof(
    fc.constantFrom('receipt.png', '../../../etc/passwd', '..\\..\\win.ini', 'a\u0000.png', '"quoted".png', 'x'.repeat(1000) + '.png', '报告.xlsx', '.htaccess', 'shell.php.png'),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  ).map((n) => n.replace(/[\r\n"]/g, '_'));
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
    fc.constant(Buffer.from('<?php echo 1; ?>')),
    fc.constant(Buffer.from('PK\u0003\u0004not really a zip')),
    fc.constant(Buffer.alloc(0)),
    fc.constant(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')),
  );
  const type = fc.constantFrom('image/png', 'application/octet-stream', 'text/html', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '');
  const part = fc.record({ filename, type, bytes, name: fc.option(fc.constantFrom('other', field, ''), { nil: undefined }) });
  return fc.oneof(
    fc.tuple(fc.array(part, { minLength: 0, maxLength: 3 }), fc.boolean()).map(([parts, truncate]) => multipart(field, parts, undefined, truncate)),
    fc.array(part, { minLength: 30, maxLength: 40 }).map((parts) => multipart(field, parts)),
    fc.constant({ body: Buffer.from('--x\r\ngarbage'), type: 'multipart/form-data' }),
    fc.constant({ body: Buffer.from('no boundary here'), type: 'multipart/form-data; boundary=' }),
    fc.constant({ body: Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="a.png"\r\n\r\nabc'), type: 'multipart/form-data; boundary=b' }),
  );
}

function caseFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name);
  const queryParams = op.params.filter((p) => p.in === 'query');
  const path = fc.tuple(...pathParams.map(() => pathValue)).map((values) => {
    const byName = new Map(pathParams.map((name, i) => [name, values[i]]));
    return concretePath(op, (name) => byName.get(name) ?? '1');
  });
  const queryValue = fc.oneof(plausible({ type: 'string' }), nastyValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')));
  const query = fc
    .tuple(
      fc.tuple(...queryParams.map((p) =>
        fc.oneof(
          { weight: 2, arbitrary: plausible(p.schema).map((v) => [`${enc(p.name)}=${enc(String(v))}`]) },
          { weight: 2, arbitrary: queryValue.map((v) => [`${enc(p.name)}=${enc(String(v).slice(0, 1000))}`]) },
          { weight: 1, arbitrary: fc.constant([`${p.name}=1`, `${p.name}=2`]) },
          { weight: 1, arbitrary: fc.constant([`${p.name}[a]=1`, `${p.name}[__proto__][x]=1`]) },
          { weight: 1, arbitrary: fc.constant([]) },
        ),
      )),
      fc.constantFrom('', 'page=-1&pageSize=100000', 'page=1e9&pageSize=abc', '%ZZ=1', 'keyword=%25%5F').map((q) => (q ? q.split('&') : [])),
    )
    .map(([params, extra]) => [...params.flat(), ...extra].join('&'));

  const isWrite = op.method !== 'get' && op.method !== 'delete';
  const multipartField = op.body?.contentType === 'multipart/form-data' ? Object.keys(op.body.schema.properties ?? { files: 1 })[0] : undefined;
  type Body = { body?: Buffer; type?: string };
  const json = (v: unknown): Body => ({ body: Buffer.from(JSON.stringify(v) ?? 'null'), type: 'application/json' });
  const bodies: fc.Arbitrary<Body>[] = [fc.constant<Body>({})];
  if (isWrite || op.body) {
    const schema = op.body?.contentType === 'application/json' ? op.body.schema : { type: 'object', properties: {} };
    bodies.push(
      objectOf(schema, 0, true).map(json),
      objectOf(schema, 0, true).map(json),
      fc.jsonValue({ maxDepth: 3 }).map(json),
      rawJsonBodies.map((text) => ({ body: Buffer.from(text), type: 'application/json' })),
      fc.constantFrom<Body>(
        { body: Buffer.from('a=1&b[c]=2'), type: 'application/x-www-form-urlencoded' },
        { body: Buffer.from('<a>1</a>'), type: 'application/xml' },
        { body: Buffer.from('{"a":1}'), type: 'text/plain' },
        { body: Buffer.from('{"a":1}'), type: 'application/json; charset=utf-7' },
        { body: Buffer.from([0x1f, 0x8b, 0x08, 0x00]), type: 'application/json' },
      ),
    );
    if (multipartField) bodies.push(multipartCases(multipartField), multipartCases(multipartField));
  }
  const auth = fc.oneof({ weight: 5, arbitrary: fc.constant<'admin' | 'none' | string>('admin') }, { weight: 2, arbitrary: fc.constant('none') }, { weight: 1, arbitrary: badAuthorization });
  return fc.record({ path, query, body: fc.oneof(...bodies), headers: headerJunk, auth }).map(({ path: p, query: q, body, headers, auth: who }) => {
    const h: Record<string, string> = { ...headers };
    if (who === 'admin') h.authorization = 'ADMIN';
    else if (who !== 'none') h.authorization = latin1(who);
    if (body.type !== undefined) h['content-type'] = body.type;
    return {
      label: `${op.method.toUpperCase()} ${op.path}`,
      method: op.method.toUpperCase(),
      path: q ? `${p}?${q}` : p,
      headers: h,
      body: body.body,
    };
  });
}

/** Fixed cases that do not depend on a route. */
function generalCases(): FuzzRequest[] {
  const base = { headers: { authorization: 'ADMIN' } };
  const huge = Buffer.alloc(2 * 1024 * 1024, 'a');
  return [
    { label: 'body over the JSON limit', method: 'POST', path: '/api/menus', headers: { ...base.headers, 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from('{"name":"'), huge, Buffer.from('"}')]) },
    { label: 'request line over the header limit', method: 'GET', path: `/api/users/${'9'.repeat(20_000)}`, headers: base.headers },
    { label: 'header over the limit', method: 'GET', path: '/api/users', headers: { ...base.headers, 'x-filler': 'y'.repeat(20_000) } },
    { label: 'unknown method', method: 'PROPFIND', path: '/api/users', headers: base.headers },
    { label: 'traversal outside /api', method: 'GET', path: '/api/../internal/stats', headers: base.headers },
    { label: 'encoded traversal', method: 'GET', path: '/api/files/..%2F..%2F..%2Fetc%2Fpasswd', headers: base.headers },
    { label: 'internal route', method: 'GET', path: '/internal/stats', headers: { 'x-internal-token': 'guess' } },
    { label: 'double slash', method: 'GET', path: '//api//users', headers: base.headers },
    { label: 'content-length lies', method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-length': '5', connection: 'close' }, body: Buffer.from('{"username":"a"}') },
    { label: 'gzip that is not gzip', method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.from('{"a":1}') },
    { label: 'unknown content-encoding', method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'br2' }, body: Buffer.from('{"a":1}') },
  ];
}

// --- sending and judging --------------------------------------------------------------------------

interface Answer {
  status: number;
  type: string;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function send(base: URL, req: FuzzRequest, adminToken: string): Promise<Answer> {
  const headers = { ...req.headers };
  if (headers.authorization === 'ADMIN') headers.authorization = `Bearer ${adminToken}`;
  if (req.body && !('content-length' in headers)) headers['content-length'] = String(req.body.length);
  return new Promise((resolve, reject) => {
    const r = request({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size < 2_000_000) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error('no answer within 30 s')));
    r.on('error', reject);
    r.end(req.body);
  });
}

const STACK_TRACE = /\n\s+at [^\n]*:\d+:\d+|\bat (?:async )?[\w.<>]+ \((?:file:\/\/)?\/[^)]+:\d+:\d+\)|node_modules\/|\/work\/main\/|\.ts:\d+:\d+/;
const SQL_TEXT = /\bER_[A-Z_]{4,}\b|SQLITE_[A-Z]+|Sequelize[A-Z]\w*Error|You have an error in your SQL syntax|near "[^"]*": syntax error|\bsql_mode\b|\bSELECT\s+[\w*`.,\s]+\s+FROM\s+`?\w+`?\s+(?:AS\s+)?`?\w*`?\s*WHERE\b|\bINSERT INTO `|\bUPDATE `\w+` SET\b/i;

/**
 * A platform (sandbox) that refuses or is slow is the upstream's answer, passed on as the architecture
 * says (502/503/504 with the envelope and a reason of its own); any other 5xx is ours.
 */
function isUpstreamAnswer(answer: Answer): boolean {
  if (![502, 503, 504].includes(answer.status)) return false;
  try {
    const body = JSON.parse(answer.text);
    return typeof body.message === 'string' && typeof body.reason === 'string' && body.reason !== 'INTERNAL';
  } catch {
    return false;
  }
}

/** What is wrong with an answer, or null. */
function judge(answer: Answer): string | null {
  if (answer.status >= 500 && !isUpstreamAnswer(answer)) return `status ${answer.status}`;
  if (STACK_TRACE.test(answer.text)) return 'stack trace in the response';
  if (SQL_TEXT.test(answer.text)) return 'SQL text in the response';
  const isJson = /application\/json/.test(answer.type);
  if (answer.status >= 400 || isJson) {
    if (!isJson) return `not JSON (${answer.type || 'no content-type'}) for status ${answer.status}`;
    let body: any;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return 'malformed JSON';
    }
    if (!body || typeof body !== 'object' || typeof body.code !== 'number' || typeof body.message !== 'string') return 'not the envelope';
    if (answer.status >= 400 && (body.code === 0 || typeof body.reason !== 'string')) return 'error without a non-zero code and a reason';
    if (answer.status < 400 && body.code !== 0) return `status ${answer.status} with code ${body.code}`;
  }
  return null;
}

// every service runs in this process: a rejection nobody handles (which would end a real process)
// is caught here and reported with the requests that were in flight
const unhandled: string[] = [];
/** The last requests answered, to name suspects when a rejection cannot be tied to one request. */
const recent: string[] = [];
const onUnhandled = (err: unknown) => {
  const what = err instanceof Error ? `${err.message}\n${err.stack?.split('\n').slice(1, 6).join('\n')}` : String(err);
  unhandled.push(`${what}\n    (shortly after: ${recent.slice(-4).join(' ; ')})`);
};
process.on('unhandledRejection', onUnhandled);

let env: FullStack;
before(async () => {
  const t = Date.now();
  env = await startFullStack('fuzz');
  console.log(`fuzz: stack up in ${((Date.now() - t) / 1000).toFixed(1)} s`);
});
after(async () => {
  agent.destroy();
  await env?.stop();
  process.off('unhandledRejection', onUnhandled);
});

test('fuzzing every route: no 5xx, no stack trace or SQL, always the envelope, every service still ready', async () => {
  const base = new URL(env.url);
  const generating = Date.now();
  const requests: FuzzRequest[] = [...generalCases()];
  env.operations.forEach((op, i) => {
    requests.push(...fc.sample(caseFor(op), { numRuns: RUNS, seed: SEED + i }));
  });
  const generated = ((Date.now() - generating) / 1000).toFixed(1);
  const started = Date.now();
  let sent = 0;
  let skipped = 0;
  const statuses = new Map<number, number>();
  const upstream = new Set<string>();
  const findings: string[] = [];
  await inBatches(requests, 8, async (req) => {
    if (Date.now() - started > TIME_LIMIT_MS) {
      skipped++;
      return;
    }
    sent++;
    let answer: Answer;
    try {
      answer = await send(base, req, env.admin);
    } catch (err) {
      // a connection the server closes on purpose (e.g. a request line over the limit) is an answer of sorts
      if (req.label.includes('over the')) return;
      findings.push(`${req.label}: ${req.method} ${req.path.slice(0, 300)} → no answer (${(err as Error).message})`);
      return;
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    recent.push(`${req.label} [${req.headers['content-type'] ?? ''}] → ${answer.status}`);
    if (recent.length > 16) recent.shift();
    if (isUpstreamAnswer(answer)) upstream.add(`${req.label} → ${answer.status} ${answer.text.slice(0, 160)}`);
    const problem = judge(answer);
    if (problem) {
      const body = req.body ? ` body=${req.body.subarray(0, 300).toString('utf8')}${req.body.length > 300 ? `…(${req.body.length} bytes)` : ''}` : '';
      findings.push(`${req.label}: ${req.method} ${req.path.slice(0, 300)} [${req.headers['content-type'] ?? ''}]${body} → ${problem}: ${answer.text.slice(0, 400)}`);
    }
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: ${sent} requests to ${env.operations.length} routes in ${seconds} s (generated in ${generated} s; seed ${SEED}, ${RUNS} cases a route${skipped ? `, ${skipped} left unsent at the time limit` : ''}); ` +
      `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
  for (const u of upstream) console.log(`  upstream answer passed on: ${u}`);
  for (const f of findings.slice(0, 60)) console.log(`  FINDING ${f}`);

  await new Promise((r) => setTimeout(r, 500));
  // requests run 8 at a time, so a rejection is reported with its stack and the requests just answered
  for (const u of unhandled) findings.push(`unhandled promise rejection in a service: ${u}`);
  const unready: string[] = [];
  for (const service of [...Object.values(env.stack.services), { name: 'gateway', url: env.url }]) {
    const res = await fetch(`${service.url}/readyz`);
    if (res.status !== 200) unready.push(`${service.name}: ${res.status} ${await res.text()}`);
  }
  assert.deepEqual(unready, [], 'services not ready after the fuzzing');
  assert.ok(sent >= Math.min(requests.length, 200), `only ${sent} requests were sent`);
  assert.deepEqual(findings, [], `${findings.length} answers broke the rules (seed ${SEED})`);
});
