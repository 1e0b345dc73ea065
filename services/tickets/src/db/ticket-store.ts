import { randomUUID } from 'node:crypto';
import { conflict, notFound, ticketStatusChanged } from '@backoffice/contracts';
import { inTransaction, type Outbox } from '@backoffice/kit';
import { customAlphabet } from 'nanoid';
import { UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import { nextStatus, type TicketAction, type TicketStatus } from '../domain/ticket-status.js';
import type { TicketModels, Ticket } from './models.js';

/** `TK` + 8 characters without look-alikes (no 0/O, 1/I/L). */
const shortId = customAlphabet('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 8);
export const newTicketNo = () => `TK${shortId()}`;

/** What a booking supplies; the store adds the id, number, status and version. */
export type BookingFields = Pick<
  Ticket,
  | 'customer_name'
  | 'customer_phone_hash'
  | 'customer_phone_encrypted'
  | 'customer_phone_masked'
  | 'address'
  | 'appointment_date'
  | 'appointment_time'
  | 'issue_desc'
  | 'center_id'
  | 'technician_id'
>;

export interface Actor {
  userId: number | null;
}

export interface ChangeRequest {
  action: TicketAction;
  expectedVersion?: number;
  actor: Actor;
  /** Checks and extra columns for this action, inside the transaction, with the row locked. */
  apply?: (ticket: Ticket, transaction: Transaction) => Promise<Partial<Ticket>> | Partial<Ticket>;
  details?: Record<string, unknown>;
  reason?: string;
}

const AUDIT_ACTION: Record<TicketAction, string> = {
  confirm: 'CONFIRMED',
  assign: 'ASSIGNED',
  start: 'STARTED',
  complete: 'COMPLETED',
  cancel: 'CANCELED',
};

/**
 * Every write to a ticket goes through here: one transaction locks the row, checks the version the
 * client read and the state machine, applies the change, bumps the version, writes the audit row and
 * the outbox event. Either all of it happens or none.
 */
export class TicketStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: TicketModels,
    private readonly outbox: Outbox,
  ) {}

  async audit(transaction: Transaction, ticketId: string, action: string, actor: Actor, details?: Record<string, unknown>) {
    await this.models.TicketEvent.create(
      { id: randomUUID(), ticket_id: ticketId, action, actor_user_id: actor.userId, details_json: details ? JSON.stringify(details) : null },
      { transaction },
    );
  }

  private publish(transaction: Transaction, ticket: Ticket, from: TicketStatus | null, actor: Actor, reason?: string) {
    return this.outbox.add(transaction, ticketStatusChanged, ticket.id, {
      ticket_id: ticket.id,
      ticket_no: ticket.ticket_no,
      from,
      to: ticket.status,
      technician_id: ticket.technician_id,
      actor_user_id: actor.userId,
      version: ticket.version,
      ...(reason ? { reason } : {}),
    });
  }

  /** A new BOOKED ticket with a fresh unique number (retried on the rare collision). */
  async book(fields: BookingFields, transaction: Transaction): Promise<Ticket> {
    const ticket = await this.createWithUniqueNumber(fields, transaction);
    await this.audit(transaction, ticket.id, 'BOOKED', { userId: null }, { ticket_no: ticket.ticket_no });
    await this.publish(transaction, ticket, null, { userId: null });
    return ticket;
  }

  private async createWithUniqueNumber(fields: BookingFields, transaction: Transaction): Promise<Ticket> {
    for (let attempt = 1; ; attempt++) {
      // a savepoint, so a number collision does not spoil the caller's transaction
      const savepoint = await this.sequelize.transaction({ transaction });
      try {
        const ticket = await this.models.Ticket.create({ ...fields, id: randomUUID(), ticket_no: newTicketNo(), status: 'BOOKED', version: 1 }, { transaction: savepoint });
        await savepoint.commit();
        return ticket;
      } catch (err) {
        await savepoint.rollback();
        if (!(err instanceof UniqueConstraintError) || attempt >= 5) throw err;
      }
    }
  }

  async change(ticketId: string, request: ChangeRequest): Promise<Ticket> {
    return inTransaction(this.sequelize, async (transaction) => {
      const ticket = await this.models.Ticket.findByPk(ticketId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!ticket) throw notFound('工单不存在', 'TICKET_NOT_FOUND');
      if (request.expectedVersion !== undefined && request.expectedVersion !== ticket.version) {
        throw conflict(`工单已被他人修改（当前版本 ${ticket.version}），请刷新后重试`, 'VERSION_CONFLICT');
      }
      const from = ticket.status;
      const to = nextStatus(from, request.action);
      const extra = (await request.apply?.(ticket, transaction)) ?? {};
      await ticket.update({ ...extra, status: to, version: ticket.version + 1 }, { transaction });
      await this.audit(transaction, ticket.id, AUDIT_ACTION[request.action], request.actor, { from, to, ...request.details, ...(request.reason ? { reason: request.reason } : {}) });
      await this.publish(transaction, ticket, from, request.actor, request.reason);
      return ticket;
    });
  }
}
