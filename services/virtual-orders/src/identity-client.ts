import { AppError, roleCodes, unavailable } from '@backoffice/contracts';
import { ResilientHttpClient } from '@backoffice/kit';
import { AxiosError } from 'axios';

export const CS_LEVEL = 6;

export interface IdentityAccount {
  id: number;
  username: string;
  real_name: string | null;
  status: number;
  level: number;
  role_id: number;
  role?: string | null;
  created_at: string;
  deleted: boolean;
}

/**
 * identity's /internal API for the dedicated customer-service accounts (level 6). Creation is
 * once per username on identity's side, so it is sent with an Idempotency-Key and retried safely.
 */
export class IdentityClient {
  private readonly http: ResilientHttpClient;

  constructor(baseURL: string, token: string) {
    this.http = new ResilientHttpClient({ name: 'identity', baseURL, timeoutMs: 5000, retries: 2, headers: { 'x-internal-token': token } });
  }

  private async call<T>(method: string, url: string, data?: unknown, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; data: T }> {
    try {
      const res = await this.http.request<{ data: T }>({ method, url, data, params, headers });
      return { status: res.status, data: res.data.data };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof AxiosError && err.response && err.response.status < 500) {
        const body = err.response.data as { message?: string; reason?: string } | undefined;
        if (err.response.status === 401) throw unavailable('与身份服务的内部认证失败，请检查 INTERNAL_API_TOKEN', 'IDENTITY_AUTH_FAILED');
        throw new AppError(err.response.status, body?.message ?? '身份服务拒绝了请求', body?.reason ?? 'IDENTITY_REJECTED', 1);
      }
      throw unavailable('身份服务暂时不可用，请稍后重试', 'IDENTITY_UNAVAILABLE');
    }
  }

  /** Creates the account, or answers the one that already has this username (`created: false`). */
  async createCsAccount(input: { username: string; password: string; realName: string }) {
    const res = await this.call<{ id: number; username: string; created: boolean }>(
      'post',
      '/internal/accounts',
      { username: input.username, password: input.password, real_name: input.realName, role_code: roleCodes.virtualCustomerService, level: CS_LEVEL },
      undefined,
      { 'Idempotency-Key': `virtual-cs:${input.username}` },
    );
    return res.data;
  }

  async findByUsername(username: string): Promise<IdentityAccount | null> {
    try {
      return (await this.call<IdentityAccount>('get', `/internal/accounts/by-username/${encodeURIComponent(username)}`)).data;
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return null;
      throw err;
    }
  }

  async listCs(page: number, size: number) {
    return (await this.call<{ total: number; list: IdentityAccount[] }>('get', '/internal/accounts', undefined, { level: CS_LEVEL, page, size })).data;
  }

  async updateCs(id: number, body: { real_name?: string }) {
    return (await this.call<IdentityAccount>('put', `/internal/accounts/${id}`, body, { level: CS_LEVEL })).data;
  }

  async deleteCs(id: number) {
    return (await this.call<IdentityAccount>('delete', `/internal/accounts/${id}`, undefined, { level: CS_LEVEL })).data;
  }

  shutdown() {
    this.http.shutdown();
  }
}
