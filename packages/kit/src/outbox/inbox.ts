import type { EventEnvelope } from '@backoffice/contracts';
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import type { EventHandler } from '../bus/types.js';
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
