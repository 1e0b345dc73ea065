import type { z } from 'zod';
import type { EventDefinition } from './envelope.js';
import { deadLettered } from './bus.js';
import { userCreated, userDeleted, userUpdated } from './identity.js';
import { ticketStatusChanged } from './tickets.js';
import { pddOrderDelivered, pddOrderVerified, pddVerificationFailed } from './pdd.js';
import { voucherCancelled, voucherVerified } from './vouchers.js';
import { commissionRecalculated, customerOrderSettled, customerOrderWriterSettled } from './writing.js';
import { subsidyImported, taskExpired } from './virtual.js';

export * from './envelope.js';
export * from './identity.js';
export * from './tickets.js';
export * from './pdd.js';
export * from './vouchers.js';
export * from './writing.js';
export * from './virtual.js';
export * from './bus.js';

/** Every known event type and the schema its payload must satisfy (on publish and on consume). */
export const eventCatalog: ReadonlyMap<string, EventDefinition<z.ZodType>> = new Map(
  [userCreated, userUpdated, userDeleted, ticketStatusChanged, customerOrderSettled, customerOrderWriterSettled, commissionRecalculated, subsidyImported, taskExpired, voucherVerified, voucherCancelled, pddOrderDelivered, pddOrderVerified, pddVerificationFailed, deadLettered].map((d) => [d.type, d as EventDefinition<z.ZodType>]),
);
