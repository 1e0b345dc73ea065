import type { EventEnvelope } from '@backoffice/contracts';

export interface Delivery {
  /** 1 on first delivery, then 2, 3, ... on redeliveries. */
  attempt: number;
}

export type EventHandler = (event: EventEnvelope, delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: each event is handled once per group (a Kafka group, a JetStream durable). */
  group: string;
  types: readonly string[];
  handler: EventHandler;
  /**
   * Optional: handles several valid events of one partition, in order, in one go (e.g. one inbox
   * transaction for all of them: see `inboxHandlers`). Used by the Kafka adapter; the other adapters
   * call `handler` per event. If it throws, the events are handled one by one through `handler`, with
   * the usual retries and dead-lettering, so a batch never hides which event failed.
   */
  handleBatch?: (events: EventEnvelope[]) => Promise<void>;
  /** Deliveries before the event is parked on the dead-letter destination. Default 5. */
  maxAttempts?: number;
  /** Delay before a redelivery; grows linearly with the attempt. Default 200 ms. */
  retryDelayMs?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

/** The one interface every adapter implements; nothing outside bus/ knows which is in use. */
export interface EventBus {
  readonly kind: 'memory' | 'nats' | 'kafka';
  /** Resolves once the bus has durably accepted the event. */
  publish(event: EventEnvelope): Promise<void>;
  /**
   * Publishes several events with as few round trips as the bus allows, keeping their order per
   * subject. Resolves once all are durably accepted; on a rejection some may have been accepted
   * (at-least-once: consumers deduplicate through the inbox). Optional for wrappers written before it
   * existed: use `publishAll`, which falls back to one `publish` per event.
   */
  publishBatch?(events: readonly EventEnvelope[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Rejects when the bus cannot be reached right now. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_DELAY_MS = 200;

/** Publishes events through `publishBatch` when the bus has it, else one `publish` at a time, in order. */
export async function publishAll(bus: EventBus, events: readonly EventEnvelope[]): Promise<void> {
  if (!events.length) return;
  if (bus.publishBatch) return bus.publishBatch(events);
  for (const event of events) await bus.publish(event);
}
