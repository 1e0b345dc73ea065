import { randomUUID } from 'node:crypto';
import { eventCatalog, eventEnvelopeSchema, type EventDefinition, type EventEnvelope } from '@backoffice/contracts';
import type { z } from 'zod';
import { currentContext } from '../context.js';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Builds a CloudEvents envelope, validating the payload against its schema and carrying the request id. */
export function buildEvent<S extends z.ZodType>(
  source: string,
  definition: EventDefinition<S>,
  subject: string | number,
  data: z.infer<S>,
): EventEnvelope<z.infer<S>> {
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) throw new InvalidEventError(`${definition.type}: ${parsed.error.message}`);
  const ctx = currentContext();
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: definition.type,
    time: new Date().toISOString(),
    subject: String(subject),
    datacontenttype: 'application/json',
    ...(ctx ? { traceid: ctx.requestId } : {}),
    data: parsed.data,
  };
}

/** Checks an envelope received from the bus; payloads of known types must match their schema. */
export function validateEvent(event: unknown): EventEnvelope {
  const envelope = eventEnvelopeSchema.safeParse(event);
  if (!envelope.success) throw new InvalidEventError(`not a valid event envelope: ${envelope.error.message}`);
  const definition = eventCatalog.get(envelope.data.type);
  if (definition) {
    const data = definition.schema.safeParse(envelope.data.data);
    if (!data.success) throw new InvalidEventError(`${envelope.data.type}: ${data.error.message}`);
  }
  return envelope.data as EventEnvelope;
}
