import { AppError, unavailable } from '@backoffice/contracts';
import { ResilientHttpClient } from '@backoffice/kit';

export interface IdentityCounts {
  userCount: number;
  roleCount: number;
  menuCount: number;
}

export interface OpenedAccount {
  id: number;
  username: string;
  created: boolean;
}

/** identity's /internal API (accounts for writers, counts for statistics) through the kit's resilient client. */
export class IdentityClient {
  private readonly http: ResilientHttpClient;

  constructor(baseURL: string, internalToken: string) {
    this.http = new ResilientHttpClient({
      name: 'identity',
      baseURL,
      timeoutMs: 2000,
      retries: 1,
      headers: { 'x-internal-token': internalToken },
      breaker: { resetTimeoutMs: 5000 },
    });
  }

  /** The counts, or null when identity cannot answer now (statistics still show the rest). */
  async counts(): Promise<IdentityCounts | null> {
    try {
      const res = await this.http.request<{ data: IdentityCounts }>({ method: 'get', url: '/internal/stats' });
      return res.data.data;
    } catch {
      return null;
    }
  }

  /** Opens an account (a repeat for the same username answers the existing one with created=false). */
  async openAccount(body: { username: string; password: string; real_name: string; role_code: string }): Promise<OpenedAccount> {
    try {
      // the username makes the call safe to repeat, so it may be retried
      const res = await this.http.request<{ data: OpenedAccount }>({ method: 'post', url: '/internal/accounts', data: body, headers: { 'idempotency-key': `writer-account:${body.username}` } });
      return res.data.data;
    } catch (err) {
      if (err instanceof AppError) throw err;
      // an axios error carries the upstream's answer when there was one
      const answer = (err as { response?: { status: number; data?: unknown } }).response;
      if (answer && answer.status < 500) {
        const message = (answer.data as { message?: string } | undefined)?.message ?? '开通账号失败';
        throw new AppError(answer.status === 409 ? 409 : 400, message, 'IDENTITY_REFUSED');
      }
      throw unavailable('身份服务暂时不可用，请稍后重试', 'IDENTITY_UNAVAILABLE');
    }
  }

  shutdown() {
    this.http.shutdown();
  }
}
