import { KafkaBus } from './kafka.js';
import { MemoryBus } from './memory.js';
import { NatsBus } from './nats.js';
import type { EventBus } from './types.js';

export * from './types.js';
export { MemoryBus } from './memory.js';
export { NatsBus } from './nats.js';
export { KafkaBus, parseKafkaUrl, type KafkaBusOptions } from './kafka.js';
export { buildEvent, validateEvent, InvalidEventError } from './event-factory.js';

/** `memory://`, `nats://host:4222` or `kafka://b1:9092,b2:9092`. */
export async function connectBus(url: string, clientId?: string): Promise<EventBus> {
  if (url.startsWith('memory://')) return new MemoryBus();
  if (url.startsWith('nats://')) return NatsBus.connect(url);
  if (url.startsWith('kafka://')) return KafkaBus.connect(url, clientId);
  throw new Error(`BUS_URL ${url} is not memory://, nats:// or kafka://`);
}
