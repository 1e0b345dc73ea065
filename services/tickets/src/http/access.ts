import { hasPermission, notFound, permissions, type AuthUser } from '@backoffice/contracts';
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
export async function visibleTicket(models: TicketModels, user: AuthUser, id: string): Promise<{ ticket: Ticket; technician: Technician | null }> {
  const ticket = await models.Ticket.findByPk(id);
  if (!ticket) throw notFound('工单不存在', 'TICKET_NOT_FOUND');
  const mine = await technicianOfUser(models, user);
  const assignedToMe = !!mine && ticket.technician_id === mine.id;
  if (!seesAllTickets(user) && !assignedToMe) throw notFound('工单不存在', 'TICKET_NOT_FOUND');
  return { ticket, technician: assignedToMe ? mine : null };
}

/** Acting on a ticket through a broad permission, or as its assigned technician. */
export async function mayWorkTicket(models: TicketModels, user: AuthUser, ticket: Ticket, broadPermission: string): Promise<boolean> {
  if (hasPermission(user.permissions, broadPermission)) return true;
  if (!hasPermission(user.permissions, permissions.ticketsOwn)) return false;
  const mine = await technicianOfUser(models, user);
  return !!mine && ticket.technician_id === mine.id;
}
