import type { EventEnvelope } from '@backoffice/contracts';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { handleDelivery, retryDelay } from './delivery.js';
import type { EventBus, SubscribeOptions, Subscription } from './types.js';

/**
 * Kafka through kafkajs: one topic per event type, the aggregate id as the key (per-aggregate order),
 * a consumer group per service. Retries happen in place (the partition waits), then the event is
 * parked on the dead-letter topic and the offset commits.
 */
export class KafkaBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly consumers = new Set<Consumer>();
  private readonly knownTopics = new Set<string>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly admin: Admin,
  ) {}

  /** `kafka://broker1:9092,broker2:9092[?clientId=name]` */
  static async connect(url: string, clientId = 'backoffice'): Promise<KafkaBus> {
    const rest = url.replace(/^kafka:\/\//, '');
    const [hosts, query] = rest.split('?');
    const params = new URLSearchParams(query ?? '');
    const kafka = new Kafka({
      clientId: params.get('clientId') ?? clientId,
      brokers: hosts.split(',').filter(Boolean),
      logLevel: logLevel.WARN,
      connectionTimeout: 3000,
      retry: { retries: 3 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    return new KafkaBus(kafka, producer, admin);
  }

  private async ensureTopics(topics: readonly string[]) {
    const missing = topics.filter((t) => !this.knownTopics.has(t));
    if (!missing.length) return;
    await this.admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    missing.forEach((t) => this.knownTopics.add(t));
  }

  async publish(event: EventEnvelope): Promise<void> {
    await this.ensureTopics([event.type]);
    await this.producer.send({
      topic: event.type,
      acks: -1,
      messages: [{ key: event.subject, value: JSON.stringify(event), headers: { 'ce-id': event.id, 'ce-type': event.type } }],
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.ensureTopics(options.types);
    const consumer = this.kafka.consumer({ groupId: options.group });
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.types], fromBeginning: true });
    this.consumers.add(consumer);
    await consumer.run({
      eachMessage: async ({ message }) => {
        const raw = JSON.parse(message.value?.toString('utf8') ?? 'null');
        for (let attempt = 1; ; attempt++) {
          const outcome = await handleDelivery(this, options, raw, attempt).catch(() => 'retry' as const);
          if (outcome === 'done') return;
          await new Promise((r) => setTimeout(r, retryDelay(options, attempt)));
        }
      },
    });
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async ping(): Promise<void> {
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
