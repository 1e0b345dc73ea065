import type { Migration } from '@backoffice/kit';

export const orderMigrations: Migration[] = [];
