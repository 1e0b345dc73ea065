import { conflict } from '@backoffice/contracts';
import { UniqueConstraintError } from 'sequelize';

/** Rows an UPDATE/DELETE run through `sequelize.query` touched (mysql2 and sqlite3 report it differently). */
export function affectedRows(meta: unknown): number {
  if (typeof meta === 'number') return meta;
  const m = meta as { affectedRows?: number; changes?: number } | undefined;
  return Number(m?.affectedRows ?? m?.changes ?? 0);
}

/**
 * For `.catch(...)` after a write guarded by a unique key: when two requests race, the database
 * decides, and the loser gets a 409 with a message a person understands instead of a generic one.
 */
export function conflictOnDuplicate(message: string, reason: string) {
  return (err: unknown): never => {
    if (err instanceof UniqueConstraintError) throw conflict(message, reason);
    throw err;
  };
}
