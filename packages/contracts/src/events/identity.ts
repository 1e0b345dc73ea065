import { z } from 'zod';
import { defineEvent } from './envelope.js';

/** What other services keep in their local user directory. */
export const userSnapshot = z.object({
  id: z.number().int(),
  username: z.string(),
  real_name: z.string().nullable(),
  role_id: z.number().int(),
  role: z.string(),
  status: z.number().int(),
  level: z.number().int(),
});

export const userCreated = defineEvent('identity.user.created.v1', userSnapshot);
export const userUpdated = defineEvent('identity.user.updated.v1', userSnapshot);
export const userDeleted = defineEvent('identity.user.deleted.v1', z.object({ id: z.number().int(), username: z.string() }));
