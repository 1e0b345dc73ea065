import { AppError } from '@backoffice/contracts';
import type { ResilientHttpClient } from '@backoffice/kit';
import { AxiosError } from 'axios';
import { platformCalls } from '../metrics.js';
import { PddApiError, PlatformUnavailable } from './errors.js';
import { signedForm } from './sign.js';

export interface TokenSource {
  /** The access token to use now. */
  current(): Promise<string>;
  /** The platform said `used` expired (10019): get a fresh one (once, however many callers ask). */
  renew(used: string): Promise<string>;
}

export interface PddCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Calls `POST <base>/api/router`: common parameters, uppercase-MD5 signature over exactly the sent
 * form, unix-second timestamp, `error_response` turned into PddApiError; an expired token (10019) is
 * renewed and the call made once more. Transport failures become PlatformUnavailable.
 */
export class PddClient {
  constructor(
    private readonly http: ResilientHttpClient,
    private readonly credentials: PddCredentials,
    private readonly tokens: TokenSource,
  ) {}

  async call<T = Record<string, unknown>>(type: string, biz: Record<string, unknown> = {}): Promise<T> {
    let token = await this.tokens.current();
    try {
      return await this.send<T>(type, biz, token);
    } catch (err) {
      if (!(err instanceof PddApiError) || err.code !== 10019) throw err;
      token = await this.tokens.renew(token);
      return this.send<T>(type, biz, token);
    }
  }

  /** A call without an access token (the auth APIs). */
  async callAnonymous<T = Record<string, unknown>>(type: string, biz: Record<string, unknown>): Promise<T> {
    return this.send<T>(type, biz, undefined);
  }

  private async send<T>(type: string, biz: Record<string, unknown>, accessToken: string | undefined): Promise<T> {
    const form = signedForm(
      {
        ...biz,
        type,
        client_id: this.credentials.clientId,
        access_token: accessToken,
        timestamp: Math.floor(Date.now() / 1000),
        data_type: 'JSON',
        version: 'V1',
      },
      this.credentials.clientSecret,
    );
    let data: unknown;
    try {
      const res = await this.http.request({
        method: 'post',
        url: '/api/router',
        data: new URLSearchParams(form).toString(),
        // every call we make is safe to repeat (reads, or writes keyed by out_biz_no/out_trans_no)
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `${type}:${form.sign}` },
      });
      data = res.data;
    } catch (err) {
      platformCalls.inc({ api: type, outcome: 'unavailable' });
      throw toUnavailable(err);
    }
    const body = data as { error_response?: { error_code: number; error_msg: string; sub_code?: string; sub_msg?: string } } | undefined;
    if (!body || typeof body !== 'object') {
      platformCalls.inc({ api: type, outcome: 'unavailable' });
      throw new PlatformUnavailable('拼多多接口返回了无法解析的内容', 'bad_response');
    }
    if (body.error_response) {
      const e = body.error_response;
      platformCalls.inc({ api: type, outcome: `error_${e.error_code}` });
      throw new PddApiError(Number(e.error_code), e.error_msg, e.sub_code, e.sub_msg);
    }
    platformCalls.inc({ api: type, outcome: 'ok' });
    return body as T;
  }
}

function toUnavailable(err: unknown): PlatformUnavailable {
  if (err instanceof AppError && err.reason === 'CIRCUIT_OPEN') return new PlatformUnavailable('拼多多接口暂时不可用（熔断中）', 'breaker_open');
  if (err instanceof AxiosError) {
    if (err.response) return new PlatformUnavailable(`拼多多接口返回 HTTP ${err.response.status}`, 'http_5xx');
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return new PlatformUnavailable('拼多多接口超时', 'timeout');
    return new PlatformUnavailable(`无法连接拼多多接口（${err.code ?? err.message}）`, 'network');
  }
  return new PlatformUnavailable(`拼多多接口调用失败（${err instanceof Error ? err.message : String(err)}）`, 'network');
}
