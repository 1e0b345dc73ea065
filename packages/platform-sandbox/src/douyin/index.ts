import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { createSandboxCore } from '../common/admin.js';
import { listenSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox.js';
import { certificateView, decryptCode, DOUYIN_DEMO, DOUYIN_SKUS, encryptCode, seedCertificates, type Certificate } from './certificates.js';

export { DOUYIN_DEMO, DOUYIN_SKUS, encryptCode, type Certificate };

/** Error codes ([doc] for the token ones, [inf] for the rest). */
export const DOUYIN_CODES = {
  ok: 0,
  params: 10002,
  unknownKey: 10003,
  wrongSecret: 10013,
  tokenThrottled: 10020,
  tokenInvalid: 2190002,
  tokenExpired: 2190008,
  throttled: 2100009,
  notFound: 1206,
  alreadyVerified: 1208,
  expired: 1209,
  refunded: 1210,
  cancelWindowPassed: 1211,
  verifyTokenInvalid: 1212,
  notVerified: 1213,
  poiMismatch: 1214,
} as const;

const TOKEN_OVERLAP_S = 300;
const VERIFY_TOKEN_TTL_S = 600;
const CANCEL_WINDOW_S = 3600;

interface ClientToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

interface Prepared {
  codes: string[];
  expiresAt: number;
  results?: Array<Record<string, unknown>>;
}

/**
 * Douyin 抖音来客 fulfilment API (PLATFORMS.md): `client_token` with the 5-minute overlap (only the two
 * newest tokens live), `access-token` header, prepare → verify with `verify_token` as the idempotency
 * key, cancel within an hour, the `{data:{error_code}, extra:{...}}` envelope.
 */
export async function startDouyinSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const core = createSandboxCore(200);
  const { app, clock, admin } = core;
  const nowS = () => Math.floor(clock.now() / 1000);
  const certs = new Map<string, Certificate>();
  const tokens: ClientToken[] = [];
  const tokenCallTimes: number[] = [];
  const prepared = new Map<string, Prepared>();
  const cancelTokens = new Set<string>();
  let tokenTtl = 7200;
  if (options.seed) for (const c of seedCertificates(nowS())) certs.set(c.code, c);

  app.use(express.json());

  const reply = (res: Response, errorCode: number, description: string, data: Record<string, unknown> = {}) =>
    void res.json({
      data: { error_code: errorCode, description, ...data },
      extra: { error_code: errorCode, description, sub_error_code: 0, sub_description: '', logid: randomBytes(8).toString('hex'), now: clock.now() },
    });

  app.post('/oauth/client_token/', (req, res) => {
    const b = (req.body ?? {}) as Record<string, string>;
    const now = nowS();
    while (tokenCallTimes.length && tokenCallTimes[0] < now - 300) tokenCallTimes.shift();
    if (tokenCallTimes.length >= 500) return reply(res, DOUYIN_CODES.tokenThrottled, '请求过于频繁，5分钟内最多500次');
    tokenCallTimes.push(now);
    if (b.grant_type !== 'client_credential' || !b.client_key || !b.client_secret) return reply(res, DOUYIN_CODES.params, '参数不合法');
    if (b.client_key !== DOUYIN_DEMO.clientKey) return reply(res, DOUYIN_CODES.unknownKey, 'client_key不存在');
    if (b.client_secret !== DOUYIN_DEMO.clientSecret) return reply(res, DOUYIN_CODES.wrongSecret, 'client_key或client_secret错误');
    const t = { token: `clt.${randomBytes(16).toString('hex')}`, issuedAt: now, expiresAt: now + tokenTtl };
    tokens.push(t);
    reply(res, 0, '', { access_token: t.token, expires_in: tokenTtl });
  });

  /** Live when unexpired and either the newest, or the one before it within 5 minutes of its successor. */
  const tokenState = (value: string | undefined): 'ok' | 'invalid' | 'expired' => {
    const i = tokens.findIndex((t) => t.token === value);
    if (i < 0) return 'invalid';
    const t = tokens[i];
    const now = nowS();
    if (t.expiresAt <= now) return 'expired';
    const newer = tokens.length - 1 - i;
    if (newer === 0) return 'ok';
    if (newer === 1 && tokens[i + 1].issuedAt + TOKEN_OVERLAP_S > now) return 'ok';
    return 'expired';
  };

  const authed = (handler: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    const state = tokenState(req.get('access-token'));
    if (state === 'invalid') return reply(res, DOUYIN_CODES.tokenInvalid, 'access_token无效');
    if (state === 'expired') return reply(res, DOUYIN_CODES.tokenExpired, 'access_token过期');
    if (!core.throttle.allow('client')) return reply(res, DOUYIN_CODES.throttled, '请求过于频繁，请稍后重试');
    handler(req, res);
  };

  const refusal = (c: Certificate | undefined): [number, string] | undefined => {
    if (!c) return [DOUYIN_CODES.notFound, '券码不存在'];
    if (c.status === 'used') return [DOUYIN_CODES.alreadyVerified, '券码已核销'];
    if (c.status === 'refunded') return [DOUYIN_CODES.refunded, '券码已退款'];
    if (c.status === 'expired' || c.expire_time < nowS()) return [DOUYIN_CODES.expired, '券码已过期'];
    return undefined;
  };

  const lookup = (q: Record<string, unknown>) => {
    const code = q.code ? String(q.code) : q.encrypted_data ? decryptCode(String(q.encrypted_data)) : q.encrypted_code ? decryptCode(String(q.encrypted_code)) : undefined;
    return code ? certs.get(code) : undefined;
  };

  app.get(
    '/goodlife/v1/fulfilment/certificate/prepare/',
    authed((req, res) => {
      if ((!req.query.code && !req.query.encrypted_data) || !req.query.poi_id) return reply(res, DOUYIN_CODES.params, '缺少code/encrypted_data或poi_id');
      if (req.query.poi_id !== DOUYIN_DEMO.poiId) return reply(res, DOUYIN_CODES.poiMismatch, '门店不存在或未授权');
      const c = lookup(req.query);
      const refused = refusal(c);
      if (refused) return reply(res, refused[0], refused[1]);
      const verifyToken = randomBytes(12).toString('hex');
      prepared.set(verifyToken, { codes: [c!.code], expiresAt: nowS() + VERIFY_TOKEN_TTL_S });
      reply(res, 0, '', { verify_token: verifyToken, order_id: c!.order_id, certificates: [certificateView(c!, nowS())] });
    }),
  );

  app.post(
    '/goodlife/v1/fulfilment/certificate/verify/',
    authed((req, res) => {
      const b = (req.body ?? {}) as { verify_token?: string; poi_id?: string; encrypted_codes?: string[]; codes?: string[] };
      if (!b.verify_token || !b.poi_id || (!b.encrypted_codes?.length && !b.codes?.length)) return reply(res, DOUYIN_CODES.params, '缺少verify_token、poi_id或券码');
      const prep = prepared.get(b.verify_token);
      if (!prep || prep.expiresAt < nowS()) return reply(res, DOUYIN_CODES.verifyTokenInvalid, 'verify_token无效或已过期');
      // the same verify_token again: each certificate answers 1208 with the first verify_id
      if (prep.results) return reply(res, 0, '', { verify_results: prep.results.map((r) => ({ ...r, result: DOUYIN_CODES.alreadyVerified, msg: '已核销' })) });
      const codes = b.codes ?? (b.encrypted_codes ?? []).map((e) => decryptCode(e) ?? '');
      const results = codes.map((code) => {
        const c = certs.get(code);
        if (!c || !prep.codes.includes(code)) return { result: DOUYIN_CODES.notFound, msg: '券码与verify_token不匹配', code };
        const refused = refusal(c);
        if (refused) return { result: refused[0], msg: refused[1], certificate_id: c.certificate_id, code };
        c.status = 'used';
        c.verify_id = `V${randomBytes(8).toString('hex')}`;
        c.verify_time = nowS();
        c.verify_token = b.verify_token;
        c.verify_count += 1;
        return { result: 0, msg: 'success', verify_id: c.verify_id, certificate_id: c.certificate_id, code: c.encrypted_code, verify_time: c.verify_time, order_id: c.order_id };
      });
      prep.results = results.filter((r) => r.result === 0);
      reply(res, 0, '', { verify_results: results });
    }),
  );

  app.post(
    '/goodlife/v1/fulfilment/certificate/cancel/',
    authed((req, res) => {
      const b = (req.body ?? {}) as { certificate_id?: string; verify_id?: string; cancel_token?: string };
      if (!b.certificate_id || !b.verify_id) return reply(res, DOUYIN_CODES.params, '缺少certificate_id或verify_id');
      if (b.cancel_token && cancelTokens.has(b.cancel_token)) return reply(res, 0, '', {});
      const c = [...certs.values()].find((x) => x.certificate_id === b.certificate_id);
      if (!c) return reply(res, DOUYIN_CODES.notFound, '券码不存在');
      if (c.status !== 'used' || c.verify_id !== b.verify_id) return reply(res, DOUYIN_CODES.notVerified, '券码未核销或verify_id不匹配');
      if (nowS() - (c.verify_time ?? 0) > CANCEL_WINDOW_S) return reply(res, DOUYIN_CODES.cancelWindowPassed, '已超过撤销时限（核销后1小时内可撤销）');
      c.status = 'unused';
      c.verify_id = undefined;
      c.verify_time = undefined;
      c.cancel_count += 1;
      if (b.cancel_token) cancelTokens.add(b.cancel_token);
      reply(res, 0, '', {});
    }),
  );

  app.get(
    '/goodlife/v1/fulfilment/certificate/get/',
    authed((req, res) => {
      const c = lookup(req.query);
      if (!c) return reply(res, DOUYIN_CODES.notFound, '券码不存在');
      reply(res, 0, '', { certificate: certificateView(c, nowS()) });
    }),
  );

  app.get(
    '/goodlife/v1/fulfilment/certificate/query/',
    authed((req, res) => {
      const size = Math.min(50, Math.max(1, Number(req.query.size ?? 20)));
      const cursor = Math.max(0, Number(req.query.cursor ?? 0));
      const start = Number(req.query.start_time ?? 0);
      const end = Number(req.query.end_time ?? Number.MAX_SAFE_INTEGER);
      const all = [...certs.values()].filter((c) => c.create_time >= start && c.create_time <= end).sort((a, b) => a.code.localeCompare(b.code));
      const page = all.slice(cursor, cursor + size);
      reply(res, 0, '', { certificates: page.map((c) => certificateView(c, nowS())), cursor: cursor + page.length, has_more: cursor + page.length < all.length, total: all.length });
    }),
  );

  admin.post('/certificates', (req, res) => {
    const list = (Array.isArray(req.body) ? req.body : [req.body]) as Array<Partial<Certificate> & { expire_days?: number }>;
    const now = nowS();
    const added = list.map((x, i) => {
      const sku = DOUYIN_SKUS.find((s) => s.sku_id === x.sku_id) ?? DOUYIN_SKUS[0];
      const code = x.code ?? `DY${Date.now()}${i}`;
      const c: Certificate = {
        code,
        encrypted_code: encryptCode(code),
        certificate_id: x.certificate_id ?? `7${Date.now()}${i}`,
        order_id: x.order_id ?? `DYO${randomBytes(5).toString('hex')}`,
        sku_id: sku.sku_id,
        sku_title: x.sku_title ?? sku.title,
        original: x.original ?? sku.original,
        pay: x.pay ?? sku.pay,
        buyer_phone: x.buyer_phone ?? '13700000000',
        buyer_name: x.buyer_name ?? '抖音用户',
        status: x.status ?? 'unused',
        expire_time: x.expire_time ?? now + (x.expire_days ?? 30) * 86_400,
        create_time: x.create_time ?? now,
        verify_count: 0,
        cancel_count: 0,
      };
      certs.set(code, c);
      return c;
    });
    res.status(201).json(added);
  });
  admin.get('/certificates/:code', (req, res) => {
    const c = certs.get(req.params.code);
    if (!c) return void res.status(404).json({ message: 'no such certificate' });
    res.json(c);
  });
  admin.patch('/certificates/:code', (req, res) => {
    const c = certs.get(req.params.code);
    if (!c) return void res.status(404).json({ message: 'no such certificate' });
    Object.assign(c, req.body);
    res.json(c);
  });
  admin.post('/token-ttl', (req, res) => {
    tokenTtl = Number(req.body?.ttl_seconds ?? tokenTtl);
    res.json({ ttl_seconds: tokenTtl });
  });
  admin.get('/stats', (_req, res) => void res.json({ token_calls: tokens.length }));

  return listenSandbox('douyin', app, options.port);
}
