import type { EventEnvelope } from '@backoffice/contracts';
import { handleDelivery, retryDelay } from './delivery.js';
import type { EventBus, SubscribeOptions, Subscription } from './types.js';

/** One consumer group's queue: events are handled one at a time, in publish order, with redelivery. */
class GroupQueue {
  private readonly queue: EventEnvelope[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly bus: EventBus, readonly options: SubscribeOptions) {}

  push(event: EventEnvelope) {
    if (this.closed) return;
    this.queue.push(structuredClone(event));
    if (!this.running) void this.drain();
  }

  private async drain() {
    this.running = true;
    while (this.queue.length && !this.closed) {
      const event = this.queue[0];
      for (let attempt = 1; !this.closed; attempt++) {
        const outcome = await handleDelivery(this.bus, this.options, event, attempt).catch(() => 'retry' as const);
        if (outcome === 'done') break;
        await new Promise((r) => setTimeout(r, retryDelay(this.options, attempt)));
      }
      this.queue.shift();
    }
    this.running = false;
    this.idleWaiters.splice(0).forEach((w) => w());
  }

  idle(): Promise<void> {
    return this.running ? new Promise((r) => this.idleWaiters.push(r)) : Promise.resolve();
  }

  close() {
    this.closed = true;
  }
}

/** In-process bus for the single-process mode and unit tests. Nothing survives a restart. */
export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly groups = new Map<string, GroupQueue[]>();

  async publish(event: EventEnvelope): Promise<void> {
    for (const queue of this.groups.get(event.type) ?? []) queue.push(event);
  }

  async publishBatch(events: readonly EventEnvelope[]): Promise<void> {
    for (const event of events) await this.publish(event);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const queue = new GroupQueue(this, options);
    for (const type of options.types) {
      const list = this.groups.get(type) ?? [];
      if (list.some((q) => q.options.group === options.group)) throw new Error(`group ${options.group} already subscribed to ${type}`);
      list.push(queue);
      this.groups.set(type, list);
    }
    return {
      close: async () => {
        queue.close();
        for (const type of options.types) this.groups.set(type, (this.groups.get(type) ?? []).filter((q) => q !== queue));
      },
    };
  }

  /** Resolves when every queue has handled what it holds (tests). */
  async settled(): Promise<void> {
    const queues = new Set([...this.groups.values()].flat());
    await Promise.all([...queues].map((q) => q.idle()));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    for (const list of this.groups.values()) list.forEach((q) => q.close());
    this.groups.clear();
  }
}
