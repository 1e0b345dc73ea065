import { unprocessable } from '@backoffice/contracts';
import type { ResilientHttpClient } from '@backoffice/kit';
import { toFen } from '../domain/money.js';
import { addDays, businessDate } from '../domain/rules.js';
import { platformCall, platformHttpClient, platformError, PlatformThrottled } from './call.js';
import { meituanSign, meituanTimestamp } from './meituan-sign.js';
import { refreshDue, type TokenStore } from './token-store.js';
import type { PlatformClient, PlatformVoucher, QueryResult, RedeemResult, RedemptionState, Refusal, ReverseResult, ReverseTarget } from './types.js';

export interface MeituanSettings {
  platformId: number;
  baseUrl: string;
  appKey: string;
  appSecret: string;
  shopUuid: string;
  timeoutMs: number;
  breakerResetMs: number;
}

interface Envelope<T = any> {
  code: number;
  msg: string;
  data?: T;
}

const SESSION_EXPIRED = 608;
const SESSION_INVALID = 609;
const REFUSALS: Record<number, Refusal> = { 1001: 'not_found', 1002: 'used', 1003: 'expired', 1004: 'refunded' };
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Meituan/Dianping 北极星 receipts (PLATFORMS.md part A) over the kit's resilient client. */
export class MeituanClient implements PlatformClient {
  readonly code = 'meituan' as const;
  readonly platformId: number;
  private readonly http: ResilientHttpClient;
  private refreshing?: Promise<string>;

  constructor(
    private readonly s: MeituanSettings,
    private readonly tokens: TokenStore,
  ) {
    this.platformId = s.platformId;
    this.http = platformHttpClient('美团', s);
  }

  breakerState() {
    return this.http.state;
  }

  shutdown() {
    this.http.shutdown();
  }

  async authorize(authCode?: string) {
    if (!authCode) throw unprocessable('请提供美团授权码 auth_code', 'AUTH_CODE_REQUIRED');
    return { expires_at: (await this.exchange({ grant_type: 'authorization_code', auth_code: authCode })).expiresAt };
  }

  private async exchange(grant: Record<string, string>) {
    const body = new URLSearchParams({ app_key: this.s.appKey, app_secret: this.s.appSecret, ...grant });
    const env = await platformCall<Envelope>(this.http, 'meituan', 'oauth/token', { method: 'post', url: '/router/oauth/token', data: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }, false);
    if (env.code !== 200 || !env.data?.access_token) throw platformError('meituan', `授权失败：${env.msg}`);
    const token = { token: String(env.data.access_token), expiresAt: new Date(Date.now() + Number(env.data.expires_in) * 1000), refresh: env.data.refresh_token ?? null, issuedAt: new Date() };
    await this.tokens.save(this.platformId, token);
    return token;
  }

