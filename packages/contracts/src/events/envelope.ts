import { z } from 'zod';

/** CloudEvents attribute names; `subject` is the aggregate id (the Kafka key). */
export interface EventEnvelope<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  traceid?: string;
  data: T;
}

export const eventEnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^[a-z-]+(\.[a-z-]+)+\.v\d+$/),
  time: z.string(),
  subject: z.string().min(1),
  datacontenttype: z.literal('application/json'),
  traceid: z.string().optional(),
  data: z.unknown(),
});

export interface EventDefinition<S extends z.ZodType> {
  type: string;
  schema: S;
}

export function defineEvent<S extends z.ZodType>(type: string, schema: S): EventDefinition<S> {
  return { type, schema };
}

export type EventData<D> = D extends EventDefinition<infer S> ? z.infer<S> : never;
