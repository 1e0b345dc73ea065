import { forbidden, hasPermission, notFound, permissions, type AuthUser } from '@backoffice/contracts';
import type { Transaction } from 'sequelize';
import type { TicketModels, Technician, Ticket } from '../db/models.js';

/** Staff with tickets.read see every ticket; a technician (tickets.own) only the ones assigned to them. */
export const seesAllTickets = (user: AuthUser) => hasPermission(user.permissions, permissions.ticketsRead);

export async function technicianOfUser(models: TicketModels, user: AuthUser, transaction?: Transaction): Promise<Technician | null> {
  return models.Technician.findOne({ where: { user_id: user.id }, transaction });
}

/**
 * Loads a ticket the user may see. For technicians a ticket that is not theirs does not exist:
 * 404, not 403, so ticket ids cannot be probed.
 */
export async function visibleTicket(models: TicketModels, user: AuthUser, id: string): Promise<Ticket> {
  return workableTicket(models, user, id, permissions.ticketsRead);
}

/** Acting on a ticket through a broad permission, or as its assigned technician. */
export async function mayWorkTicket(models: TicketModels, user: AuthUser, ticket: Ticket, broadPermission: string): Promise<boolean> {
  if (hasPermission(user.permissions, broadPermission)) return true;
  if (!hasPermission(user.permissions, permissions.ticketsOwn)) return false;
  const mine = await technicianOfUser(models, user);
  return !!mine && ticket.technician_id === mine.id;
}

/**
 * Loads a ticket the user may act on with `broadPermission` or as its technician. Staff who can see
 * the ticket but not act get 403; anyone who cannot see it gets 404.
 */
export async function workableTicket(models: TicketModels, user: AuthUser, id: string, broadPermission: string): Promise<Ticket> {
  const ticket = await models.Ticket.findByPk(id);
  if (!ticket) throw notFound('工单不存在', 'TICKET_NOT_FOUND');
  if (await mayWorkTicket(models, user, ticket, broadPermission)) return ticket;
  if (seesAllTickets(user)) throw forbidden();
  throw notFound('工单不存在', 'TICKET_NOT_FOUND');
}
