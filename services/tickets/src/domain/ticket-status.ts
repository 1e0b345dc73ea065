import { conflict } from '@backoffice/contracts';

export const TICKET_STATUSES = ['BOOKED', 'CONFIRMED', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const STATUS_LABELS: Record<TicketStatus, string> = {
  BOOKED: '已预约',
  CONFIRMED: '已确认',
  ASSIGNED: '已分配',
  IN_PROGRESS: '服务中',
  COMPLETED: '已完成',
  CANCELED: '已取消',
};

export type TicketAction = 'confirm' | 'assign' | 'start' | 'complete' | 'cancel';

/**
 * BOOKED → CONFIRMED → ASSIGNED → IN_PROGRESS → COMPLETED; CANCELED from any state that is not final.
 * A dispatcher may re-assign an ASSIGNED ticket; completing straight from ASSIGNED is allowed (seed).
 */
const TRANSITIONS: Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }> = {
  confirm: { from: ['BOOKED'], to: 'CONFIRMED' },
  assign: { from: ['CONFIRMED', 'ASSIGNED'], to: 'ASSIGNED' },
  start: { from: ['ASSIGNED'], to: 'IN_PROGRESS' },
  complete: { from: ['ASSIGNED', 'IN_PROGRESS'], to: 'COMPLETED' },
  cancel: { from: ['BOOKED', 'CONFIRMED', 'ASSIGNED', 'IN_PROGRESS'], to: 'CANCELED' },
};

export const isFinal = (status: TicketStatus) => status === 'COMPLETED' || status === 'CANCELED';

const named = (s: TicketStatus) => `${STATUS_LABELS[s]}(${s})`;

/** The state an action leads to, or a 409 that names both states. */
export function nextStatus(current: TicketStatus, action: TicketAction): TicketStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) {
    throw conflict(`工单当前状态为 ${named(current)}，不能变更为 ${named(rule.to)}`, 'ILLEGAL_TRANSITION');
  }
  return rule.to;
}

/** Receipts belong to the visit: they can be added once a technician is assigned, until the ticket closes. */
export const canUploadReceipts = (status: TicketStatus) => status === 'ASSIGNED' || status === 'IN_PROGRESS';
