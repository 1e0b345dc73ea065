import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ticketStatusChanged, type EventEnvelope } from '@backoffice/contracts';
import { QueryTypes, type Sequelize } from 'sequelize';
import { inboxHandlers, migrateUp, NatsBus, openDatabase, Outbox, OutboxRelay, redriveFailedOutbox, withInbox, type EventBus } from '../src/index.js';
import { createTestDatabase, eventually, testNatsUrl, type TestDatabase } from '../testing/index.js';

const data = (id: string) => ({ ticket_id: id, ticket_no: `TK${id}`, from: null, to: 'BOOKED' as const, technician_id: null, actor_user_id: null, version: 1 });

/** Wraps a real bus and counts what was handed to it, by event id. */
class CountingBus implements EventBus {
  readonly kind = 'nats' as const;
  readonly published = new Map<string, number>();
  constructor(private readonly inner: EventBus) {}
  async publish(e: EventEnvelope) {
    await this.inner.publish(e);
    this.published.set(e.id, (this.published.get(e.id) ?? 0) + 1);
  }
  subscribe: EventBus['subscribe'] = (o) => this.inner.subscribe(o);
  ping = () => this.inner.ping();
  close = () => this.inner.close();
}

let db: TestDatabase;
let sequelize: Sequelize;
let outbox: Outbox;

