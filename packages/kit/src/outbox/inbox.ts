import type { EventEnvelope } from '@backoffice/contracts';
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import type { EventHandler, SubscribeOptions } from '../bus/types.js';
import { runWithContext } from '../context.js';
import { consumerEvents } from '../metrics.js';

/**
 * Wraps a handler so its effect and the (consumer, event id) inbox row commit together:
 * a redelivered event finds its row and changes nothing.
 */
export function withInbox(
  sequelize: Sequelize,
  consumer: string,
  handle: (event: EventEnvelope, transaction: Transaction) => Promise<void>,
): EventHandler {
  return async (event) => {
    await sequelize.transaction(async (transaction) => {
      try {
        await sequelize.query('INSERT INTO inbox (consumer, event_id, type, handled_at) VALUES (?, ?, ?, ?)', {
          replacements: [consumer, event.id, event.type, new Date()],
          type: QueryTypes.INSERT,
          transaction,
        });
      } catch (err) {
        if (err instanceof UniqueConstraintError) {
          consumerEvents.inc({ group: consumer, type: event.type, outcome: 'duplicate' });
          return;
        }
        throw err;
      }
      await handle(event, transaction);
    });
  };
}

/**
 * `withInbox` for one event plus a batch form for adapters that deliver batches (Kafka): the whole
 * batch is one transaction that skips the events already in the inbox, records the new ones with one
 * multi-row INSERT and runs `handle` for each, in order. If anything in it fails (a handler error, or
 * a replica racing on the same event) the transaction rolls back and the adapter falls back to the
 * one-event path. Spread it into the subscription: `{ group, types, ...inboxHandlers(db, group, fn) }`.
 */
export function inboxHandlers(
  sequelize: Sequelize,
  consumer: string,
  handle: (event: EventEnvelope, transaction: Transaction) => Promise<void>,
): Pick<SubscribeOptions, 'handler' | 'handleBatch'> {
  return {
    handler: withInbox(sequelize, consumer, handle),
    handleBatch: async (events) => {
      await sequelize.transaction(async (transaction) => {
        const ids = [...new Set(events.map((e) => e.id))];
        const seen = await sequelize.query<{ event_id: string }>(
          `SELECT event_id FROM inbox WHERE consumer = ? AND event_id IN (${ids.map(() => '?').join(',')})`,
          { replacements: [consumer, ...ids], type: QueryTypes.SELECT, transaction },
        );
        const skip = new Set(seen.map((r) => r.event_id));
        const fresh = events.filter((e) => !skip.has(e.id) && (skip.add(e.id), true));
        for (const e of events.length > fresh.length ? events.filter((x) => !fresh.includes(x)) : []) {
          consumerEvents.inc({ group: consumer, type: e.type, outcome: 'duplicate' });
        }
        if (!fresh.length) return;
        const now = new Date();
        await sequelize.query(`INSERT INTO inbox (consumer, event_id, type, handled_at) VALUES ${fresh.map(() => '(?, ?, ?, ?)').join(', ')}`, {
          replacements: fresh.flatMap((e) => [consumer, e.id, e.type, now]),
          type: QueryTypes.INSERT,
          transaction,
        });
        for (const event of fresh) await runWithContext({ requestId: event.traceid ?? event.id }, () => handle(event, transaction));
      });
    },
  };
}
