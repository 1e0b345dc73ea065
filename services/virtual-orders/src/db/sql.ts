import { dialectOf } from '@backoffice/kit';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/** Small helpers so the queries read the same on MariaDB and SQLite. */
export class Sql {
  readonly mysql: boolean;

  constructor(readonly sequelize: Sequelize) {
    this.mysql = dialectOf(sequelize) === 'mysql';
  }

  select<T extends object>(sql: string, replacements: unknown[] = [], transaction?: Transaction): Promise<T[]> {
    return this.sequelize.query<T>(sql, { replacements: replacements.length ? replacements : undefined, type: QueryTypes.SELECT, transaction });
  }

  /** Runs a write; UPDATE and DELETE answer the rows they touched (both dialects report it for BULK* types). */
  async run(sql: string, replacements: unknown[] = [], transaction?: Transaction): Promise<number> {
    const verb = sql.trimStart().slice(0, 6).toUpperCase();
    if (verb === 'UPDATE' || verb === 'DELETE') {
      const type = verb === 'UPDATE' ? QueryTypes.BULKUPDATE : QueryTypes.BULKDELETE;
      return Number(await this.sequelize.query(sql, { replacements: replacements.length ? replacements : undefined, transaction, type }));
    }
    await this.sequelize.query(sql, { replacements: replacements.length ? replacements : undefined, transaction });
    return 0;
  }

  /** A literal for hand-built multi-row INSERTs (dates in each dialect's stored format). */
  literal(value: unknown): string {
    return this.sequelize.escape(value as string);
  }

  /** `FOR UPDATE` where the database has row locks (SQLite serialises writers anyway). */
  get forUpdate(): string {
    return this.mysql ? ' FOR UPDATE' : '';
  }

  get forUpdateSkipLocked(): string {
    return this.mysql ? ' FOR UPDATE SKIP LOCKED' : '';
  }

  /** INSERT … that adds to counters when the key exists. */
  upsertAdd(table: string, key: string, columns: string[], rows: unknown[][], add: string[], set: Record<string, string> = {}): { sql: string; replacements: unknown[] } {
    // literals rather than replacements: the same escaping, without re-scanning a large statement for `?`
    const placeholders = rows.map((r) => `(${r.map((v) => this.literal(v)).join(', ')})`).join(', ');
    const replacements: unknown[] = [];
    const incoming = (c: string) => (this.mysql ? `VALUES(${c})` : `excluded.${c}`);
    const updates = [
      ...add.map((c) => `${c} = ${c} + ${incoming(c)}`),
      ...Object.entries(set).map(([c, expr]) => `${c} = ${expr.replaceAll('$new', incoming(c))}`),
    ].join(', ');
    const sql = this.mysql
      ? `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders} ON DUPLICATE KEY UPDATE ${updates}`
      : `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders} ON CONFLICT(${key}) DO UPDATE SET ${updates}`;
    return { sql, replacements };
  }
}

/** A date read back from a raw query (SQLite answers text). */
export function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  const iso = text.includes('T') ? text : text.replace(' ', 'T').replace(/ ?\+00:00$/, 'Z');
  return new Date(/Z$|[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
}
