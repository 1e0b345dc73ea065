import type { EventDefinition, EventEnvelope } from '@backoffice/contracts';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { z } from 'zod';
import { buildEvent } from '../bus/event-factory.js';

/**
 * Writes events into the service's `outbox` table inside the caller's transaction, so an event exists
 * exactly when the change that caused it was committed. The relay publishes them later.
 */
export class Outbox {
  constructor(
    private readonly sequelize: Sequelize,
    readonly source: string,
  ) {}

  async add<S extends z.ZodType>(
    transaction: Transaction,
    definition: EventDefinition<S>,
    subject: string | number,
    data: z.infer<S>,
  ): Promise<EventEnvelope<z.infer<S>>> {
    if (!transaction) throw new Error('Outbox.add needs the transaction of the change it records');
    const event = buildEvent(this.source, definition, subject, data);
    const now = new Date();
    await this.sequelize.query(
      `INSERT INTO outbox (event_id, type, subject, envelope, status, attempts, available_at, created_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
      { replacements: [event.id, event.type, event.subject, JSON.stringify(event), now, now], transaction, type: QueryTypes.INSERT },
    );
    return event;
  }

  /**
   * Several events of one type in one multi-row INSERT (bulk actions: an import, a set-based update).
   * Same guarantees as `add`: they exist exactly when the caller's transaction commits, in item order.
   */
  async addMany<S extends z.ZodType>(
    transaction: Transaction,
    definition: EventDefinition<S>,
    items: ReadonlyArray<{ subject: string | number; data: z.infer<S> }>,
  ): Promise<Array<EventEnvelope<z.infer<S>>>> {
    if (!transaction) throw new Error('Outbox.addMany needs the transaction of the change it records');
    const events = items.map((item) => buildEvent(this.source, definition, item.subject, item.data));
    const now = new Date();
    for (let i = 0; i < events.length; i += 500) {
      const chunk = events.slice(i, i + 500);
      await this.sequelize.query(
        `INSERT INTO outbox (event_id, type, subject, envelope, status, attempts, available_at, created_at)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, 'pending', 0, ?, ?)").join(', ')}`,
        { replacements: chunk.flatMap((e) => [e.id, e.type, e.subject, JSON.stringify(e), now, now]), transaction, type: QueryTypes.INSERT },
      );
    }
    return events;
  }
}
