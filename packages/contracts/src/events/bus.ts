import { z } from 'zod';
import { defineEvent } from './envelope.js';

/** A consumer gave up on an event after its bounded retries; parked here with the error. */
export const deadLettered = defineEvent(
  'bus.deadletter.v1',
  z.object({
    consumer: z.string(),
    attempts: z.number().int(),
    error: z.string(),
    event: z.unknown(),
  }),
);
