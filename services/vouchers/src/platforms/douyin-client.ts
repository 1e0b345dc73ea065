import type { ResilientHttpClient } from '@backoffice/kit';
import { businessDate } from '../domain/rules.js';
import { platformCall, platformHttpClient, platformError, PlatformThrottled } from './call.js';
import { refreshDue, type TokenStore } from './token-store.js';
import type { PlatformClient, PlatformVoucher, QueryResult, RedeemResult, RedemptionState, Refusal, ReverseResult, ReverseTarget } from './types.js';

export interface DouyinSettings {
  platformId: number;
  baseUrl: string;
  clientKey: string;
  clientSecret: string;
  poiId: string;
  timeoutMs: number;
  breakerResetMs: number;
}

interface Envelope<T = Record<string, any>> {
  data: { error_code: number; description: string } & T;
  extra?: { error_code: number; description: string; logid?: string };
}

const TOKEN_ERRORS = new Set([2190002, 2190008]);
const REFUSALS: Record<number, Refusal> = { 1206: 'not_found', 1208: 'used', 1209: 'expired', 1210: 'refunded' };
const ALREADY_VERIFIED = 1208;
/** A new token retires the old one five minutes later; refresh well before the end. */
const REFRESH_MARGIN_MS = 10 * 60_000;

const failed = (env: Envelope<unknown>) => env.data?.error_code !== 0 || (env.extra?.error_code ?? 0) !== 0;

/** Douyin 抖音来客 certificates (PLATFORMS.md) over the kit's resilient client. */
export class DouyinClient implements PlatformClient {
  readonly code = 'douyin' as const;
  readonly platformId: number;
  private readonly http: ResilientHttpClient;
  private fetching?: Promise<string>;

  constructor(
    private readonly s: DouyinSettings,
    private readonly tokens: TokenStore,
  ) {
    this.platformId = s.platformId;
    this.http = platformHttpClient('抖音', s);
  }

  breakerState() {
    return this.http.state;
  }

  shutdown() {
    this.http.shutdown();
  }

  async authorize() {
    const token = await this.fetchToken();
    const stored = await this.tokens.get(this.platformId);
    return { expires_at: stored?.token === token ? stored.expiresAt : new Date(Date.now() + 7_200_000) };
  }

  /** One fetch at a time per process; the result is stored for restarts and other replicas. */
  private fetchToken(): Promise<string> {
    this.fetching ??= (async () => {
      const env = await platformCall<Envelope<{ access_token?: string; expires_in?: number }>>(
        this.http,
        'douyin',
        'client_token',
        { method: 'post', url: '/oauth/client_token/', data: { client_key: this.s.clientKey, client_secret: this.s.clientSecret, grant_type: 'client_credential' } },
        false,
      );
      if (failed(env) || !env.data.access_token) throw platformError('douyin', `获取 client_token 失败：${env.data?.description ?? ''}`);
      await this.tokens.save(this.platformId, { token: env.data.access_token, expiresAt: new Date(Date.now() + Number(env.data.expires_in ?? 7200) * 1000), refresh: null });
      return env.data.access_token;
    })().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async token(stale?: string): Promise<string> {
    const stored = await this.tokens.get(this.platformId, !!stale);
    if (stored && stored.token !== stale && !refreshDue(stored, REFRESH_MARGIN_MS)) return stored.token;
    return this.fetchToken();
  }

  /** An authenticated call; a token the platform no longer accepts is replaced and the call sent again. */
  private async call<T>(method: 'get' | 'post', path: string, input: Record<string, unknown>, mutating: boolean): Promise<Envelope<T>> {
    let stale: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const token = await this.token(stale);
      const config =
        method === 'get'
          ? { method, url: path, params: input, headers: { 'access-token': token } }
          : { method, url: path, data: input, headers: { 'access-token': token } };
      const env = await platformCall<Envelope<T>>(this.http, 'douyin', path.split('/').filter(Boolean).pop()!, config, mutating);
      if (TOKEN_ERRORS.has(env.data?.error_code) && attempt === 1) {
        stale = token;
        await this.tokens.clear(this.platformId, token);
        continue;
      }
      if (env.data?.error_code === 2100009) throw new PlatformThrottled('douyin');
      return env;
    }
  }

