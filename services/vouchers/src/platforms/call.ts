import { AppError, unavailable } from '@backoffice/contracts';
import type { ResilientHttpClient } from '@backoffice/kit';
import { addTiming } from '../timing.js';
import { AxiosError, type AxiosRequestConfig } from 'axios';
import { MESSAGES, type PlatformCode } from '../domain/rules.js';
import { OutcomeUnknown } from './types.js';
import { platformCallSeconds } from './metrics.js';

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

export const platformError = (platform: PlatformCode, message: string) =>
  new AppError(502, `${platform === 'meituan' ? '美团' : '抖音'}平台返回错误：${message}`, 'PLATFORM_ERROR', 1);

