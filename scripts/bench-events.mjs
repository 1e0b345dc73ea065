// Event throughput benchmark (not a test). For each reachable bus (NATS always, Kafka when
// KAFKA_BROKERS is set), in the same run:
//   raw   N events published with the bus's batch publish (100 per call, as the relay does) and
//         consumed by a handler that only counts them;
//   e2e   N events written into a service's outbox by committed transactions (concurrent writers),
//         relayed in batches, consumed by another service through its inbox, whose transaction also
//         writes an effect row.
// Prints events/s for both, their ratio (target ≥ 0.3), and how many events were lost or doubled.
// On a shared machine one raw run and one e2e run taken seconds apart can differ by 3× from load
// alone, so each bus runs BENCH_ROUNDS rounds (raw then e2e, alternating) and the verdict is on the
// median of the per-round ratios; every round is printed.
// Settings: BENCH_EVENTS (default 5000), BENCH_ROUNDS (3), BENCH_WRITERS (8), BENCH_EVENTS_PER_TX (5),
// BENCH_KAFKA_PARTITIONS (6), TEST_MYSQL_URL, TEST_NATS_URL, KAFKA_BROKERS.
import { randomBytes } from 'node:crypto';
import { ticketStatusChanged } from '@backoffice/contracts';
import { buildEvent, connectBus, ensureMysqlDatabase, KafkaBus, migrateUp, NatsBus, openDatabase, Outbox, OutboxRelay, inboxHandlers } from '@backoffice/kit';

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const PER_TX = Number(process.env.BENCH_EVENTS_PER_TX ?? 5);
const MYSQL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const NATS = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const type = ticketStatusChanged.type;
const id = () => randomBytes(4).toString('hex');
const payload = (i) => ({ ticket_id: `b${i}`, ticket_no: `TK${i}`, from: 'BOOKED', to: 'CONFIRMED', technician_id: null, actor_user_id: 1, version: 2 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const buses = [{ name: 'nats', url: () => `${NATS}?stream=BENCH_${id().toUpperCase()}&prefix=bench_${id()}` }];
if (process.env.KAFKA_BROKERS) buses.push({ name: 'kafka', url: () => `kafka://${process.env.KAFKA_BROKERS}?prefix=bench_${id()}&partitions=${process.env.BENCH_KAFKA_PARTITIONS ?? 6}` });
else console.log('kafka: skipped, KAFKA_BROKERS is not set (scripts/kafka.sh start, then KAFKA_BROKERS=127.0.0.1:9092)');

async function until(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const subscriptions = new Map();
async function cleanup(bus) {
  for (const sub of subscriptions.get(bus) ?? []) await sub.close();
  if (bus instanceof NatsBus) await bus.destroyStream();
  if (bus instanceof KafkaBus) await bus.deletePrefixedTopics();
  await bus.close();
}

async function raw(url) {
  const bus = await connectBus(url, 'bench-raw');
  try {
    let seen = 0;
    subscriptions.set(bus, [await bus.subscribe({ group: 'raw', types: [type], handler: async () => void seen++ })]);
    const events = Array.from({ length: N }, (_, i) => buildEvent('bench', ticketStatusChanged, `k${i % 500}`, payload(i)));
    const started = performance.now();
    for (let i = 0; i < N; i += 100) await bus.publishBatch(events.slice(i, i + 100));
    const published = performance.now();
    await until(() => seen >= N, 120_000, 'raw consumption');
    const done = performance.now();
    return { rate: N / ((done - started) / 1000), publishRate: N / ((published - started) / 1000), seconds: (done - started) / 1000 };
  } finally {
    await cleanup(bus);
  }
}

async function database(label) {
  const name = `bench_${label}_${id()}`;
  await ensureMysqlDatabase(`${MYSQL}/${name}`);
  const sequelize = openDatabase(`${MYSQL}/${name}`);
  await migrateUp(sequelize, []);
  return { sequelize, drop: async () => (await sequelize.query(`DROP DATABASE \`${name}\``), await sequelize.close()) };
}

async function endToEnd(url) {
  const producerDb = await database('producer');
  const consumerDb = await database('consumer');
  const { sequelize: consumer } = consumerDb;
  await consumer.query('CREATE TABLE effects (id BIGINT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(64) NOT NULL)');
  const producerBus = await connectBus(url, 'bench-producer');
  const consumerBus = await connectBus(url, 'bench-consumer');
  // count what the relay hands to the bus, to see which stage limits the pipeline
  let relayed = 0;
  let relayedAt = 0;
  const publishBatch = producerBus.publishBatch.bind(producerBus);
  producerBus.publishBatch = async (events) => {
    await publishBatch(events);
    relayed += events.length;
    if (relayed >= N && !relayedAt) relayedAt = performance.now();
  };
  const relay = new OutboxRelay({ sequelize: producerDb.sequelize, bus: producerBus, service: 'bench', pollMs: 20, batchSize: 200 });
  try {
    let handled = 0;
    // inboxHandlers: one inbox transaction per delivered batch on Kafka, per event on NATS
    const sub = await consumerBus.subscribe({
      group: 'consumer',
      types: [type],
      ...inboxHandlers(consumer, 'consumer', async (event, transaction) => {
        await consumer.query('INSERT INTO effects (event_id) VALUES (?)', { replacements: [event.id], transaction });
        transaction.afterCommit(() => void handled++);
      }),
    });
    subscriptions.set(consumerBus, [sub]);
    const outbox = new Outbox(producerDb.sequelize, 'bench');
    relay.start();
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const writer = async () => {
      while (next < N) {
        const first = next;
        const last = (next = Math.min(N, next + PER_TX));
        const items = Array.from({ length: last - first }, (_, j) => ({ subject: `k${(first + j) % 500}`, data: payload(first + j) }));
        await producerDb.sequelize.transaction((tx) => outbox.addMany(tx, ticketStatusChanged, items));
        relay.poke();
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const written = performance.now();
    await until(() => handled >= N, 300_000, 'end-to-end consumption');
    const done = performance.now();
    const used = process.cpuUsage(cpu);
    await sleep(1000); // let any redelivery show up before counting
    const [[{ rows, distinct }]] = await consumer.query('SELECT COUNT(*) AS `rows`, COUNT(DISTINCT event_id) AS `distinct` FROM effects');
    return {
      rate: N / ((done - started) / 1000),
      writeRate: N / ((written - started) / 1000),
      relayRate: N / (((relayedAt || done) - started) / 1000),
      seconds: (done - started) / 1000,
      lost: N - Number(distinct),
      doubled: Number(rows) - Number(distinct),
      cpu: (used.user + used.system) / 1000 / (done - started),
    };
  } finally {
    await relay.stop();
    await cleanup(consumerBus);
    await cleanup(producerBus);
    await producerDb.drop();
    await consumerDb.drop();
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`event throughput: ${N} events, ${ROUNDS} rounds per bus; e2e = ${WRITERS} writers × ${PER_TX} events per committed transaction → outbox → relay (batches) → bus → inbox + effect row`);
let failed = false;
for (const { name, url } of buses) {
  const ratios = [];
  let clean = true;
  for (let round = 1; round <= ROUNDS; round++) {
    const r = await raw(url());
    const e = await endToEnd(url());
    const ratio = e.rate / r.rate;
    ratios.push(ratio);
    clean &&= e.lost === 0 && e.doubled === 0;
    console.log(
      `${name.padEnd(5)} #${round} raw ${fmt(r.rate)} ev/s (publish ${fmt(r.publishRate)} ev/s, ${r.seconds.toFixed(2)} s) | ` +
        `e2e ${fmt(e.rate)} ev/s (outbox writes ${fmt(e.writeRate)}, relayed ${fmt(e.relayRate)} ev/s, ${e.seconds.toFixed(2)} s) | ` +
        `ratio ${(Math.floor(ratio * 100) / 100).toFixed(2)} | lost ${e.lost} | doubled ${e.doubled} | bench process CPU during e2e ${(e.cpu * 100).toFixed(0)}%`,
    );
  }
  const ok = median(ratios) >= 0.3 && clean;
  failed ||= !ok;
  console.log(`${name.padEnd(5)} median ratio ${(Math.floor(median(ratios) * 100) / 100).toFixed(2)} (target ≥ 0.30) over ${ROUNDS} rounds; every event once: ${clean ? 'yes' : 'NO'} ${ok ? 'OK' : 'BELOW TARGET'}`);
}
process.exit(failed ? 1 : 0);
