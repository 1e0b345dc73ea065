import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ticketStatusChanged } from '@backoffice/contracts';
import { QueryTypes, type Sequelize } from 'sequelize';
import { KafkaBus, migrateUp, openDatabase, Outbox, OutboxRelay, withInbox } from '../src/index.js';
import { createTestDatabase, eventually, kafkaSkipReason, sleep, testKafkaUrl, type TestDatabase } from '../testing/index.js';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../../scripts/kafka.sh');
const data = (id: string) => ({ ticket_id: id, ticket_no: `TK${id}`, from: null, to: 'BOOKED' as const, technician_id: null, actor_user_id: null, version: 1 });

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

if (!process.env.KAFKA_BROKERS) {
  test(`outbox across a Kafka outage: ${kafkaSkipReason()}`, () => console.log(`# kafka outage test ${kafkaSkipReason()}`));
} else {
  // a throw-away broker of our own, so stopping it does not pull the shared one from under other tests
  let port = 0;
  let controllerPort = 0;
  let dir = '';
  const broker = (command: 'start' | 'stop', ...extra: string[]) =>
    run('bash', [script, command, '--port', String(port), '--controller-port', String(controllerPort), '--dir', dir, '--heap', '256m', ...extra], { timeout: 90_000 });
  let db: TestDatabase;
  let sequelize: Sequelize;

  before(async () => {
    [port, controllerPort] = [await freePort(), await freePort()];
    dir = mkdtempSync(join(tmpdir(), 'kafka-outage-'));
    await broker('start');
    db = await createTestDatabase('kafka_outage');
    sequelize = openDatabase(db.url);
    await migrateUp(sequelize, []);
    await sequelize.query('CREATE TABLE effects (id INT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(64) NOT NULL)');
  });
  after(async () => {
    await broker('stop').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await sequelize.close();
    await db.drop();
  });

  describe('outbox across a Kafka outage', () => {
    test('events written while the broker is down arrive after it returns, none lost, none taking effect twice', async () => {
      const bus = await KafkaBus.connect(testKafkaUrl('outage', { sessionTimeoutMs: 6000 }, `127.0.0.1:${port}`));
      const outbox = new Outbox(sequelize, 'tests');
      const relay = new OutboxRelay({ sequelize, bus, service: 'tests', pollMs: 50, maxBackoffMs: 500 });
      const deliveries = new Map<string, number>();
      await bus.subscribe({
        group: 'reader',
        types: [ticketStatusChanged.type],
        handler: withInbox(sequelize, 'reader', async (e, transaction) => {
          deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
          await sequelize.query('INSERT INTO effects (event_id) VALUES (?)', { replacements: [e.id], transaction });
        }),
      });
      const ids: string[] = [];
      const write = async (label: string) => ids.push((await sequelize.transaction((tx) => outbox.add(tx, ticketStatusChanged, label, data(label)))).id);
      const count = async (sql: string) => Number((await sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT }))[0].n);
      try {
        relay.start();
        await write('before-1');
        await eventually(async () => (await count('SELECT COUNT(*) AS n FROM effects')) === 1, 15_000, 'the first event');

        await broker('stop', '--keep');
        for (let i = 0; i < 10; i++) await write(`during-${i}`);
        await sleep(1500); // the relay tries, finds the broker gone, backs off
        assert.ok((await count(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`)) >= 10, 'events wait in the outbox while the broker is down');
        assert.equal(await count(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'failed'`), 0, 'an outage fails no row');

        await broker('start');
        await eventually(async () => (await count('SELECT COUNT(*) AS n FROM effects')) === 11, 45_000, 'all 11 events after the broker returns');
        await sleep(500);
        const effects = await sequelize.query<{ event_id: string; n: number }>('SELECT event_id, COUNT(*) AS n FROM effects GROUP BY event_id', { type: QueryTypes.SELECT });
        assert.deepEqual(effects.map((e) => e.event_id).sort(), [...ids].sort());
        assert.ok(effects.every((e) => Number(e.n) === 1), 'each event took effect once');
        assert.equal(await count(`SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'`), 0);
        console.log(`# deliveries per event after the outage: ${[...new Set(deliveries.values())].join(', ')} (repeats are absorbed by the inbox)`);
      } finally {
        await relay.stop();
        await bus.close();
      }
    });
  });
}
