import type { Migration } from '@backoffice/kit';
import { writerMigrations } from './writer-migrations.js';
import { orderMigrations } from './order-migrations.js';

/** Each area numbers its own files: writers 00xx, orders 01xx. Append only. */
export const migrations: Migration[] = [...writerMigrations, ...orderMigrations];
