import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { OrderModels } from './order-models.js';

export interface WriterRow {
  writer_id: string;
  name: string | null;
}

/**
 * Writers live in the writers area's `writers` table (same database); the orders area only reads
 * their business id and name by SQL.
 */
export async function writersById(sequelize: Sequelize, ids: Iterable<string | null | undefined>, transaction?: Transaction): Promise<Map<string, WriterRow>> {
  const wanted = [...new Set([...ids].filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await sequelize.query<WriterRow>('SELECT writer_id, name FROM writers WHERE writer_id IN (?)', {
    replacements: [wanted],
    type: QueryTypes.SELECT,
    transaction,
  });
  return new Map(rows.map((r) => [r.writer_id, r]));
}

/** Usernames of identity users from the local directory. */
export async function usernamesById(models: OrderModels, ids: Iterable<number | null | undefined>): Promise<Map<number, string>> {
  const wanted = [...new Set([...ids].filter((x): x is number => typeof x === 'number'))];
  if (!wanted.length) return new Map();
  const rows = await models.DirectoryUser.findAll({ where: { id: wanted }, attributes: ['id', 'username'] });
  return new Map(rows.map((r) => [r.id, r.username]));
}
