import { AppError, unavailable } from '@backoffice/contracts';
import { ResilientHttpClient } from '@backoffice/kit';
import { addTiming } from '../timing.js';
import { AxiosError, type AxiosRequestConfig } from 'axios';
import type { ErrorRequestHandler } from 'express';
import { MESSAGES, type PlatformCode } from '../domain/rules.js';
import { OutcomeUnknown } from './types.js';
import { platformCallSeconds } from './metrics.js';

/** The resilient client every platform shares: two retries for the calls the caller marks safe, a breaker per platform. */
export function platformHttpClient(name: string, s: { baseUrl: string; timeoutMs: number; breakerResetMs: number }): ResilientHttpClient {
  return new ResilientHttpClient({
    name,
    baseURL: s.baseUrl,
    timeoutMs: s.timeoutMs,
    retries: 2,
    retryBaseMs: 50,
    breaker: { resetTimeoutMs: s.breakerResetMs, volumeThreshold: 5, errorThresholdPercentage: 50 },
  });
}

/**
 * One platform call through the resilient client, timed. A lost answer of a call that changes state
 * becomes OutcomeUnknown (the caller asks the platform what happened); for a read it is a 503.
 */
export async function platformCall<T>(
  http: ResilientHttpClient,
  platform: PlatformCode,
  api: string,
  config: AxiosRequestConfig,
  mutating: boolean,
): Promise<T> {
  const timer = platformCallSeconds.startTimer({ platform, api });
  const end = (labels: { outcome: string }) => addTiming('platform', timer(labels) * 1000);
  try {
    const res = await http.request<T>(config);
    end({ outcome: 'ok' });
    return res.data;
  } catch (err) {
    if (err instanceof AppError && err.reason === 'CIRCUIT_OPEN') {
      end({ outcome: 'rejected' });
      throw unavailable(MESSAGES.unreachable(platform), 'PLATFORM_CIRCUIT_OPEN');
    }
    const sent = err instanceof AxiosError && err.code !== 'ECONNREFUSED';
    end({ outcome: mutating && sent ? 'unknown' : 'unavailable' });
    if (mutating && sent) throw new OutcomeUnknown(`${platform} ${api}: ${(err as Error).message}`);
    throw unavailable(MESSAGES.unreachable(platform), 'PLATFORM_UNAVAILABLE');
  }
}

const platformName = (platform: PlatformCode) => (platform === 'meituan' ? '美团' : '抖音');

export const platformError = (platform: PlatformCode, message: string) => new AppError(502, `${platformName(platform)}平台返回错误：${message}`, 'PLATFORM_ERROR', 1);

/**
 * The platform refused the call as too frequent: a throttle, not a broken upstream, so 429 with
 * `Retry-After` (both platforms count calls per second) for the client to wait and try again.
 */
export class PlatformThrottled extends AppError {
  constructor(
    platform: PlatformCode,
    readonly retryAfterSeconds = 1,
  ) {
    super(429, `${platformName(platform)}平台调用过于频繁，已被限流，请 ${retryAfterSeconds} 秒后重试`, 'PLATFORM_RATE_LIMITED', 1);
  }
}

/** Mounted after a router's routes: a throttled platform call answers with `Retry-After`. */
export const retryAfterOnThrottle: ErrorRequestHandler = (err, _req, res, next) => {
  if (err instanceof PlatformThrottled && !res.headersSent) res.set('Retry-After', String(err.retryAfterSeconds));
  next(err);
};

