import { z } from 'zod';
import { defineEvent } from './envelope.js';

export const ticketStatus = z.enum(['BOOKED', 'CONFIRMED', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELED']);

export const ticketStatusChanged = defineEvent(
  'tickets.ticket.status-changed.v1',
  z.object({
    ticket_id: z.string(),
    ticket_no: z.string(),
    from: ticketStatus.nullable(),
    to: ticketStatus,
    technician_id: z.string().nullable(),
    actor_user_id: z.number().int().nullable(),
    version: z.number().int(),
    reason: z.string().optional(),
  }),
);
