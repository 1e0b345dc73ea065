import { deadLettered, type EventEnvelope } from '@backoffice/contracts';
import { runWithContext } from '../context.js';
import { consumerEvents, consumerLag } from '../metrics.js';
import { buildEvent, InvalidEventError, validateEvent } from './event-factory.js';
import { DEFAULT_MAX_ATTEMPTS, type EventBus, type SubscribeOptions } from './types.js';

export type DeliveryOutcome = 'done' | 'retry';

/**
 * Runs a handler for one delivery, shared by every adapter: a success or a parked event is `done`
 * (acknowledge); a failure with attempts left is `retry` (redeliver). Invalid events are parked at once.
 */
export async function handleDelivery(bus: EventBus, options: SubscribeOptions, raw: unknown, attempt: number): Promise<DeliveryOutcome> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const type = (raw as { type?: string })?.type ?? 'unknown';
  let event: EventEnvelope | undefined;
  try {
    event = validateEvent(raw);
    const requestId = event.traceid ?? event.id;
    await runWithContext({ requestId }, () => options.handler(event!, { attempt }));
    consumerEvents.inc({ group: options.group, type, outcome: 'ok' });
    consumerLag.set({ group: options.group, type }, (Date.now() - Date.parse(event.time)) / 1000);
    return 'done';
  } catch (err) {
    const poison = err instanceof InvalidEventError;
    if (!poison && attempt < maxAttempts) {
      consumerEvents.inc({ group: options.group, type, outcome: 'retry' });
      return 'retry';
    }
    const message = err instanceof Error ? err.message : String(err);
    await bus.publish(
      buildEvent(options.group, deadLettered, (event?.id ?? type).slice(0, 128), { consumer: options.group, attempts: attempt, error: message, event: raw }),
    );
    consumerEvents.inc({ group: options.group, type, outcome: 'dead_letter' });
    return 'done';
  }
}

export const retryDelay = (options: SubscribeOptions, attempt: number) => (options.retryDelayMs ?? 200) * attempt;

/**
 * Tries a batch of raw messages through `options.handleBatch`: only when every one is a valid event.
 * Returns false (nothing acknowledged) when the batch cannot or did not succeed; the caller then
 * delivers the messages one by one with `handleDelivery`.
 */
export async function handleBatchDelivery(options: SubscribeOptions, raws: readonly unknown[]): Promise<boolean> {
  if (!options.handleBatch || raws.length < 2) return false;
  let events: EventEnvelope[];
  try {
    events = raws.map((raw) => validateEvent(raw));
  } catch {
    return false;
  }
  try {
    await options.handleBatch(events);
  } catch {
    return false;
  }
  for (const event of events) consumerEvents.inc({ group: options.group, type: event.type, outcome: 'ok' });
  const last = events[events.length - 1];
  consumerLag.set({ group: options.group, type: last.type }, (Date.now() - Date.parse(last.time)) / 1000);
  return true;
}
