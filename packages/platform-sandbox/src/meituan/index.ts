import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { createSandboxCore } from '../common/admin.js';
import { beijingDate, parseBeijingTimestamp } from '../common/clock.js';
import { meituanSign } from '../common/signing.js';
import { listenSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox.js';
import { MEITUAN_DEALS, MEITUAN_DEMO, receiptView, seedReceipts, type Receipt } from './receipts.js';

export { MEITUAN_DEMO, MEITUAN_DEALS, type Receipt };

/** Error codes the imitation answers with ([inf] where PLATFORMS.md names none). */
export const MEITUAN_CODES = {
  ok: 200,
  sessionExpired: 608,
  sessionInvalid: 609,
  appKeyInvalid: 801,
  timestampInvalid: 802,
  signInvalid: 803,
  paramMissing: 805,
  throttled: 806,
  receiptNotFound: 1001,
  receiptUsed: 1002,
  receiptExpired: 1003,
  receiptRefunded: 1004,
  reverseWindowPassed: 1005,
  receiptNotConsumed: 1006,
  authCodeInvalid: 1007,
  shopMismatch: 1008,
  dealMismatch: 1009,
} as const;

const SKEW_MS = 10 * 60_000;
const REVERSE_WINDOW_MS = 10 * 60_000;

interface Session {
  token: string;
  refresh: string;
  expiresAt: number;
  remainRefresh: number;
}

/**
 * The Meituan/Dianping 北极星 group-buy receipt API (see PLATFORMS.md, part A): form-encoded
 * `/router/...` calls signed with MD5, sessions from `/router/oauth/token`, `{code, msg, data}`.
 */
export async function startMeituanSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const core = createSandboxCore(100);
  const { app, clock, admin } = core;
  const receipts = new Map<string, Receipt>();
  const sessions = new Map<string, Session>();
  const refreshTokens = new Map<string, Session>();
  const usedAuthCodes = new Set<string>();
  let sessionTtlSeconds = 30 * 86_400;
  let tokenCalls = 0;
  if (options.seed) for (const r of seedReceipts(clock.now())) receipts.set(r.receipt_code, r);

  const reply = (res: Response, code: number, msg: string, data?: unknown) => void res.json({ code, msg, ...(data === undefined ? {} : { data }) });

  app.use(express.urlencoded({ extended: false }));

  const issue = (): Session => {
    const s = { token: randomBytes(16).toString('hex'), refresh: randomBytes(16).toString('hex'), expiresAt: clock.now() + sessionTtlSeconds * 1000, remainRefresh: 10 };
    sessions.set(s.token, s);
    refreshTokens.set(s.refresh, s);
    return s;
  };

  app.post('/router/oauth/token', (req, res) => {
    tokenCalls += 1;
    const p = req.body as Record<string, string>;
    if (p.app_key !== MEITUAN_DEMO.appKey) return reply(res, MEITUAN_CODES.appKeyInvalid, 'app_key无效');
    if (p.app_secret !== MEITUAN_DEMO.appSecret) return reply(res, MEITUAN_CODES.signInvalid, 'app_secret错误');
    let session: Session;
    if (p.grant_type === 'authorization_code') {
      if (!p.auth_code || usedAuthCodes.has(p.auth_code)) return reply(res, MEITUAN_CODES.authCodeInvalid, 'auth_code无效或已使用');
      usedAuthCodes.add(p.auth_code);
      session = issue();
    } else if (p.grant_type === 'refresh_token') {
      const old = refreshTokens.get(p.refresh_token ?? '');
      if (!old || old.remainRefresh <= 0) return reply(res, MEITUAN_CODES.sessionInvalid, 'refresh_token无效');
      refreshTokens.delete(old.refresh);
      session = issue();
      session.remainRefresh = old.remainRefresh - 1;
    } else return reply(res, MEITUAN_CODES.paramMissing, 'grant_type错误');
    reply(res, 200, 'success', {
      access_token: session.token,
      expires_in: sessionTtlSeconds,
      refresh_token: session.refresh,
      remain_refresh_count: session.remainRefresh,
    });
  });

  /** Common parameters: app key, fresh timestamp, signature over exactly what was sent, live session, throttle. */
  const checked = (handler: (p: Record<string, string>, res: Response) => void) => (req: Request, res: Response) => {
    const p = (req.method === 'GET' ? req.query : req.body) as Record<string, string>;
    if (p.app_key !== MEITUAN_DEMO.appKey) return reply(res, MEITUAN_CODES.appKeyInvalid, 'app_key无效');
    const ts = parseBeijingTimestamp(String(p.timestamp ?? ''));
    if (Number.isNaN(ts) || Math.abs(ts - Date.now()) > SKEW_MS) return reply(res, MEITUAN_CODES.timestampInvalid, 'timestamp无效或已过期');
    if (p.sign_method !== 'MD5' || !p.sign || meituanSign(p, MEITUAN_DEMO.appSecret) !== p.sign) return reply(res, MEITUAN_CODES.signInvalid, '签名错误');
    const session = sessions.get(String(p.session ?? ''));
    if (!session) return reply(res, MEITUAN_CODES.sessionInvalid, 'session无效');
    if (session.expiresAt <= clock.now()) return reply(res, MEITUAN_CODES.sessionExpired, 'session已过期');
    if (!core.throttle.allow(p.app_key)) return reply(res, MEITUAN_CODES.throttled, '调用频率超过限制');
    if (p.open_shop_uuid !== undefined && p.open_shop_uuid !== MEITUAN_DEMO.shopUuid) return reply(res, MEITUAN_CODES.shopMismatch, '门店不存在或未授权');
    handler(p, res);
  };

  /** The receipt, or the refusal a redemption of it gets. */
  const usable = (code: string, res: Response): Receipt | undefined => {
    const r = receipts.get(code);
    if (!r) return void reply(res, MEITUAN_CODES.receiptNotFound, '券码不存在');
    if (r.status === 'used') return void reply(res, MEITUAN_CODES.receiptUsed, '券码已使用');
    if (r.status === 'refunded') return void reply(res, MEITUAN_CODES.receiptRefunded, '券码已退款');
    if (r.status === 'expired' || r.expire_at < clock.now()) return void reply(res, MEITUAN_CODES.receiptExpired, '券码已过期');
    return r;
  };

  app.post(
    '/router/tuangou/receipt/prepare',
    checked((p, res) => {
      if (!p.receipt_code) return reply(res, MEITUAN_CODES.paramMissing, '缺少参数receipt_code');
      const r = usable(p.receipt_code, res);
      if (r) reply(res, 200, 'success', { ...receiptView(r, clock.now()), count: 1 });
    }),
  );

  app.post(
    '/router/tuangou/receipt/scanprepare',
    checked((p, res) => {
      const code = Buffer.from(String(p.qr_code ?? ''), 'base64url').toString('utf8');
      const r = usable(code, res);
      if (r) reply(res, 200, 'success', { ...receiptView(r, clock.now()), count: 1 });
    }),
  );

  app.post(
    '/router/tuangou/receipt/consume',
    checked((p, res) => {
      if (!p.requestid || !p.receipt_code) return reply(res, MEITUAN_CODES.paramMissing, '缺少参数requestid或receipt_code');
      const existing = receipts.get(p.receipt_code);
      // the same requestid again: the first answer, nothing redeemed twice
      if (existing?.status === 'used' && existing.requestid === p.requestid) return reply(res, 200, 'success', [receiptView(existing, clock.now())]);
      const r = usable(p.receipt_code, res);
      if (!r) return;
      r.status = 'used';
      r.consumed_at = clock.now();
      r.requestid = p.requestid;
      r.consume_count += 1;
      reply(res, 200, 'success', [receiptView(r, clock.now())]);
    }),
  );

  app.post(
    '/router/tuangou/receipt/reverseconsume',
    checked((p, res) => {
      const r = receipts.get(p.receipt_code ?? '');
      if (!r) return reply(res, MEITUAN_CODES.receiptNotFound, '券码不存在');
      if (r.status !== 'used') return reply(res, MEITUAN_CODES.receiptNotConsumed, '券码未消费，无法撤销');
      if (String(r.deal_id) !== String(p.app_deal_id)) return reply(res, MEITUAN_CODES.dealMismatch, 'app_deal_id与券码不匹配');
      if (clock.now() - (r.consumed_at ?? 0) > REVERSE_WINDOW_MS) return reply(res, MEITUAN_CODES.reverseWindowPassed, '已超过撤销时限（验券后10分钟内可撤销）');
      r.status = 'unused';
      r.consumed_at = undefined;
      r.requestid = undefined;
      r.reverse_count += 1;
      reply(res, 200, 'success', { receipt_code: r.receipt_code, result: true });
    }),
  );

  app.get(
    '/router/tuangou/receipt/getconsumed',
    checked((p, res) => {
      const r = receipts.get(String(p.receipt_code ?? ''));
      if (!r) return reply(res, MEITUAN_CODES.receiptNotFound, '券码不存在');
      if (r.status !== 'used') return reply(res, MEITUAN_CODES.receiptNotConsumed, '券码未消费');
      reply(res, 200, 'success', { ...receiptView(r, clock.now()), requestid: r.requestid });
    }),
  );

  app.get(
    '/router/tuangou/receipt/querylistbydate',
    checked((p, res) => {
      const date = String(p.date ?? '');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return reply(res, MEITUAN_CODES.paramMissing, 'date格式应为yyyy-MM-dd');
      const offset = Math.max(0, Number(p.offset ?? 0));
      const limit = Math.min(100, Math.max(1, Number(p.limit ?? 20)));
      const all = [...receipts.values()].filter((r) => beijingDate(r.created_at) === date).sort((a, b) => a.receipt_code.localeCompare(b.receipt_code));
      reply(res, 200, 'success', { total: all.length, records: all.slice(offset, offset + limit).map((r) => receiptView(r, clock.now())) });
    }),
  );

  // admin: receipts in and out, session lifetime, token call count
  admin.post('/receipts', (req, res) => {
    const list = (Array.isArray(req.body) ? req.body : [req.body]) as Array<Partial<Receipt> & { expire_days?: number }>;
    const now = clock.now();
    const added = list.map((x, i) => {
      const deal = MEITUAN_DEALS.find((d) => d.deal_id === Number(x.deal_id)) ?? MEITUAN_DEALS[0];
      const r: Receipt = {
        receipt_code: x.receipt_code ?? `MT${Date.now()}${i}`,
        order_id: x.order_id ?? `MTO${randomBytes(5).toString('hex')}`,
        deal_id: x.deal_id ?? deal.deal_id,
        dealgroup_id: (x.deal_id ?? deal.deal_id) + 1000,
        deal_title: x.deal_title ?? deal.title,
        deal_price: x.deal_price ?? deal.price,
        deal_marketprice: x.deal_marketprice ?? deal.market,
        mobile: x.mobile ?? '13900000000',
        buyer_name: x.buyer_name ?? '美团用户',
        status: x.status ?? 'unused',
        expire_at: x.expire_at ?? now + (x.expire_days ?? 30) * 86_400_000,
        created_at: x.created_at ?? now,
        consumed_at: x.status === 'used' ? now : undefined,
        consume_count: x.status === 'used' ? 1 : 0,
        reverse_count: 0,
      };
      receipts.set(r.receipt_code, r);
      return r;
    });
    res.status(201).json(added);
  });
  admin.get('/receipts/:code', (req, res) => {
    const r = receipts.get(req.params.code);
    if (!r) return void res.status(404).json({ message: 'no such receipt' });
    res.json(r);
  });
  admin.patch('/receipts/:code', (req, res) => {
    const r = receipts.get(req.params.code);
    if (!r) return void res.status(404).json({ message: 'no such receipt' });
    Object.assign(r, req.body);
    res.json(r);
  });
  admin.post('/session-ttl', (req, res) => {
    sessionTtlSeconds = Number(req.body?.ttl_seconds ?? sessionTtlSeconds);
    res.json({ ttl_seconds: sessionTtlSeconds });
  });
  admin.get('/stats', (_req, res) => void res.json({ token_calls: tokenCalls, sessions: sessions.size }));

  return listenSandbox('meituan', app, options.port);
}