  /** The stored session, refreshed (once per process at a time) when it is about to expire. */
  private async session(stale?: string): Promise<string> {
    const stored = await this.tokens.get(this.platformId, !!stale);
    const forceRefresh = !!stale && stored?.token === stale;
    if (!stored) throw unprocessable('美团尚未授权，请先完成授权（POST /api/v1/meituan/auth）', 'PLATFORM_NOT_AUTHORIZED');
    if (!forceRefresh && !refreshDue(stored, REFRESH_MARGIN_MS)) return stored.token;
    if (!stored.refresh) throw unprocessable('美团授权已过期，请重新授权（POST /api/v1/meituan/auth）', 'PLATFORM_NOT_AUTHORIZED');
    this.refreshing ??= this.exchange({ grant_type: 'refresh_token', refresh_token: stored.refresh })
      .then((t) => t.token)
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** A signed call; an expired session is refreshed and the call sent again (the platform refused it, nothing happened). */
  private async call<T>(method: 'get' | 'post', path: string, business: Record<string, string>, mutating: boolean): Promise<Envelope<T>> {
    let stale: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const session = await this.session(stale);
      const params: Record<string, string> = {
        ...business,
        app_key: this.s.appKey,
        timestamp: meituanTimestamp(new Date()),
        session,
        format: 'json',
        v: '1',
        sign_method: 'MD5',
      };
      params.sign = meituanSign(params, this.s.appSecret);
      const form = new URLSearchParams(params).toString();
      const config =
        method === 'get'
          ? { method, url: `${path}?${form}` }
          : // prepare is a read: marking it idempotent lets the kit retry it; consume/reverse are never retried blindly
            { method, url: path, data: form, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(mutating ? {} : { 'idempotency-key': 'read' }) } };
      const env = await platformCall<Envelope<T>>(this.http, 'meituan', path.split('/').pop()!, config, mutating);
      if ((env.code === SESSION_EXPIRED || env.code === SESSION_INVALID) && attempt === 1) {
        // another replica may have refreshed already: the database is read before refreshing
        stale = session;
        continue;
      }
      if (env.code === 806) throw new PlatformThrottled('meituan');
      if (env.code >= 800 && env.code < 900) throw platformError('meituan', env.msg);
      return env;
    }
  }

  private toVoucher(d: any): PlatformVoucher {
    return {
      code: String(d.receipt_code),
      orderNo: d.order_id ? String(d.order_id) : null,
      dealId: String(d.deal_id),
      title: String(d.deal_title ?? ''),
      originalFen: toFen(d.deal_marketprice ?? d.deal_price),
      paidFen: toFen(d.deal_price),
      phone: d.mobile ? String(d.mobile) : null,
      name: d.buyer_name ? String(d.buyer_name) : null,
      status: Number(d.status ?? 1),
      expireDate: d.receipt_end_date ? String(d.receipt_end_date).slice(0, 10) : null,
      createdAt: d.create_time ? new Date(`${String(d.create_time).replace(' ', 'T')}+08:00`) : null,
    };
  }

  async query(code: string): Promise<QueryResult> {
    const env = await this.call('post', '/router/tuangou/receipt/prepare', { receipt_code: code, open_shop_uuid: this.s.shopUuid }, false);
    if (env.code === 200) return { ok: true, voucher: this.toVoucher(env.data) };
    if (REFUSALS[env.code]) return { ok: false, refusal: REFUSALS[env.code] };
    throw platformError('meituan', env.msg);
  }

  async redeem(v: PlatformVoucher, requestId: string, operator: { id: number; name: string }): Promise<RedeemResult> {
    const env = await this.call<unknown>(
      'post',
      '/router/tuangou/receipt/consume',
      { requestid: requestId, receipt_code: v.code, count: '1', open_shop_uuid: this.s.shopUuid, app_shop_account: String(operator.id), app_shop_accountname: operator.name },
      true,
    );
    if (env.code === 200) return { ok: true, verifyId: requestId };
    return { ok: false, refusal: REFUSALS[env.code] ?? 'other', message: env.msg };
  }

  async redemptionState(v: PlatformVoucher): Promise<RedemptionState> {
    const env = await this.call<{ requestid?: string }>('get', '/router/tuangou/receipt/getconsumed', { receipt_code: v.code, open_shop_uuid: this.s.shopUuid }, false);
    if (env.code === 200) return { redeemed: true, verifyId: env.data?.requestid ?? null, voucher: this.toVoucher(env.data) };
    if (env.code === 1006 || env.code === 1001) return { redeemed: false, verifyId: null };
    throw platformError('meituan', env.msg);
  }

  async reverse(t: ReverseTarget, _requestId: string, operator: { id: number; name: string }): Promise<ReverseResult> {
    const env = await this.call(
      'post',
      '/router/tuangou/receipt/reverseconsume',
      { app_deal_id: t.dealId ?? '', receipt_code: t.code, open_shop_uuid: this.s.shopUuid, app_shop_account: String(operator.id), app_shop_accountname: operator.name },
      true,
    );
    if (env.code === 200) return { ok: true };
    if (env.code === 1005) return { ok: false, refusal: 'window', message: env.msg };
    if (env.code === 1006) return { ok: false, refusal: 'not_verified', message: env.msg };
    return { ok: false, refusal: 'other', message: env.msg };
  }

  async *listOrders(from: Date, to: Date): AsyncGenerator<PlatformVoucher[]> {
    for (let date = businessDate(from); date <= businessDate(to); date = addDays(date, 1)) {
      for (let offset = 0; ; offset += 100) {
        const env = await this.call<{ total: number; records: unknown[] }>('get', '/router/tuangou/receipt/querylistbydate', { date, offset: String(offset), limit: '100' }, false);
        if (env.code !== 200) throw platformError('meituan', env.msg);
        const records = env.data?.records ?? [];
        if (records.length) yield records.map((r) => this.toVoucher(r));
        if (records.length < 100) break;
      }
    }
  }
}
