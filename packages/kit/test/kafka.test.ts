import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ticketStatusChanged, type EventEnvelope } from '@backoffice/contracts';
import { QueryTypes, type Sequelize } from 'sequelize';
import { buildEvent, inboxHandlers, KafkaBus, migrateUp, openDatabase, parseKafkaUrl } from '../src/index.js';
import { createTestDatabase, eventually, kafkaSkipReason, sleep, testKafkaUrl, type TestDatabase } from '../testing/index.js';

const type = ticketStatusChanged.type;
const sample = (ticket: string) =>
  buildEvent('tickets', ticketStatusChanged, ticket, {
    ticket_id: ticket,
    ticket_no: `TK${ticket}`,
    from: 'BOOKED',
    to: 'CONFIRMED',
    technician_id: null,
    actor_user_id: 1,
    version: 2,
  });
const consumerOf = (dead: EventEnvelope) => (dead.data as { consumer: string }).consumer;

describe('kafka bus settings', () => {
  test('partitions, replication, session timeout and concurrency come from the BUS_URL query', () => {
    const { brokers, options } = parseKafkaUrl('kafka://b1:9092,b2:9092?partitions=6&replication=3&sessionTimeoutMs=45000', 'tickets');
    assert.deepEqual(brokers, ['b1:9092', 'b2:9092']);
    assert.deepEqual(options, { clientId: 'tickets', partitions: 6, replication: 3, sessionTimeoutMs: 45000, concurrency: 6, prefix: '' });
    assert.deepEqual(parseKafkaUrl('kafka://b1:9092').options, { clientId: 'backoffice', partitions: 3, replication: -1, sessionTimeoutMs: 30000, concurrency: 3, prefix: '' });
    assert.throws(() => parseKafkaUrl('kafka://b1:9092?partitions=0'), /partitions=0 must be an integer ≥ 1/);
    assert.throws(() => parseKafkaUrl('kafka://b1:9092?replication=0'), /replication=0 is not a replication factor/);
    assert.throws(() => parseKafkaUrl('kafka://b1:9092?sessionTimeoutMs=1000'), /sessionTimeoutMs=1000 must be an integer ≥ 6000/);
  });
});

