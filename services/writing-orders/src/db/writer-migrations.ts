import type { Migration } from '@backoffice/kit';

export const writerMigrations: Migration[] = [];
