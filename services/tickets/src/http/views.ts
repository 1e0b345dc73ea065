import type { Technician, Ticket, TicketEvent, TicketImage } from '../db/models.js';
import { STATUS_LABELS } from '../domain/ticket-status.js';

export const technicianView = (t: Technician) => ({
  id: t.id,
  name: t.name,
  phone_masked: t.phone_masked,
  center_id: t.center_id,
  skills: t.skills,
  is_active: Boolean(t.is_active),
  user_id: t.user_id,
  created_at: t.created_at as Date,
  updated_at: t.updated_at as Date,
});

/** A ticket as lists show it: the phone masked. */
export const ticketView = (t: Ticket, technician?: Technician | null) => ({
  id: t.id,
  ticket_no: t.ticket_no,
  customer_name: t.customer_name,
  customer_phone: t.customer_phone_masked,
  address: t.address,
  appointment_date: t.appointment_date,
  appointment_time: t.appointment_time,
  issue_desc: t.issue_desc,
  center_id: t.center_id,
  status: t.status,
  status_label: STATUS_LABELS[t.status],
  technician_id: t.technician_id,
  technician: technician ? { id: technician.id, name: technician.name, phone_masked: technician.phone_masked } : null,
  cancel_reason: (t.cancel_reason as string | null) ?? null,
  version: t.version as number,
  assigned_at: (t.assigned_at as Date | null) ?? null,
  completed_at: (t.completed_at as Date | null) ?? null,
  created_at: t.created_at as Date,
  updated_at: t.updated_at as Date,
});

export const imageView = (i: TicketImage) => ({
  id: i.id,
  type: i.type,
  mime_type: i.mime_type,
  size_bytes: i.size_bytes,
  checksum_sha256: i.checksum_sha256,
  original_name: i.original_name,
  url: `/api/files/ticket-receipt/${i.id}`,
  uploaded_by: i.uploaded_by,
  created_at: i.created_at as Date,
});

export const eventView = (e: TicketEvent) => ({
  id: e.id,
  action: e.action,
  actor_user_id: e.actor_user_id,
  details: e.details_json ? JSON.parse(e.details_json) : null,
  created_at: e.created_at as Date,
});
