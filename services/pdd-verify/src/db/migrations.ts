import type { Migration } from '@backoffice/kit';

export const migrations: Migration[] = [];
