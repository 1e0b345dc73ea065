// Commission recalculation benchmark (not a test). On its own MariaDB database: 1,000,000 fixed
// customer orders, each with its payment bill, then alternately
//   (a) one plain set-based UPDATE of the same rows (rate × order_amount, nothing joined), and
//   (b) the full recalculation the API runs (CustomerOrderStore.recalculate: rule lookup, the one
//       UPDATE over customer_orders (bill amounts were copied onto them), the sample, the outbox event).
// Each run changes every value (the rate alternates), so no run is a no-op; the two take turns going
// first (the second pays for flushing the first one's dirty pages). Prints each time and the
// ratio of medians. Needs the built dist: flock /tmp/tsc.lock npx tsc -b services/writing-orders
import { randomBytes } from 'node:crypto';
import { ensureMysqlDatabase, migrateUp, openDatabase, Outbox } from '@backoffice/kit';
import { migrations } from '../services/writing-orders/dist/db/migrations.js';
import { initOrderModels } from '../services/writing-orders/dist/db/order-models.js';
import { CustomerOrderStore } from '../services/writing-orders/dist/db/customer-order-store.js';

const MYSQL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const name = `bench_commission_${randomBytes(3).toString('hex')}`;
const url = `${MYSQL}/${name}`;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await ensureMysqlDatabase(url);
const sequelize = openDatabase(url, { logging: false });
try {
  await migrateUp(sequelize, migrations);
  let t0 = process.hrtime.bigint();
  // MariaDB's sequence engine numbers the rows; amounts and fees vary with the number
  const seq = `seq_1_to_${ROWS}`;
  await sequelize.query(`INSERT INTO orders (order_id, payment_id, amount, status, refund_amount, fee, channel, created_at, updated_at)
    SELECT CONCAT('B', seq), CONCAT('P', seq), 100 + (seq % 900) + (seq % 100) / 100, '交易成功', IF(seq % 10 = 0, 50, 0), ROUND((100 + (seq % 900)) * 0.006, 2), '支付宝', NOW(), NOW()
      FROM ${seq}`);
  await sequelize.query(`INSERT INTO customer_orders (order_id, date, is_fixed, fee, fee_2, customer_id, writer_id, order_amount, bill_amount, bill_refund_amount, bill_fee, settlement_status, new_customer, is_locked, writer_settlement_exported, customer_settlement_exported, created_at, updated_at)
    SELECT o.order_id, DATE_ADD('2025-01-01', INTERVAL seq % 365 DAY), 1, 20 + (seq % 300), IF(seq % 4 = 0, 15.5, NULL), 1 + seq % 20, CONCAT('w', seq % 500), 100 + (seq % 900), o.amount, o.refund_amount, o.fee, 'Eligible', 0, 0, 0, 0, NOW(), NOW()
      FROM ${seq} JOIN orders o ON o.order_id = CONCAT('B', seq)`);
  console.log(`filled ${ROWS.toLocaleString()} customer orders and bills in ${(ms(t0) / 1000).toFixed(1)} s`);

  const store = new CustomerOrderStore(sequelize, initOrderModels(sequelize), new Outbox(sequelize, 'bench'));
  const actor = { userId: 1, manages: true, settles: true, superAdmin: true };
  const setRate = async (bp, version) =>
    sequelize.query('INSERT INTO commission_rules (version, rate_bp, deduct_refund, deduct_payment_fee, deduct_writer_fees, created_at) VALUES (?, ?, 1, 1, 1, NOW())', { replacements: [version, bp] });

  const plain = [];
  const ours = [];
  let version = 0;
  // round 0 warms the buffer pool for both and is not counted
  for (let round = 0; round <= ROUNDS; round++) {
    const factor = round % 2 ? '0.10' : '0.11';
    const runPlain = async () => {
      const t = process.hrtime.bigint();
      await sequelize.transaction((transaction) =>
        sequelize.query(`UPDATE customer_orders SET customer_commission = ROUND(order_amount * ${factor}, 2) WHERE is_fixed = 1 AND customer_settlement_exported = 0`, { transaction }),
      );
      return ms(t);
    };
    const runOurs = async () => {
      await setRate(round % 2 ? 1200 : 1300, ++version);
      const t = process.hrtime.bigint();
      const r = await store.recalculate(actor);
      return [ms(t), r];
    };
    // the one that runs second pays for flushing the first one's dirty pages: take turns
    let plainMs, oursMs, result;
    if (round % 2) {
      plainMs = await runPlain();
      [oursMs, result] = await runOurs();
    } else {
      [oursMs, result] = await runOurs();
      plainMs = await runPlain();
    }
    if (result.total !== ROWS) throw new Error(`recalculation processed ${result.total}, expected ${ROWS}`);
    if (round > 0) {
      plain.push(plainMs);
      ours.push(oursMs);
    }
    console.log(`round ${round}${round ? '' : ' (warm-up)'}: plain UPDATE ${(plainMs / 1000).toFixed(2)} s · recalculation ${(oursMs / 1000).toFixed(2)} s`);
  }
  const ratio = median(ours) / median(plain);
  console.log(`median: plain UPDATE ${(median(plain) / 1000).toFixed(2)} s · recalculation ${(median(ours) / 1000).toFixed(2)} s · ratio ${ratio.toFixed(2)}× (target ≤ 1.5×)`);
} finally {
  await sequelize.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
  await sequelize.close();
}