const pendingCount = async () =>
  Number((await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`, { type: QueryTypes.SELECT }))[0].n);

before(async () => {
  db = await createTestDatabase('outbox');
  sequelize = openDatabase(db.url);
  await migrateUp(sequelize, []);
  outbox = new Outbox(sequelize, 'tests');
});
after(async () => {
  await sequelize.close();
  await db.drop();
});

describe('outbox', () => {
  test('a rolled-back transaction leaves no event; a committed one is published exactly once', async () => {
    const bus = new CountingBus(await NatsBus.connect(testNatsUrl('outbox')));
    const received: EventEnvelope[] = [];
    await bus.subscribe({ group: 'reader', types: [ticketStatusChanged.type], handler: async (e) => void received.push(e) });
    const relay = new OutboxRelay({ sequelize, bus, service: 'tests' });
    try {
      await assert.rejects(
        sequelize.transaction(async (tx) => {
          await outbox.add(tx, ticketStatusChanged, 'rolled-back', data('rolled-back'));
          throw new Error('business rule broke after the event was written');
        }),
      );
      const committed = await sequelize.transaction((tx) => outbox.add(tx, ticketStatusChanged, 'kept', data('kept')));
      assert.equal(await relay.flush(), 1);
      assert.equal(await relay.flush(), 0, 'nothing left to publish');
      await eventually(() => received.length >= 1, 5000, 'the committed event');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(received.map((e) => e.id), [committed.id]);
      assert.equal(bus.published.get(committed.id), 1);
    } finally {
      await (bus as unknown as { inner: NatsBus }).inner.destroyStream();
      await bus.close();
    }
  });

  test('two relays on one outbox never publish a row twice', async () => {
    const bus = new CountingBus(await NatsBus.connect(testNatsUrl('relays')));
    try {
      const ids: string[] = [];
      for (let batch = 0; batch < 6; batch++) {
        await sequelize.transaction(async (tx) => {
          for (let i = 0; i < 50; i++) ids.push((await outbox.add(tx, ticketStatusChanged, `r${batch}-${i}`, data(`r${batch}-${i}`))).id);
        });
      }
      const one = new OutboxRelay({ sequelize, bus, service: 'tests', batchSize: 20 });
      const two = new OutboxRelay({ sequelize, bus, service: 'tests', batchSize: 20 });
      const [a, b] = await Promise.all([one.flush(), two.flush()]);
      // a relay stops when it finds nothing claimable; finish whatever the other still held
      const rest = await one.flush();
      assert.equal(a + b + rest, 300);
      assert.ok(a > 0 && b > 0, `both relays took part (${a} / ${b})`);
      for (const id of ids) assert.equal(bus.published.get(id), 1, `event ${id} published once`);
      assert.equal(await pendingCount(), 0);
    } finally {
      await (bus as unknown as { inner: NatsBus }).inner.destroyStream();
      await bus.close();
    }
  });

  test('a row the bus keeps refusing (bus reachable) ends visibly failed and can be re-driven', async () => {
    let refuse = true;
    const inner = await NatsBus.connect(testNatsUrl('failed'));
    const picky: EventBus = {
      kind: 'nats',
      publish: async (e) => {
        if (refuse) throw new Error('message too large');
        await inner.publish(e);
      },
      subscribe: (o) => inner.subscribe(o),
      ping: () => inner.ping(),
      close: () => inner.close(),
    };
    try {
      await sequelize.transaction((tx) => outbox.add(tx, ticketStatusChanged, 'poison', data('poison')));
      const relay = new OutboxRelay({ sequelize, bus: picky, service: 'tests', maxAttempts: 2 });
      await relay.publishBatch();
      await sequelize.query(`UPDATE outbox SET available_at = ? WHERE status = 'pending'`, { replacements: [new Date(0)] });
      await relay.publishBatch();
      const [row] = await sequelize.query<{ status: string; attempts: number; last_error: string }>(
        `SELECT status, attempts, last_error FROM outbox WHERE subject = 'poison'`,
        { type: QueryTypes.SELECT },
      );
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 2);
      assert.match(row.last_error, /message too large/);
      refuse = false;
      assert.equal(await redriveFailedOutbox(sequelize), 1);
      assert.equal(await relay.flush(), 1);
    } finally {
      await inner.destroyStream();
      await inner.close();
    }
  });
});

// --- a NATS server of our own, so the test can take it down and bring it back ----------------------

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startNats(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = createServer();
        socket.once('error', () => resolve(true)); // port taken: server is up
        socket.listen(port, '127.0.0.1', () => socket.close(() => resolve(false)));
      }),
    5000,
    'nats-server to listen',
  );
  return child;
}

describe('outbox across a bus outage', () => {
  test('events written while the bus is down arrive after it returns, none lost, none doubled', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'nats-outage-'));
    let server = await startNats(port, dir);
    const url = testNatsUrl('outage', `nats://127.0.0.1:${port}`);
    const bus = new CountingBus(await NatsBus.connect(url));
    const received = new Map<string, number>();
    await bus.subscribe({ group: 'reader', types: [ticketStatusChanged.type], handler: async (e) => void received.set(e.id, (received.get(e.id) ?? 0) + 1) });
    const relay = new OutboxRelay({ sequelize, bus, service: 'tests', pollMs: 50, maxBackoffMs: 400 });
    const ids: string[] = [];
    const write = async (label: string) => {
      const e = await sequelize.transaction((tx) => outbox.add(tx, ticketStatusChanged, label, data(label)));
      ids.push(e.id);
    };
    try {
      relay.start();
      await write('before-1');
      await eventually(() => received.size === 1, 5000, 'the first event');

      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      for (let i = 0; i < 10; i++) await write(`during-${i}`);
      await new Promise((r) => setTimeout(r, 1500)); // the relay tries, fails, backs off
      assert.ok((await pendingCount()) >= 10, 'events wait in the outbox while the bus is down');
      const [{ n: failed }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'failed'`, { type: QueryTypes.SELECT });
      assert.equal(Number(failed), 0, 'an outage fails no row');

      server = await startNats(port, dir);
      await eventually(() => received.size === 11, 20_000, 'all 11 events after the bus returns');
      await new Promise((r) => setTimeout(r, 300));
      for (const id of ids) assert.equal(received.get(id), 1, `event ${id} delivered once`);
      assert.equal(await pendingCount(), 0);
    } finally {
      await relay.stop();
      await bus.close();
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inbox', () => {
  test('a redelivered event changes nothing', async () => {
    await sequelize.query('CREATE TABLE IF NOT EXISTS counter (id INT PRIMARY KEY, n INT NOT NULL)');
    await sequelize.query('INSERT INTO counter (id, n) VALUES (1, 0)');
    const handler = withInbox(sequelize, 'counting', async (_e, tx) => {
      await sequelize.query('UPDATE counter SET n = n + 1 WHERE id = 1', { transaction: tx });
    });
    const event = await sequelize.transaction((tx) => outbox.add(tx, ticketStatusChanged, 'inbox', data('inbox')));
    await handler(event, { attempt: 1 });
    await handler(event, { attempt: 2 });
    await Promise.all([handler(event, { attempt: 3 }), handler(event, { attempt: 3 })]);
    const [{ n }] = await sequelize.query<{ n: number }>('SELECT n FROM counter WHERE id = 1', { type: QueryTypes.SELECT });
    assert.equal(Number(n), 1);
  });

  test('a batch through the inbox skips what was handled, applies the rest once, and rolls back whole on failure', async () => {
    await sequelize.query('CREATE TABLE batch_effects (event_id VARCHAR(64) NOT NULL)');
    let failOn: string | undefined;
    const { handler, handleBatch } = inboxHandlers(sequelize, 'batching', async (e, tx) => {
      if (e.id === failOn) throw new Error('cannot apply');
      await sequelize.query('INSERT INTO batch_effects (event_id) VALUES (?)', { replacements: [e.id], transaction: tx });
    });
    const [a, b, c] = await sequelize.transaction((tx) => outbox.addMany(tx, ticketStatusChanged, ['ba', 'bb', 'bc'].map((id) => ({ subject: id, data: data(id) }))));
    await handler(a, { attempt: 1 });
    failOn = c.id;
    await assert.rejects(handleBatch!([a, b, c]), /cannot apply/);
    const effects = async () => (await sequelize.query<{ event_id: string }>('SELECT event_id FROM batch_effects', { type: QueryTypes.SELECT })).map((r) => r.event_id).sort();
    assert.deepEqual(await effects(), [a.id], 'the failed batch left nothing behind');
    failOn = undefined;
    await handleBatch!([a, b, c, b]);
    assert.deepEqual(await effects(), [a.id, b.id, c.id].sort(), 'each event took effect once');
    const [{ n }] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM inbox WHERE consumer = 'batching'`, { type: QueryTypes.SELECT });
    assert.equal(Number(n), 3);
  });

  test('a failing handler leaves no inbox row, so the retry runs it again; it ends on the dead-letter stream', async () => {
    const bus = await NatsBus.connect(testNatsUrl('inbox-dlq'));
    try {
      const dead: EventEnvelope[] = [];
      await bus.subscribe({ group: 'ops', types: ['bus.deadletter.v1'], handler: async (e) => void dead.push(e) });
      let runs = 0;
      await bus.subscribe({
        group: 'inbox-broken',
        types: [ticketStatusChanged.type],
        maxAttempts: 3,
        retryDelayMs: 20,
        handler: withInbox(sequelize, 'inbox-broken', async () => {
          runs++;
          throw new Error('cannot apply');
        }),
      });
      const event = await sequelize.transaction((tx) => outbox.add(tx, ticketStatusChanged, 'dlq', data('dlq')));
      await bus.publish(event);
      await eventually(() => dead.length === 1, 8000, 'the dead letter');
      assert.equal(runs, 3);
      const rows = await sequelize.query(`SELECT * FROM inbox WHERE consumer = 'inbox-broken'`, { type: QueryTypes.SELECT });
      assert.equal(rows.length, 0);
    } finally {
      await bus.destroyStream();
      await bus.close();
    }
  });
});
