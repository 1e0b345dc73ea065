import { baseConfigSchema } from '@backoffice/kit';
import { z } from 'zod';

const imageTypes = ['jpg', 'jpeg', 'png', 'webp'] as const;

export const ticketsConfigSchema = baseConfigSchema({ port: 8085, service: 'tickets' }).extend({
  UPLOAD_ROOT: z.string().default('./data/uploads'),
  TICKET_RECEIPT_DIR: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a plain folder name').default('tickets'),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(50).default(8),
  ALLOWED_IMAGE_TYPES: z
    .string()
    .default('jpg,jpeg,png,webp')
    .transform((v) => v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(imageTypes, { error: `each type must be one of ${imageTypes.join(', ')}` })).min(1)),
  /** Encrypts customer and technician phones at rest and keys their lookup hashes. */
  DATA_ENCRYPTION_KEY: z.string({ error: 'set a long random secret (at least 16 characters)' }).min(16, 'must be at least 16 characters'),
  BOOKING_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** IANA zone the shop works in: "today" for appointment dates. */
  BUSINESS_TIMEZONE: z.string().default('Asia/Shanghai'),
});

export type TicketsConfig = z.infer<typeof ticketsConfigSchema>;
