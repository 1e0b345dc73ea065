import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ticketStatusChanged, type EventEnvelope } from '@backoffice/contracts';
import { buildEvent, KafkaBus, MemoryBus, NatsBus, type EventBus } from '../src/index.js';
import { eventually, kafkaSkipReason, testKafkaUrl, testNatsUrl } from '../testing/index.js';

/** The same behaviour is asked of every adapter that can be reached from here. */
const adapters: Array<{ name: string; connect: () => Promise<EventBus> }> = [
  { name: 'memory', connect: async () => new MemoryBus() },
  { name: 'nats', connect: () => NatsBus.connect(testNatsUrl('contract')) },
];
if (process.env.KAFKA_BROKERS) {
  // topics and groups of their own per bus (like the NATS stream per bus above)
  adapters.push({ name: 'kafka', connect: () => KafkaBus.connect(testKafkaUrl('contract')) });
} else {
  console.log(`# Kafka bus contract ${kafkaSkipReason()}`);
}

const sample = (ticket: string, to: 'CONFIRMED' | 'ASSIGNED' = 'CONFIRMED') =>
  buildEvent('tickets', ticketStatusChanged, ticket, {
    ticket_id: ticket,
    ticket_no: `TK${ticket}`,
    from: 'BOOKED',
    to,
    technician_id: null,
    actor_user_id: 1,
    version: 2,
  });

const type = ticketStatusChanged.type;

