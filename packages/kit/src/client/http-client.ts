import { unavailable } from '@backoffice/contracts';
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import CircuitBreaker from 'opossum';
import { breakerState, upstreamCalls } from '../metrics.js';
import { currentContext } from '../context.js';

export interface HttpClientOptions {
  /** Upstream name, used in metrics and error messages. */
  name: string;
  baseURL: string;
  timeoutMs?: number;
  /** Extra attempts for idempotent calls (GET/HEAD/PUT/DELETE, or any call with an Idempotency-Key). */
  retries?: number;
  retryBaseMs?: number;
  breaker?: {
    /** Failure percentage in the rolling window that opens the breaker. */
    errorThresholdPercentage?: number;
    /** Calls in the window before the percentage counts. */
    volumeThreshold?: number;
    /** How long the breaker stays open before letting one trial call through. */
    resetTimeoutMs?: number;
    rollingCountTimeoutMs?: number;
  };
  headers?: Record<string, string>;
}

const IDEMPOTENT = new Set(['get', 'head', 'put', 'delete', 'options']);

/** Timeouts, network errors, 5xx and 429 are worth another try; other 4xx are the caller's problem. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof AxiosError)) return false;
  if (!err.response) return true;
  return err.response.status >= 500 || err.response.status === 429;
}

/** The upstream answered, and the answer was a client error: not the upstream's failure. */
const isClientError = (err: unknown) => err instanceof AxiosError && !!err.response && err.response.status < 500 && err.response.status !== 429;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls another service or platform: axios with a timeout, retries with exponential backoff and full
 * jitter for idempotent calls only, and an opossum circuit breaker that fails fast with a 503
 * while the upstream is known to be down. Breaker state and call outcomes are metrics.
 */
export class ResilientHttpClient {
  readonly axios: AxiosInstance;
  readonly breaker: CircuitBreaker<[AxiosRequestConfig], AxiosResponse>;

  constructor(private readonly options: HttpClientOptions) {
    this.axios = axios.create({ baseURL: options.baseURL, timeout: options.timeoutMs ?? 3000, headers: options.headers });
    const b = options.breaker ?? {};
    this.breaker = new CircuitBreaker((config: AxiosRequestConfig) => this.withRetries(config), {
      name: options.name,
      timeout: false, // axios enforces the timeout per attempt
      errorThresholdPercentage: b.errorThresholdPercentage ?? 50,
      volumeThreshold: b.volumeThreshold ?? 5,
      resetTimeout: b.resetTimeoutMs ?? 10_000,
      rollingCountTimeout: b.rollingCountTimeoutMs ?? 10_000,
      errorFilter: isClientError,
    });
    const name = options.name;
    breakerState.set({ upstream: name }, 0);
    this.breaker.on('open', () => breakerState.set({ upstream: name }, 2));
    this.breaker.on('halfOpen', () => breakerState.set({ upstream: name }, 1));
    this.breaker.on('close', () => breakerState.set({ upstream: name }, 0));
    this.breaker.on('success', () => upstreamCalls.inc({ upstream: name, outcome: 'success' }));
    this.breaker.on('failure', () => upstreamCalls.inc({ upstream: name, outcome: 'failure' }));
    this.breaker.on('reject', () => upstreamCalls.inc({ upstream: name, outcome: 'rejected' }));
  }

  get state(): 'closed' | 'open' | 'half-open' {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  private async withRetries(config: AxiosRequestConfig): Promise<AxiosResponse> {
    const method = (config.method ?? 'get').toLowerCase();
    const headers = { ...(config.headers as Record<string, string> | undefined) };
    const requestId = currentContext()?.requestId;
    if (requestId && !headers['x-request-id']) headers['x-request-id'] = requestId;
    const idempotent = IDEMPOTENT.has(method) || Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
    const attempts = idempotent ? 1 + (this.options.retries ?? 2) : 1;
    const base = this.options.retryBaseMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.axios.request({ ...config, headers });
      } catch (err) {
        if (attempt >= attempts || !isTransient(err)) throw err;
        await sleep(Math.random() * base * 2 ** (attempt - 1));
      }
    }
  }

  /** Sends a request; an open breaker answers at once with a 503 AppError. */
  async request<T = unknown>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    try {
      return (await this.breaker.fire(config)) as AxiosResponse<T>;
    } catch (err) {
      if ((err as { code?: string }).code === 'EOPENBREAKER') {
        throw unavailable(`${this.options.name} 服务暂时不可用，请稍后重试`, 'CIRCUIT_OPEN');
      }
      throw err;
    }
  }

  shutdown() {
    this.breaker.shutdown();
  }
}
