import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { TaskTemplate } from '../config.js';
import { allocateAmounts, type RandomSource } from '../domain/allocation.js';
import { addDays } from '../domain/dates.js';
import { formatYuan } from '../domain/money.js';
import type { OrderNumberSource } from '../domain/order-number.js';
import type { Sql } from './sql.js';

export interface Allocation {
  poolId: number;
  studentId: number;
  amountFen: number;
  /** The split, when the caller already made it (see `split`). */
  parts?: number[];
}

const COLUMNS = 'order_number, is_virtual, source, summary, requirement, amount, commission_unit, student_id, pool_id, status, end_date, delivery_date, created_at';
export const TASK_INSERT_HEAD = `INSERT INTO tasks (${COLUMNS}) VALUES `;
const CHUNK_ROWS = 1000;
const MAX_NUMBER_ATTEMPTS = 5;

/**
 * Turns amounts into virtual tasks with multi-row INSERTs (CHUNK_ROWS rows a statement). Order numbers
 * are random; a chunk that hits an existing number (the unique key says so) is retried with new numbers.
 */
export class TaskWriter {
  constructor(
    private readonly sql: Sql,
    private readonly template: TaskTemplate,
    private readonly maxFen: number,
    private readonly random: RandomSource,
    private readonly orderNumber: OrderNumberSource,
  ) {}

  /** The task amounts for an amount (random multiples of 5 yuan, the remainder its own task). */
  split(amountFen: number): number[] {
    return allocateAmounts(amountFen, this.maxFen, this.random);
  }

  /** Inserts the tasks for each allocation; answers how many tasks each pool got. */
  async generate(transaction: Transaction, allocations: readonly Allocation[], now: Date): Promise<Map<number, number>> {
    const perPool = new Map<number, number>();
    const t = this.template;
    // every row of one call shares these literals
    const constant = `1, ${this.sql.literal(t.source)}, ${this.sql.literal(t.summary)}, ${this.sql.literal(t.requirement)}`;
    const unit = this.sql.literal(t.commissionUnit);
    const tail = `'open', ${this.sql.literal(addDays(now, t.endDateDays))}, ${this.sql.literal(addDays(now, t.deliveryDateDays))}, ${this.sql.literal(now)}`;
    let rows: string[] = [];
    const flush = async () => {
      if (rows.length) await this.insertChunk(transaction, rows);
      rows = [];
    };
    for (const a of allocations) {
      const parts = a.parts ?? this.split(a.amountFen);
      perPool.set(a.poolId, (perPool.get(a.poolId) ?? 0) + parts.length);
      for (const fen of parts) {
        // the order number is the row's first 12 characters: '<10 chars>', replaced on a retry
        rows.push(`(${constant}, ${formatYuan(fen)}, ${unit}, ${a.studentId}, ${a.poolId}, ${tail})`);
        if (rows.length >= CHUNK_ROWS) await flush();
      }
    }
    await flush();
    return perPool;
  }

  private async insertChunk(transaction: Transaction, rows: string[]) {
    for (let attempt = 1; ; attempt++) {
      const used = new Set<string>();
      let sql = TASK_INSERT_HEAD;
      for (let i = 0; i < rows.length; i++) {
        let number = this.orderNumber();
        while (used.has(number)) number = this.orderNumber();
        used.add(number);
        sql += `${i ? ',' : ''}('${number}', ${rows[i].slice(1)}`;
      }
      try {
        // a failed statement is rolled back on its own (InnoDB and SQLite), the transaction stays usable
        await this.sql.sequelize.query(sql, { transaction });
        return;
      } catch (err) {
        if (!(err instanceof UniqueConstraintError) || attempt >= MAX_NUMBER_ATTEMPTS) throw err;
      }
    }
  }
}