if (!process.env.KAFKA_BROKERS) {
  test(`kafka adapter under real conditions: ${kafkaSkipReason()}`, () => console.log(`# kafka adapter tests ${kafkaSkipReason()}`));
} else {
  let db: TestDatabase;
  let sequelize: Sequelize;
  const buses: KafkaBus[] = [];
  const open = async (url: string) => {
    const bus = await KafkaBus.connect(url);
    buses.push(bus);
    return bus;
  };

  before(async () => {
    db = await createTestDatabase('kafka');
    sequelize = openDatabase(db.url);
    await migrateUp(sequelize, []);
    await sequelize.query('CREATE TABLE effects (id INT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(64) NOT NULL)');
  });
  after(async () => {
    for (const bus of buses) await bus.deleteCreatedTopics();
    await Promise.all(buses.map((b) => b.close()));
    await sequelize.close();
    await db.drop();
  });

  /** Effects per event id, as committed through the inbox. */
  const effects = async () => {
    const rows = await sequelize.query<{ event_id: string; n: number }>('SELECT event_id, COUNT(*) AS n FROM effects GROUP BY event_id', { type: QueryTypes.SELECT });
    return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
  };

  describe('kafka adapter under real conditions', () => {
    test('a message that is not JSON or not an envelope is dead-lettered and its partition keeps flowing', async () => {
      const bus = await open(testKafkaUrl('poison'));
      const dead: EventEnvelope[] = [];
      const handled: EventEnvelope[] = [];
      await bus.subscribe({ group: 'ops', types: ['bus.deadletter.v1'], handler: async (e) => void dead.push(e) });
      await bus.subscribe({ group: 'strict', types: [type], handler: async (e) => void handled.push(e) });
      // one key, so all three sit in the same partition, the good one behind the two bad ones
      await bus.publishRaw(type, 'k', 'this is {not json');
      await bus.publishRaw(type, 'k', JSON.stringify({ hello: 'not an envelope' }));
      const good = sample('k');
      await bus.publish(good);
      await eventually(() => handled.length === 1 && dead.filter((d) => consumerOf(d) === 'strict').length === 2, 15_000, 'the good event and two dead letters');
      assert.equal(handled[0].id, good.id);
      const parked = dead.filter((d) => consumerOf(d) === 'strict').map((d) => d.data as { attempts: number; error: string; event: unknown });
      assert.deepEqual(parked.map((p) => p.attempts), [1, 1], 'parked at once, not retried');
      assert.ok(parked.every((p) => /not a valid event envelope/.test(p.error)));
      assert.deepEqual(parked[0].event, { type, unparsable: 'this is {not json' });
      assert.deepEqual(parked[1].event, { hello: 'not an envelope' });
    });

    test('a handler retrying for longer than the session timeout keeps its consumer in the group', async () => {
      const bus = await open(testKafkaUrl('slow', { sessionTimeoutMs: 6000 }));
      const attempts: number[] = [];
      const handled: string[] = [];
      let firstTry = 0;
      await bus.subscribe({
        group: 'slow',
        types: [type],
        maxAttempts: 100,
        retryDelayMs: 400,
        handler: async (e, d) => {
          if (e.subject === 'slow') {
            attempts.push(d.attempt);
            firstTry ||= Date.now();
            if (Date.now() - firstTry < 8000) throw new Error('downstream still unavailable');
          }
          handled.push(e.id);
        },
      });
      const events = [sample('slow'), ...Array.from({ length: 10 }, (_, i) => sample(`quick-${i}`))];
      await bus.publishBatch(events);
      await eventually(() => handled.length >= events.length, 25_000, 'every event, the slow one last');
      await sleep(500);
      assert.deepEqual([...handled].sort(), events.map((e) => e.id).sort(), 'each event handled once');
      assert.deepEqual(attempts, attempts.map((_, i) => i + 1), 'attempts 1, 2, 3, ... without a restart from a rebalance');
      assert.ok(attempts.length >= 5, `retried past the 6 s session timeout (${attempts.length} attempts)`);
      assert.equal(bus.groupJoins.get('slow'), 1, 'joined once, never thrown out');
    });

    test('a second replica joining during a slow handler, then leaving: nothing lost, no effect doubled', async () => {
      const url = testKafkaUrl('rebalance', { sessionTimeoutMs: 6000 });
      const one = await open(url);
      const two = await open(url);
      let firstTry = 0;
      // the batch inbox path: a batch holding the slow event falls back to one-by-one delivery
      const handlers = inboxHandlers(sequelize, 'svc', async (e, transaction) => {
        if (e.subject === 'slow') {
          firstTry ||= Date.now();
          if (Date.now() - firstTry < 5000) throw new Error('not yet');
        }
        await sequelize.query('INSERT INTO effects (event_id) VALUES (?)', { replacements: [e.id], transaction });
      });
      const sub = { group: 'svc', types: [type], ...handlers, maxAttempts: 100, retryDelayMs: 300 };
      await one.subscribe(sub);
      const first = [sample('slow'), ...Array.from({ length: 30 }, (_, i) => sample(`a-${i}`))];
      await one.publishBatch(first);
      await eventually(() => firstTry > 0, 10_000, 'the slow event to be in its handler');
      const twoSub = await two.subscribe(sub); // joins while replica one is retrying
      const second = Array.from({ length: 30 }, (_, i) => sample(`b-${i}`));
      await two.publishBatch(second);
      await eventually(async () => (await effects()).size >= 61, 30_000, '61 effects with two replicas');
      await twoSub.close(); // leaves the group; replica one takes every partition back
      const third = Array.from({ length: 20 }, (_, i) => sample(`c-${i}`));
      await one.publishBatch(third);
      await eventually(async () => (await effects()).size >= 81, 30_000, '81 effects after replica two left');
      await sleep(500);
      const done = await effects();
      for (const e of [...first, ...second, ...third]) assert.equal(done.get(e.id), 1, `event ${e.subject} took effect once`);
      assert.equal(done.size, 81);
      assert.ok((two.groupJoins.get('svc') ?? 0) >= 1 && (one.groupJoins.get('svc') ?? 0) >= 2, 'both replicas took part in rebalances');
    });
  });
}
