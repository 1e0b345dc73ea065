import type { EventEnvelope } from '@backoffice/contracts';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from 'pino';
import { publishAll, type EventBus } from '../bus/types.js';
import { dialectOf } from '../db/database.js';
import { runWrite } from '../db/results.js';
import { outboxBacklog, outboxOldestAge, outboxPublished } from '../metrics.js';

export interface RelayOptions {
  sequelize: Sequelize;
  bus: EventBus;
  service: string;
  logger?: Logger;
  batchSize?: number;
  pollMs?: number;
  /** Publish failures of one row (with the bus reachable) before it is parked as `failed`. */
  maxAttempts?: number;
  /** Longest pause between polls while the bus is down. */
  maxBackoffMs?: number;
}

interface OutboxRow {
  id: number | string;
  envelope: string;
  attempts: number;
}


/**
 * Publishes pending outbox rows in id order. Rows are claimed with FOR UPDATE SKIP LOCKED on MySQL,
 * so replicas never publish the same row; the claim and the `sent` mark are one transaction.
 * While the bus is unreachable nothing is marked and the relay backs off; a row that fails on its own
 * (bus reachable) is retried and finally parked as `failed`, visible and re-drivable.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastMetrics = 0;

  constructor(private readonly options: RelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Ask for a poll now (after a commit that wrote events), instead of waiting for the next tick. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run() {
    const { pollMs = 200, maxBackoffMs = 5000 } = this.options;
    let backoff = pollMs;
    while (this.running) {
      let published = 0;
      let busDown = false;
      try {
        ({ published, busDown } = await this.publishBatch());
        await this.refreshMetrics();
      } catch (err) {
        busDown = true;
        this.options.logger?.warn({ err }, 'outbox relay poll failed');
      }
      if (published > 0 && !busDown) continue;
      backoff = busDown ? Math.min(backoff * 2, maxBackoffMs) : pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Publishes until nothing is pending or the bus is down; returns the count published. */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, busDown } = await this.publishBatch();
      total += published;
      if (!published || busDown) return total;
    }
  }

  async publishBatch(): Promise<{ published: number; busDown: boolean }> {
    const { sequelize, bus, batchSize = 100, logger } = this.options;
    const lock = dialectOf(sequelize) === 'mysql' ? 'FOR UPDATE SKIP LOCKED' : '';
    return sequelize.transaction(async (transaction) => {
      const rows = await sequelize.query<OutboxRow>(
        `SELECT id, envelope, attempts FROM outbox WHERE status = 'pending' AND available_at <= ? ORDER BY id LIMIT ${Number(batchSize)} ${lock}`,
        { replacements: [new Date()], type: QueryTypes.SELECT, transaction },
      );
      let sent: Array<number | string> = [];
      let busDown = false;
      try {
        // the common case: the whole claimed batch in one round trip
        await publishAll(bus, rows.map((row) => JSON.parse(row.envelope) as EventEnvelope));
        sent = rows.map((row) => row.id);
      } catch (err) {
        busDown = await bus.ping().then(() => false, () => true);
        if (busDown) logger?.warn({ err }, 'bus unreachable; outbox relay backing off');
        else ({ sent, busDown } = await this.publishOneByOne(rows, transaction)); // find the row the bus refuses
      }
      if (sent.length) {
        await sequelize.query(`UPDATE outbox SET status = 'sent', sent_at = ? WHERE id IN (${sent.map(() => '?').join(',')})`, {
          replacements: [new Date(), ...sent],
          transaction,
        });
        outboxPublished.inc({ service: this.options.service }, sent.length);
      }
      return { published: sent.length, busDown };
    });
  }

  /**
   * After a batch was refused with the bus reachable: publish row by row (rows of the batch that did
   * get through are sent again; consumers deduplicate) up to the row that fails, which is retried later
   * and finally parked as `failed`. Later rows wait for it, keeping the order.
   */
  private async publishOneByOne(rows: OutboxRow[], transaction: Transaction): Promise<{ sent: Array<number | string>; busDown: boolean }> {
    const { sequelize, bus, maxAttempts = 10, logger } = this.options;
    const sent: Array<number | string> = [];
    let busDown = false;
    for (const row of rows) {
      try {
        await bus.publish(JSON.parse(row.envelope));
        sent.push(row.id);
      } catch (err) {
        busDown = await bus.ping().then(() => false, () => true);
        if (busDown) {
          logger?.warn({ err }, 'bus unreachable; outbox relay backing off');
          break;
        }
        const attempts = row.attempts + 1;
        const status = attempts >= maxAttempts ? 'failed' : 'pending';
        const retryAt = new Date(Date.now() + Math.min(1000 * 2 ** attempts, 60_000));
        await sequelize.query('UPDATE outbox SET attempts = ?, status = ?, last_error = ?, available_at = ? WHERE id = ?', {
          replacements: [attempts, status, String(err).slice(0, 2000), retryAt, row.id],
          transaction,
        });
        logger?.error({ err, outboxId: row.id, attempts, status }, 'outbox row could not be published');
        break;
      }
    }
    return { sent, busDown };
  }

  private async refreshMetrics() {
    if (Date.now() - this.lastMetrics < 5000) return;
    this.lastMetrics = Date.now();
    const { sequelize, service } = this.options;
    const rows = await sequelize.query<{ status: string; n: number; oldest: string | Date | null }>(
      `SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status IN ('pending', 'failed') GROUP BY status`,
      { type: QueryTypes.SELECT },
    );
    outboxBacklog.set({ service, status: 'pending' }, 0);
    outboxBacklog.set({ service, status: 'failed' }, 0);
    outboxOldestAge.set({ service }, 0);
    for (const row of rows) {
      outboxBacklog.set({ service, status: row.status }, Number(row.n));
      if (row.status === 'pending' && row.oldest) outboxOldestAge.set({ service }, (Date.now() - new Date(row.oldest).getTime()) / 1000);
    }
  }
}

/** Puts every `failed` row back in line (the `outbox:redrive` command). Returns how many. */
export async function redriveFailedOutbox(sequelize: Sequelize): Promise<number> {
  return runWrite(sequelize, `UPDATE outbox SET status = 'pending', attempts = 0, available_at = ? WHERE status = 'failed'`, { replacements: [new Date()] });
}

