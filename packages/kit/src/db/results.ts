import { conflict } from '@backoffice/contracts';
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';

/**
 * Rows an UPDATE or DELETE run through `sequelize.query` touched, from what the query returned: the
 * whole result or its second element (`const [, meta] = ...`), on MySQL/MariaDB and SQLite alike.
 * Run the statement with `type: QueryTypes.BULKUPDATE` or `BULKDELETE` (the result is the count on
 * both) or `QueryTypes.UPDATE` (`[undefined, count]` on both) — or simply use `runWrite`.
 * Without a type, MySQL answers with its result header but SQLite runs the statement in a way that
 * keeps no count at all, so that shape (and `QueryTypes.DELETE`, which answers nothing) throws here
 * rather than reading as 0 rows.
 * Note: MySQL/MariaDB count rows *changed* (sequelize turns FOUND_ROWS off), SQLite rows *matched*;
 * a guard should change every row its WHERE matches (e.g. `SET status = 'b' WHERE status = 'a'`).
 */
export function affectedRows(result: unknown): number {
  if (typeof result === 'number') return result;
  if (Array.isArray(result) && result.length === 2) return affectedRows(result[1]);
  if (result && typeof result === 'object') {
    const r = result as { affectedRows?: unknown; changes?: unknown };
    if (typeof r.affectedRows === 'number') return r.affectedRows;
    if (typeof r.changes === 'number') return r.changes;
  }
  throw new Error(
    'affectedRows: this query result carries no row count (on SQLite an UPDATE/DELETE sent without a type has none); ' +
      'run it with type: QueryTypes.BULKUPDATE / BULKDELETE / UPDATE, or through runWrite()',
  );
}

/** Runs an UPDATE or DELETE and answers the rows it touched, the same way on both dialects. */
export async function runWrite(sequelize: Sequelize, sql: string, options: { replacements?: unknown[]; transaction?: Transaction } = {}): Promise<number> {
  // BULKUPDATE makes sqlite3 run the statement with its change count and mysql2 answer affectedRows;
  // it works for DELETE too
  return affectedRows(await sequelize.query(sql, { ...options, type: QueryTypes.BULKUPDATE }));
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
