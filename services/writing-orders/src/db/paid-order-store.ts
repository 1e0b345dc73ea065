import { badRequest, notFound } from '@backoffice/contracts';
import { dialectOf, inTransaction } from '@backoffice/kit';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { MSG } from './customer-order-store.js';
import { writersById } from './lookups.js';
import type { OrderModels, PaidOrder } from './order-models.js';

/** Orders whose bill lacks something its customer order knows (seed 六 4). */
const MERGEABLE = `(
     (o.customer_id IS NULL AND co.customer_id IS NOT NULL)
  OR (o.writer_id IS NULL AND co.writer_id IS NOT NULL)
  OR (o.writer_id_2 IS NULL AND co.writer_id_2 IS NOT NULL)
  OR (o.writer_fee IS NULL AND co.fee IS NOT NULL)
  OR (o.writer_fee_2 IS NULL AND co.fee_2 IS NOT NULL)
  OR (co.fee_per_1000 IS NOT NULL AND (o.fee_per_1000 IS NULL OR o.fee_per_1000 <> co.fee_per_1000)))`;

const MERGE_SET = (o: string) => `
  customer_id = COALESCE(co.customer_id, ${o}customer_id),
  writer_id = COALESCE(co.writer_id, ${o}writer_id),
  writer_id_2 = COALESCE(co.writer_id_2, ${o}writer_id_2),
  writer_fee = COALESCE(${o}writer_fee, co.fee),
  writer_fee_2 = COALESCE(${o}writer_fee_2, co.fee_2),
  fee_per_1000 = COALESCE(co.fee_per_1000, ${o}fee_per_1000),
  updated_at = ?`;

/** Assignments on payment bills and the merge from customer orders. */
export class PaidOrderStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: OrderModels,
  ) {}

  private async bill(orderId: string, transaction: Transaction): Promise<PaidOrder> {
    const order = await this.models.PaidOrder.findByPk(orderId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!order) throw notFound(MSG.notFound, 'ORDER_NOT_FOUND');
    return order;
  }

  async assignCustomer(orderId: string, customerId: number) {
    return inTransaction(this.sequelize, async (transaction) => {
      const order = await this.bill(orderId, transaction);
      const user = await this.models.DirectoryUser.findOne({ where: { id: customerId, deleted: false }, transaction });
      if (!user) throw badRequest('指定的客服不存在', 'CUSTOMER_SERVICE_NOT_FOUND');
      await order.update({ customer_id: customerId }, { transaction });
      return { order_id: order.order_id, customer_id: customerId, customer: user.username };
    });
  }

  async assignWriters(orderId: string, writerId: string | null | undefined, writerId2: string | null | undefined) {
    return inTransaction(this.sequelize, async (transaction) => {
      const order = await this.bill(orderId, transaction);
      const known = await writersById(this.sequelize, [writerId, writerId2], transaction);
      if (writerId && !known.has(writerId)) throw badRequest(MSG.writerMissing, 'WRITER_NOT_FOUND');
      if (writerId2 && !known.has(writerId2)) throw badRequest(MSG.writer2Missing, 'WRITER_NOT_FOUND');
      const changes: Partial<PaidOrder> = {};
      if (writerId !== undefined) changes.writer_id = writerId;
      if (writerId2 !== undefined) changes.writer_id_2 = writerId2;
      await order.update(changes, { transaction });
      return { order_id: order.order_id, writer_id: order.writer_id, writer_id_2: order.writer_id_2 };
    });
  }

  /** One set-based UPDATE of every mergeable bill; the same merge run again finds nothing. */
  async merge() {
    return inTransaction(this.sequelize, async (transaction) => {
      const merged = await this.sequelize.query<{ order_id: string; customer_id: number | null; writer_id: string | null; writer_id_2: string | null }>(
        `SELECT o.order_id, COALESCE(co.customer_id, o.customer_id) AS customer_id, COALESCE(co.writer_id, o.writer_id) AS writer_id,
                COALESCE(co.writer_id_2, o.writer_id_2) AS writer_id_2
           FROM orders o JOIN customer_orders co ON co.order_id = o.order_id WHERE ${MERGEABLE} ORDER BY o.order_id`,
        { type: QueryTypes.SELECT, transaction },
      );
      if (!merged.length) return merged;
      const now = new Date();
      if (dialectOf(this.sequelize) === 'mysql') {
        await this.sequelize.query(`UPDATE orders o JOIN customer_orders co ON co.order_id = o.order_id SET ${MERGE_SET('o.').replace(/\n\s+(\w+) =/g, '\n  o.$1 =')} WHERE ${MERGEABLE}`, {
          replacements: [now],
          transaction,
        });
      } else {
        await this.sequelize.query(`UPDATE orders AS o SET ${MERGE_SET('o.')} FROM customer_orders AS co WHERE co.order_id = o.order_id AND ${MERGEABLE}`, {
          replacements: [now],
          transaction,
        });
      }
      return merged;
    });
  }
}
