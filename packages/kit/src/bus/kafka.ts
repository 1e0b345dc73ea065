import type { EventEnvelope } from '@backoffice/contracts';
import kafkajs, { Kafka, logLevel, Partitioners, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';

// kafkajs is CommonJS and spreads its error classes into its exports, so they are not named exports
const { KafkaJSError } = kafkajs;
import { createLogger } from '../logger.js';
import { handleBatchDelivery, handleDelivery, retryDelay } from './delivery.js';
import type { EventBus, SubscribeOptions, Subscription } from './types.js';

/**
 * Settings read from the BUS_URL query:
 * `kafka://b1:9092,b2:9092?partitions=6&replication=3&sessionTimeoutMs=30000&concurrency=6&clientId=x&prefix=p`.
 */
export interface KafkaBusOptions {
  clientId: string;
  /** Partitions of each topic the bus creates (one topic per event type). Default 3. */
  partitions: number;
  /** Replication factor of the topics it creates; -1 takes the brokers' `default.replication.factor`. */
  replication: number;
  /** Consumer session timeout; heartbeats go every third of it, also while a handler runs. Default 30000. */
  sessionTimeoutMs: number;
  /** Partitions one consumer handles at the same time (order is kept within a partition). Default = partitions. */
  concurrency: number;
  /** Prepended to topic and group names (`<prefix>.<type>`), so tests or tenants can share brokers. */
  prefix: string;
}

export function parseKafkaUrl(url: string, fallbackClientId = 'backoffice'): { brokers: string[]; options: KafkaBusOptions } {
  const [hosts, query] = url.replace(/^kafka:\/\//, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const int = (name: string, fallback: number, min: number) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`BUS_URL: ${name}=${raw} must be an integer ≥ ${min}`);
    return value;
  };
  const partitions = int('partitions', 3, 1);
  const replication = int('replication', -1, -1);
  if (replication === 0) throw new Error('BUS_URL: replication=0 is not a replication factor (use ≥ 1, or -1 for the broker default)');
  const brokers = hosts.split(',').filter(Boolean);
  if (!brokers.length) throw new Error('BUS_URL: kafka:// needs at least one broker host:port');
  return {
    brokers,
    options: {
      clientId: params.get('clientId') ?? fallbackClientId,
      partitions,
      replication,
      sessionTimeoutMs: int('sessionTimeoutMs', 30_000, 6000),
      concurrency: int('concurrency', partitions, 1),
      prefix: params.get('prefix') ?? '',
    },
  };
}

/** Messages handed to `handleBatch` at a time. */
const BATCH_CHUNK = 200;

/** Thrown out of a handler to make kafkajs leave the message unresolved (a KafkaJSError is not logged as a crash). */
class Abandon extends KafkaJSError {
  constructor(reason: string) {
    super(reason, { retriable: false });
  }
}

/**
 * Keeps the member alive while one message is in the handler or waiting for its retry: kafkajs
 * heartbeats only between messages, so a handler retrying for longer than the session timeout would
 * otherwise be thrown out of the group mid-message. A failed heartbeat (a rebalance began, or the
 * member is gone) is remembered so the retry loop can let the partition go cleanly.
 */
class KeepAlive {
  private failure: unknown = undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(heartbeat: () => Promise<void>, everyMs: number) {
    this.timer = setInterval(() => {
      this.inFlight = heartbeat().catch((err) => {
        this.failure ??= err;
      });
    }, everyMs);
  }

  get lost(): unknown {
    return this.failure;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}

/**
 * Kafka through kafkajs: one topic per event type (created with the configured partitions and
 * replication), the aggregate id as the key (per-aggregate order), a consumer group per service.
 * Retries happen in place (the partition waits, heartbeats continue), then the event is parked on
 * the dead-letter topic and the offset moves on. A message that is not JSON or not an envelope is
 * parked at once. Delivery is at-least-once: after a rebalance or crash the new owner of a partition
 * starts from the last committed offset, and the inbox turns the repeat into a no-op.
 */
export class KafkaBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly consumers = new Set<Consumer>();
  private readonly knownTopics = new Set<string>();
  private readonly createdTopics = new Set<string>();
  /** Group joins (first join and every rejoin after a rebalance) per consumer group, for tests and logs. */
  readonly groupJoins = new Map<string, number>();
  private closed = false;

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly admin: Admin,
    readonly options: KafkaBusOptions,
  ) {}

  /** `kafka://broker1:9092,broker2:9092[?partitions=3&replication=-1&sessionTimeoutMs=30000&concurrency=3&clientId=name&prefix=p]` */
  static async connect(url: string, clientId = 'backoffice'): Promise<KafkaBus> {
    const { brokers, options } = parseKafkaUrl(url, clientId);
    const log = createLogger('kafkajs', process.env.LOG_LEVEL ?? 'warn');
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: { message, ...extra } }: LogEntry) => {
          // the relay retries a failed batch itself (the inbox makes a repeat harmless), so the producer's
          // bounded retries are meant, not a risk to warn about on every connect
          if (message.startsWith('Limiting retries for the idempotent producer')) return;
          if (level <= logLevel.ERROR) log.error(extra, message);
          else log.warn(extra, message);
        },
      connectionTimeout: 3000,
      retry: { retries: 3 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    return new KafkaBus(kafka, producer, admin, options);
  }

  private topic(type: string) {
    return this.options.prefix ? `${this.options.prefix}.${type}` : type;
  }

  private typeOf(topic: string) {
    return this.options.prefix ? topic.slice(this.options.prefix.length + 1) : topic;
  }

  private async ensureTopics(types: readonly string[]) {
    const missing = [...new Set(types.map((t) => this.topic(t)))].filter((t) => !this.knownTopics.has(t));
    if (!missing.length) return;
    const { partitions, replication } = this.options;
    // ask first: creating a topic that exists makes kafkajs log an error response
    const existing = new Set(await this.admin.listTopics());
    for (const t of missing) if (existing.has(t)) this.knownTopics.add(t);
    const absent = missing.filter((t) => !existing.has(t));
    if (!absent.length) return;
    const created = await this.admin.createTopics({
      topics: absent.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: replication })),
      waitForLeaders: true,
    });
    if (created) absent.forEach((t) => this.createdTopics.add(t));
    absent.forEach((t) => this.knownTopics.add(t));
  }

  private message(event: EventEnvelope) {
    return { key: event.subject, value: JSON.stringify(event), headers: { 'ce-id': event.id, 'ce-type': event.type } };
  }

  async publish(event: EventEnvelope): Promise<void> {
    await this.publishBatch([event]);
  }

  /** One produce request for the whole batch, grouped by topic, order kept within each topic. */
  async publishBatch(events: readonly EventEnvelope[]): Promise<void> {
    if (!events.length) return;
    await this.ensureTopics(events.map((e) => e.type));
    const byTopic = new Map<string, ReturnType<KafkaBus['message']>[]>();
    for (const event of events) {
      const topic = this.topic(event.type);
      const list = byTopic.get(topic) ?? [];
      list.push(this.message(event));
      byTopic.set(topic, list);
    }
    await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopics(options.types);
    const { sessionTimeoutMs, concurrency } = this.options;
    const heartbeatMs = Math.floor(sessionTimeoutMs / 3);
    const consumer = this.kafka.consumer({
      groupId: this.topic(options.group),
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatMs,
      rebalanceTimeout: Math.max(60_000, 2 * sessionTimeoutMs),
      maxWaitTimeInMs: 1000,
      allowAutoTopicCreation: false,
    });
    let closing = false;
    consumer.on(consumer.events.GROUP_JOIN, () => this.groupJoins.set(options.group, (this.groupJoins.get(options.group) ?? 0) + 1));
    await consumer.connect();
    await consumer.subscribe({ topics: options.types.map((t) => this.topic(t)), fromBeginning: true });
    this.consumers.add(consumer);
    /** One message through the handler, retried in place while heartbeats keep the member alive. */
    const processOne = async (raw: unknown, heartbeat: () => Promise<void>) => {
      const keepAlive = new KeepAlive(heartbeat, Math.min(1000, heartbeatMs));
      try {
        for (let attempt = 1; ; attempt++) {
          const outcome = await handleDelivery(this, options, raw, attempt).catch(() => 'retry' as const);
          if (outcome === 'done') return;
          await new Promise((r) => setTimeout(r, retryDelay(options, attempt)));
          // the partition may be moving to another member: leave this message unresolved for it and
          // hand kafkajs the heartbeat's own error, on which it commits what is done and rejoins
          if (keepAlive.lost) throw keepAlive.lost;
          if (closing) throw new Abandon('consumer closing; message left for the next owner');
        }
      } finally {
        await keepAlive.stop();
      }
    };
    if (options.handleBatch) {
      await consumer.run({
        partitionsConsumedConcurrently: concurrency,
        eachBatchAutoResolve: false,
        // chunks of a fetched partition batch go to handleBatch in one go; a chunk it refuses is
        // handled message by message, so retries and dead letters stay per event
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
          const type = this.typeOf(batch.topic);
          for (let i = 0; i < batch.messages.length; i += BATCH_CHUNK) {
            if (!isRunning() || isStale()) return; // nothing past the last resolved offset is acknowledged
            const chunk = batch.messages.slice(i, i + BATCH_CHUNK);
            const raws = chunk.map((m) => decode(m.value, type));
            const keepAlive = new KeepAlive(heartbeat, Math.min(1000, heartbeatMs));
            const together = await handleBatchDelivery(options, raws).finally(() => keepAlive.stop());
            if (together) resolveOffset(chunk[chunk.length - 1].offset);
            else {
              for (const [j, message] of chunk.entries()) {
                await processOne(raws[j], heartbeat);
                resolveOffset(message.offset);
              }
            }
            await heartbeat();
            await commitOffsetsIfNecessary();
          }
        },
      });
    } else {
      await consumer.run({
        partitionsConsumedConcurrently: concurrency,
        eachMessage: async ({ topic, message, heartbeat }) => processOne(decode(message.value, this.typeOf(topic)), heartbeat),
      });
    }
    return {
      close: async () => {
        closing = true;
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** Tests: delete the topics this bus created (before `close`: the admin client would reconnect). */
  async deleteCreatedTopics(): Promise<void> {
    if (!this.createdTopics.size || this.closed) return;
    await this.admin.deleteTopics({ topics: [...this.createdTopics], timeout: 5000 }).catch(() => undefined);
    this.createdTopics.clear();
  }

  /** Tests: delete every topic under this bus's prefix, whoever created it. Refuses without a prefix. */
  async deletePrefixedTopics(): Promise<void> {
    if (!this.options.prefix || this.closed) return;
    const topics = (await this.admin.listTopics()).filter((t) => t.startsWith(`${this.options.prefix}.`));
    if (topics.length) await this.admin.deleteTopics({ topics, timeout: 5000 }).catch(() => undefined);
  }

  /** Tests and tools: writes raw bytes to an event type's topic, bypassing the envelope. */
  async publishRaw(type: string, key: string, value: string | Buffer): Promise<void> {
    await this.ensureTopics([type]);
    await this.producer.send({ topic: this.topic(type), acks: -1, messages: [{ key, value }] });
  }
}

/** Bytes that are not JSON become an object that fails envelope validation, so they are parked, not retried. */
function decode(value: Buffer | null, type: string): unknown {
  const text = value?.toString('utf8') ?? '';
  try {
    return JSON.parse(text);
  } catch {
    return { type, unparsable: text.slice(0, 10_000) };
  }
}
