import type { EventEnvelope } from '@backoffice/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  connect,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import { handleBatchDelivery, handleDelivery, retryDelay } from './delivery.js';
import type { EventBus, SubscribeOptions, Subscription } from './types.js';

export interface NatsBusOptions {
  /** JetStream stream holding every event subject. Default EVENTS. */
  stream: string;
  /** Subject prefix; an event of type T is published on `<prefix>.T`. Default events. */
  prefix: string;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);

/** Messages handed to `handleBatch` at most at a time (subscriptions that opt in). */
const NATS_BATCH = 128;

/** Durable names may not contain dots or wildcards. */
const durableName = (group: string, type: string) => `${group}__${type}`.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * NATS JetStream: one stream for all events, one durable pull consumer per (group, type) so that
 * replicas of a service share the work. The event id is the JetStream message id, so a relay that
 * publishes a row twice within the duplicate window stores it once.
 */
export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  private readonly active = new Set<ConsumerMessages>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsBusOptions,
  ) {}

  /** `nats://host:4222[,host2:4222][?stream=EVENTS&prefix=events]` */
  static async connect(url: string): Promise<NatsBus> {
    const parsed = new URL(url);
    const servers = `${parsed.hostname}:${parsed.port || 4222}`;
    const options: NatsBusOptions = {
      stream: parsed.searchParams.get('stream') ?? 'EVENTS',
      prefix: parsed.searchParams.get('prefix') ?? 'events',
    };
    const nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: options.stream });
    const jsm = await nc.jetstreamManager();
    const bus = new NatsBus(nc, nc.jetstream(), jsm, options);
    await bus.ensureStream();
    return bus;
  }

  private subject(type: string) {
    return `${this.options.prefix}.${type}`;
  }

  private async ensureStream() {
    const { stream, prefix } = this.options;
    try {
      await this.jsm.streams.info(stream);
    } catch {
      try {
        await this.jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], duplicate_window: nanos(120_000) });
      } catch (err) {
        if (!/already in use/i.test(String(err))) throw err;
      }
    }
  }

  async publish(event: EventEnvelope): Promise<void> {
    await this.js.publish(this.subject(event.type), JSON.stringify(event), { msgID: event.id, timeout: 3000 });
  }

  /**
   * Sends every event before awaiting the acknowledgements: one connection writes them in order, so
   * the stream keeps their order; the message ids make a re-sent event a duplicate JetStream drops.
   */
  async publishBatch(events: readonly EventEnvelope[]): Promise<void> {
    const acks = events.map((event) => this.js.publish(this.subject(event.type), JSON.stringify(event), { msgID: event.id, timeout: 3000 }));
    const results = await Promise.allSettled(acks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const loops: Promise<void>[] = [];
    const mine: ConsumerMessages[] = [];
    for (const type of options.types) {
      const durable = durableName(options.group, type);
      const config = {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: this.subject(type),
        ack_wait: nanos(30_000),
        max_deliver: -1,
      };
      try {
        await this.jsm.consumers.info(this.options.stream, durable);
      } catch {
        await this.jsm.consumers.add(this.options.stream, config).catch((err) => {
          if (!/already in use|exists/i.test(String(err))) throw err;
        });
      }
      const consumer = await this.js.consumers.get(this.options.stream, durable);
      const messages = await consumer.consume({ max_messages: options.handleBatch ? NATS_BATCH : 32 });
      mine.push(messages);
      this.active.add(messages);
      const decode = (message: JsMsg): unknown => {
        try {
          return JSON.parse(new TextDecoder().decode(message.data));
        } catch {
          return { type, unparsable: new TextDecoder().decode(message.data) };
        }
      };
      const one = async (message: JsMsg) => {
        const attempt = message.info.deliveryCount;
        const outcome = await handleDelivery(this, options, decode(message), attempt).catch(() => 'retry' as const);
        if (outcome === 'done') message.ack();
        else message.nak(retryDelay(options, attempt));
      };
      loops.push(
        (async () => {
          if (!options.handleBatch) {
            for await (const message of messages) await one(message);
            return;
          }
          // opted in: what has already arrived goes to handleBatch together; refused batches go one by one
          const it = messages[Symbol.asyncIterator]();
          let waiting: Promise<IteratorResult<JsMsg>> | undefined;
          const next = () => (waiting ??= it.next());
          for (;;) {
            const first = await next();
            waiting = undefined;
            if (first.done) return;
            const batch = [first.value];
            // getPending counts the message in hand too; anything more is already buffered, but a
            // short race keeps a status item in the buffer from holding the batch back
            while (batch.length < NATS_BATCH && messages.getPending() > 1) {
              const more = await Promise.race([next(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 5))]);
              if (!more) break;
              waiting = undefined;
              if (more.done) break;
              batch.push(more.value);
            }
            if (await handleBatchDelivery(options, batch.map(decode))) batch.forEach((m) => m.ack());
            else for (const message of batch) await one(message);
          }
        })(),
      );
    }
    return {
      close: async () => {
        for (const m of mine) {
          this.active.delete(m);
          m.stop();
        }
        await Promise.allSettled(loops);
      },
    };
  }

  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection is closed');
    await withTimeout(this.jsm.getAccountInfo(), 1000, 'NATS ping');
  }

  async close(): Promise<void> {
    for (const m of this.active) m.stop();
    this.active.clear();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  /** Tests: remove the stream and its consumers. */
  async destroyStream(): Promise<void> {
    await this.jsm.streams.delete(this.options.stream).catch(() => undefined);
  }
}