  private toVoucher(c: any, verifyToken?: string): PlatformVoucher {
    return {
      code: String(c.code ?? ''),
      orderNo: c.order_id ? String(c.order_id) : null,
      dealId: String(c.sku?.sku_id ?? ''),
      title: String(c.sku?.title ?? ''),
      originalFen: Number(c.amount?.original_amount ?? 0),
      paidFen: Number(c.amount?.pay_amount ?? 0),
      phone: c.contact?.phone ? String(c.contact.phone) : null,
      name: c.contact?.name ? String(c.contact.name) : null,
      status: Number(c.status ?? 1),
      expireDate: c.expire_time ? businessDate(new Date(Number(c.expire_time) * 1000)) : null,
      createdAt: c.create_time ? new Date(Number(c.create_time) * 1000) : null,
      certificateId: c.certificate_id ? String(c.certificate_id) : null,
      encryptedCode: c.encrypted_code ? String(c.encrypted_code) : null,
      verifyToken: verifyToken ?? null,
    };
  }

  async query(code: string): Promise<QueryResult> {
    const env = await this.call<{ verify_token?: string; certificates?: any[] }>('get', '/goodlife/v1/fulfilment/certificate/prepare/', { code, poi_id: this.s.poiId }, false);
    if (!failed(env) && env.data.certificates?.length) {
      const c = env.data.certificates[0];
      return { ok: true, voucher: this.toVoucher({ ...c, code: c.code ?? code }, env.data.verify_token) };
    }
    if (REFUSALS[env.data?.error_code]) return { ok: false, refusal: REFUSALS[env.data.error_code] };
    throw platformError('douyin', env.data?.description ?? '未知错误');
  }

  async redeem(v: PlatformVoucher): Promise<RedeemResult> {
    const env = await this.call<{ verify_results?: any[] }>(
      'post',
      '/goodlife/v1/fulfilment/certificate/verify/',
      { verify_token: v.verifyToken, poi_id: this.s.poiId, ...(v.encryptedCode ? { encrypted_codes: [v.encryptedCode] } : { codes: [v.code] }) },
      true,
    );
    if (failed(env)) return { ok: false, refusal: 'other', message: env.data?.description ?? '' };
    const r = env.data.verify_results?.[0];
    if (!r) return { ok: false, refusal: 'other', message: '平台未返回核销结果' };
    if (r.result === 0) return { ok: true, verifyId: String(r.verify_id) };
    // the same verify_token again: 1208 with the first verify_id means our earlier attempt succeeded
    if (r.result === ALREADY_VERIFIED && r.verify_id) return { ok: true, verifyId: String(r.verify_id) };
    return { ok: false, refusal: REFUSALS[r.result] ?? 'other', message: String(r.msg ?? '') };
  }

  async redemptionState(v: PlatformVoucher): Promise<RedemptionState> {
    const env = await this.call<{ certificate?: any }>('get', '/goodlife/v1/fulfilment/certificate/get/', v.encryptedCode ? { encrypted_code: v.encryptedCode } : { code: v.code }, false);
    if (failed(env)) {
      if (env.data?.error_code === 1206) return { redeemed: false, verifyId: null };
      throw platformError('douyin', env.data?.description ?? '');
    }
    const c = env.data.certificate;
    return { redeemed: Number(c?.status) === 2, verifyId: c?.verify_id ? String(c.verify_id) : null, voucher: c ? this.toVoucher(c) : undefined };
  }

  async reverse(t: ReverseTarget, requestId: string): Promise<ReverseResult> {
    const env = await this.call('post', '/goodlife/v1/fulfilment/certificate/cancel/', { certificate_id: t.certificateId, verify_id: t.verifyId, cancel_token: requestId }, true);
    if (!failed(env)) return { ok: true };
    if (env.data.error_code === 1211) return { ok: false, refusal: 'window', message: env.data.description };
    if (env.data.error_code === 1213) return { ok: false, refusal: 'not_verified', message: env.data.description };
    return { ok: false, refusal: 'other', message: env.data.description };
  }

  async *listOrders(from: Date, to: Date): AsyncGenerator<PlatformVoucher[]> {
    let cursor = 0;
    for (;;) {
      const env = await this.call<{ certificates?: any[]; cursor?: number; has_more?: boolean }>(
        'get',
        '/goodlife/v1/fulfilment/certificate/query/',
        { cursor, size: 50, start_time: Math.floor(from.getTime() / 1000), end_time: Math.floor(to.getTime() / 1000) },
        false,
      );
      if (failed(env)) throw platformError('douyin', env.data?.description ?? '');
      const list = env.data.certificates ?? [];
      if (list.length) yield list.map((c) => this.toVoucher(c));
      if (!env.data.has_more || !list.length) break;
      cursor = Number(env.data.cursor ?? cursor + list.length);
    }
  }
}
