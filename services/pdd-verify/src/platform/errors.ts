/** The platform answered with an `error_response`. */
export class PddApiError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly subCode?: string,
    readonly subMsg?: string,
  ) {
    super(`PDD ${code} ${msg}${subMsg ? `：${subMsg}` : ''}`);
    this.name = 'PddApiError';
  }

  /** Throttling and the platform's own "system busy" codes pass with time; parameter errors do not. */
  get transient(): boolean {
    return this.code === 52101 || this.code === 70031 || this.code >= 50000;
  }

  /** What a person reads: the platform's most specific message. */
  get reason(): string {
    return this.subMsg || this.msg;
  }
}

/** The platform could not be reached or answered 5xx, or the breaker is open. */
export class PlatformUnavailable extends Error {
  readonly transient = true;
  constructor(
    message: string,
    readonly kind: 'network' | 'timeout' | 'http_5xx' | 'breaker_open' | 'bad_response',
  ) {
    super(message);
    this.name = 'PlatformUnavailable';
  }
  get reason(): string {
    return this.message;
  }
}

/** The platform asks us to slow down: worth retrying, not an outage. */
export const isThrottled = (err: unknown) => err instanceof PddApiError && (err.code === 52101 || err.code === 70031);
export const isTransient = (err: unknown) => (err instanceof PddApiError && err.transient) || err instanceof PlatformUnavailable;
export const errorCode = (err: unknown) => (err instanceof PddApiError ? String(err.code) : err instanceof PlatformUnavailable ? err.kind : null);
export const errorReason = (err: unknown) => (err instanceof PddApiError || err instanceof PlatformUnavailable ? err.reason : err instanceof Error ? err.message : String(err));
