import { conflict, notFound, unprocessable } from '@backoffice/contracts';
import { affectedRows, inTransaction } from '@backoffice/kit';
import { ForeignKeyConstraintError, Op, QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import { caseId } from '../domain/cases.js';
import { writerDay, writerId } from '../domain/writer-id.js';
import type { Case, CaseImage, Writer, WriterModels, WriterRating } from './writer-models.js';

export type WriterFields = Omit<
  Writer['_creationAttributes'],
  'id' | 'writer_id' | 'created_time' | 'last_modified_time' | 'starred' | 'processed' | 'user_id'
>;
export type RatingFields = Pick<WriterRating, 'writer_id' | 'date' | 'comment' | 'quality_inspector_id' | 'quality_inspector_name'> & { score: string };
export type CaseFields = Pick<Case, 'case_type' | 'title' | 'content' | 'creator_id' | 'creator_name'>;
export type CaseImageFields = Pick<CaseImage, 'file_path' | 'mime_type' | 'size_bytes'>;

/** The writers area's writes that need more than one statement or a race decided by the database. */
export class WriterStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: WriterModels,
    private readonly timeZone: string,
  ) {}

  /** Creates a counter row if missing; called before the transaction that takes a number from it. */
  private async ensureSequence(name: string): Promise<void> {
    const ignore = this.sequelize.getDialect() === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
    await this.sequelize.query(`${ignore} INTO writer_sequences (name, value) VALUES (?, 0)`, { replacements: [name] });
  }

  /**
   * Takes the next number of a named counter inside `transaction`: the UPDATE holds the row's lock until
   * the caller commits, so concurrent callers queue and never read the same value, and a caller that
   * rolls back gives its number back.
   */
  private async nextSequence(name: string, transaction: Transaction): Promise<number> {
    await this.sequelize.query('UPDATE writer_sequences SET value = value + 1 WHERE name = ?', { replacements: [name], transaction });
    const [row] = await this.sequelize.query<{ value: number }>('SELECT value FROM writer_sequences WHERE name = ?', {
      replacements: [name],
      type: QueryTypes.SELECT,
      transaction,
    });
    return Number(row.value);
  }

  /** A writer with the next id of the studio's day (w + YYMMDD + 01…99). */
  async createWriter(fields: WriterFields, now = new Date()): Promise<Writer> {
    const day = writerDay(this.timeZone, now);
    await this.ensureSequence(`writer:${day}`);
    return inTransaction(this.sequelize, async (transaction) => {
      const id = writerId(day, await this.nextSequence(`writer:${day}`, transaction));
      if (!id) throw unprocessable('当日写手ID序号已用尽', 'WRITER_IDS_EXHAUSTED');
      try {
        return await this.models.Writer.create({ ...fields, writer_id: id }, { transaction });
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw conflict('写手ID已存在', 'WRITER_ID_EXISTS');
        throw err;
      }
    });
  }

  /** Deletes writers and their ratings together; answers how many writers were deleted. */
  async deleteWriters(ids: number[]): Promise<number> {
    return inTransaction(this.sequelize, async (transaction) => {
      await this.models.WriterRating.destroy({ where: { writer_id: { [Op.in]: ids } }, transaction });
      return this.models.Writer.destroy({ where: { id: { [Op.in]: ids } }, transaction });
    });
  }

  /** Links an identity account to a writer that has none yet; false when another request linked one first. */
  async linkAccount(writerId: number, userId: number): Promise<boolean> {
    const [, meta] = await this.sequelize.query('UPDATE writers SET user_id = ? WHERE id = ? AND user_id IS NULL', { replacements: [userId, writerId], type: QueryTypes.UPDATE });
    return affectedRows(meta) === 1;
  }

  /**
   * The writer's rating for the day: inserted, or (when the unique key (writer, date) says one exists,
   * also when another inspector inserted it a moment ago) updated. Answers which of the two happened.
   */
  async saveRating(fields: RatingFields): Promise<{ id: number; created: boolean }> {
    try {
      const created = await this.models.WriterRating.create(fields);
      return { id: created.id, created: true };
    } catch (err) {
      // the writer was deleted between the lookup and the insert
      if (err instanceof ForeignKeyConstraintError) throw notFound('写手不存在', 'WRITER_NOT_FOUND');
      if (!(err instanceof UniqueConstraintError)) throw err;
    }
    const where = { writer_id: fields.writer_id, date: fields.date };
    await this.models.WriterRating.update(
      { score: fields.score, comment: fields.comment, quality_inspector_id: fields.quality_inspector_id, quality_inspector_name: fields.quality_inspector_name },
      { where },
    );
    const row = await this.models.WriterRating.findOne({ where, attributes: ['id'] });
    return { id: row!.id, created: false };
  }

  /** A case numbered CASE-nnn and the rows of its (already stored) images, in one transaction. */
  async createCase(fields: CaseFields, images: CaseImageFields[]): Promise<string> {
    await this.ensureSequence('case');
    return inTransaction(this.sequelize, async (transaction) => {
      const seq = await this.nextSequence('case', transaction);
      const id = caseId(seq);
      await this.models.Case.create({ ...fields, id, seq }, { transaction });
      await this.models.CaseImage.bulkCreate(
        images.map((f, position) => ({ ...f, case_id: id, position })),
        { transaction },
      );
      return id;
    });
  }

  /** Removes a case and its image rows; answers the stored paths of its files (for the caller to delete). */
  async deleteCase(id: string): Promise<string[] | null> {
    return inTransaction(this.sequelize, async (transaction) => {
      const found = await this.models.Case.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!found) return null;
      const images = await this.models.CaseImage.findAll({ where: { case_id: id }, transaction });
      await this.models.CaseImage.destroy({ where: { case_id: id }, transaction });
      await found.destroy({ transaction });
      return images.map((i) => i.file_path);
    });
  }
}