for (const adapter of adapters) {
  describe(`event bus contract: ${adapter.name}`, () => {
    const buses: EventBus[] = [];
    const open = async () => {
      const bus = await adapter.connect();
      buses.push(bus);
      return bus;
    };
    after(async () => {
      for (const bus of buses) {
        if (bus instanceof NatsBus) await bus.destroyStream();
        if (bus instanceof KafkaBus) await bus.deleteCreatedTopics();
        await bus.close();
      }
    });

    test('a published event reaches each group once, envelope intact, in order per subject', async () => {
      const bus = await open();
      const seenA: EventEnvelope[] = [];
      const seenB: EventEnvelope[] = [];
      await bus.subscribe({ group: 'group-a', types: [type], handler: async (e) => void seenA.push(e) });
      await bus.subscribe({ group: 'group-b', types: [type], handler: async (e) => void seenB.push(e) });
      const events = [sample('t1'), sample('t1', 'ASSIGNED'), sample('t2')];
      for (const e of events) await bus.publish(e);
      await eventually(() => seenA.length >= 3 && seenB.length >= 3, 5000, 'both groups to receive 3 events');
      await new Promise((r) => setTimeout(r, 300));
      // order is promised per subject (the Kafka key / partition), not across subjects
      const bySubject = (list: EventEnvelope[], subject: string) => list.filter((e) => e.subject === subject).map((e) => e.id);
      for (const seen of [seenA, seenB]) {
        assert.deepEqual([...seen.map((e) => e.id)].sort(), events.map((e) => e.id).sort());
        assert.deepEqual(bySubject(seen, 't1'), bySubject(events, 't1'));
      }
      assert.deepEqual(seenA.find((e) => e.id === events[1].id), events[1]);
    });

    test('a batch publish delivers every event once, in order per subject', async () => {
      const bus = await open();
      const seen: EventEnvelope[] = [];
      await bus.subscribe({ group: 'batch-reader', types: [type], handler: async (e) => void seen.push(e) });
      const events = [sample('b1'), sample('b2'), sample('b1', 'ASSIGNED'), sample('b3'), sample('b2', 'ASSIGNED')];
      assert.ok(bus.publishBatch, `${adapter.name} has publishBatch`);
      await bus.publishBatch(events);
      await eventually(() => seen.length >= events.length, 5000, 'the batch');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen.map((e) => e.id).sort(), events.map((e) => e.id).sort());
      for (const subject of ['b1', 'b2']) {
        assert.deepEqual(
          seen.filter((e) => e.subject === subject).map((e) => e.data),
          events.filter((e) => e.subject === subject).map((e) => e.data),
        );
      }
    });

    test('a subscription with handleBatch gets every event once, in order per subject; a refused batch goes one by one', async () => {
      const bus = await open();
      const seen: EventEnvelope[] = [];
      let batches = 0;
      await bus.subscribe({
        group: 'batcher',
        types: [type],
        handler: async (e) => void seen.push(e),
        handleBatch: async (events) => {
          if (++batches === 1) throw new Error('first batch refused');
          seen.push(...events);
        },
      });
      const events = Array.from({ length: 30 }, (_, i) => sample(`h${i % 4}`));
      await bus.publishBatch!(events);
      await eventually(() => seen.length >= events.length, 8000, 'the 30 events');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen.map((e) => e.id).sort(), events.map((e) => e.id).sort());
      for (const subject of ['h0', 'h1', 'h2', 'h3']) {
        assert.deepEqual(seen.filter((e) => e.subject === subject).map((e) => e.id), events.filter((e) => e.subject === subject).map((e) => e.id));
      }
    });

    test('a handler that fails once is retried and the event is handled', async () => {
      const bus = await open();
      let calls = 0;
      const attempts: number[] = [];
      await bus.subscribe({
        group: 'flaky',
        types: [type],
        retryDelayMs: 20,
        handler: async (_e, d) => {
          attempts.push(d.attempt);
          if (++calls === 1) throw new Error('first try fails');
        },
      });
      await bus.publish(sample('t3'));
      await eventually(() => calls >= 2, 5000, 'the redelivery');
      assert.deepEqual(attempts.slice(0, 2), [1, 2]);
    });

    test('a handler that always fails is parked on the dead-letter topic after the bounded retries', async () => {
      const bus = await open();
      let calls = 0;
      const dead: EventEnvelope[] = [];
      await bus.subscribe({ group: 'ops-dlq', types: ['bus.deadletter.v1'], handler: async (e) => void dead.push(e) });
      await bus.subscribe({
        group: 'broken',
        types: [type],
        maxAttempts: 3,
        retryDelayMs: 20,
        handler: async () => {
          calls++;
          throw new Error('database is on fire');
        },
      });
      const event = sample('t4');
      await bus.publish(event);
      const parked = await eventually(() => dead.find((d) => (d.data as { consumer: string }).consumer === 'broken'), 8000, 'the dead letter');
      assert.equal(calls, 3);
      const data = parked.data as { attempts: number; error: string; event: EventEnvelope };
      assert.equal(data.attempts, 3);
      assert.match(data.error, /database is on fire/);
      assert.equal(data.event.id, event.id);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(calls, 3, 'not delivered again after parking');
    });

    test('an event whose payload breaks its schema is parked at once, not retried', async () => {
      const bus = await open();
      let calls = 0;
      const dead: EventEnvelope[] = [];
      await bus.subscribe({ group: 'ops-dlq-2', types: ['bus.deadletter.v1'], handler: async (e) => void dead.push(e) });
      await bus.subscribe({ group: 'strict', types: [type], handler: async () => void calls++ });
      const bad = { ...sample('t5'), data: { ticket_id: 't5' } };
      await bus.publish(bad as EventEnvelope);
      await eventually(() => dead.some((d) => (d.data as { consumer: string }).consumer === 'strict'), 5000, 'the parked poison event');
      assert.equal(calls, 0);
    });
  });
}

describe('event bus contract: nats replicas', () => {
  test('two replicas of one group share the events; each event is handled once', async () => {
    const url = testNatsUrl('replicas');
    const one = await NatsBus.connect(url);
    const two = await NatsBus.connect(url);
    try {
      const handled: string[] = [];
      const byReplica = { one: 0, two: 0 };
      await one.subscribe({ group: 'svc', types: [type], handler: async (e) => void (handled.push(e.id), byReplica.one++) });
      await two.subscribe({ group: 'svc', types: [type], handler: async (e) => void (handled.push(e.id), byReplica.two++) });
      const events = Array.from({ length: 40 }, (_, i) => sample(`r${i}`));
      await Promise.all(events.map((e) => one.publish(e)));
      await eventually(() => handled.length >= 40, 8000, '40 events handled');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(handled.length, 40);
      assert.equal(new Set(handled).size, 40);
    } finally {
      await one.destroyStream();
      await Promise.all([one.close(), two.close()]);
    }
  });
});
