import { affectedRows, dialectOf, inTransaction, type Outbox } from '@backoffice/kit';
import { pddOrderDelivered } from '@backoffice/contracts';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { autoVerifyAt } from '../domain/rules.js';
import type { CardCode, PddModels, PddOrder } from './models.js';

export type Claim =
  | { kind: 'claimed'; order: PddOrder; card: CardCode; resumed: boolean }
  | { kind: 'busy' }
  | { kind: 'out_of_stock'; order: PddOrder };

/**
 * Card codes and the delivery state of orders. The claim is its own committed transaction before any
 * call to the platform: the order is leased and bound to exactly one code, so a crash at any later
 * point resumes with that same code, and no code is ever bound to two orders (unique order_sn).
 */
export class CardStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: PddModels,
    private readonly outbox: Outbox,
  ) {}

  async claim(orderSn: string, leaseSeconds: number): Promise<Claim> {
    return inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      // take the order: new or waiting, or a delivery whose worker vanished (lease passed)
      const [, leased] = await this.sequelize.query(
        `UPDATE pdd_orders SET status = 'delivering', lease_until = ?, updated_at = ?
          WHERE order_sn = ? AND (status IN ('pending', 'waiting_stock') OR (status = 'delivering' AND (lease_until IS NULL OR lease_until <= ?)))`,
        { type: QueryTypes.UPDATE, replacements: [new Date(now.getTime() + leaseSeconds * 1000), now, orderSn, now], transaction },
      );
      if (!affectedRows(leased)) return { kind: 'busy' };
      const order = (await this.models.PddOrder.findOne({ where: { order_sn: orderSn }, transaction }))!;
      if (order.card_code_id) {
        const card = (await this.models.CardCode.findByPk(order.card_code_id, { transaction }))!;
        return { kind: 'claimed', order, card, resumed: true };
      }
      const id = await this.pickAvailable(order.goods_id, transaction);
      if (id === null) {
        await order.update({ status: 'waiting_stock', lease_until: null }, { transaction });
        return { kind: 'out_of_stock', order };
      }
      const [, taken] = await this.sequelize.query("UPDATE card_codes SET status = 'claimed', order_sn = ?, claimed_at = ?, updated_at = ? WHERE id = ? AND status = 'available'", { type: QueryTypes.UPDATE, replacements: [orderSn, now, now, id],
        transaction,
      });
      if (!affectedRows(taken)) throw new Error(`card code ${id} was taken under us`);
      await order.update({ card_code_id: id }, { transaction });
      const card = (await this.models.CardCode.findByPk(id, { transaction }))!;
      return { kind: 'claimed', order, card, resumed: false };
    });
  }

  /** The oldest unused code of a goods; on MariaDB rows other transactions are claiming are skipped, not waited for. */
  private async pickAvailable(goodsId: string, transaction: Transaction): Promise<number | null> {
    const lock = dialectOf(this.sequelize) === 'mysql' ? ' FOR UPDATE SKIP LOCKED' : '';
    const row = await this.sequelize.query<{ id: number }>(`SELECT id FROM card_codes WHERE goods_id = ? AND status = 'available' ORDER BY id LIMIT 1${lock}`, {
      replacements: [goodsId],
      type: QueryTypes.SELECT,
      plain: true,
      transaction,
    });
    return row ? Number(row.id) : null;
  }

  /** The platform accepted the code: record it, schedule automatic verification per the goods' rule, publish. */
  async markDelivered(order: PddOrder, card: CardCode): Promise<boolean> {
    return inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      const goods = await this.models.Goods.findByPk(order.goods_id, { transaction });
      const due = goods ? autoVerifyAt(goods.verify_rule, goods.verify_delay_minutes, now) : null;
      const [, meta] = await this.sequelize.query(
        `UPDATE pdd_orders SET status = 'delivered', delivered_at = ?, lease_until = NULL, last_error = NULL, next_verify_at = ?, verify_mode = ?, updated_at = ?
          WHERE order_sn = ? AND status = 'delivering' AND card_code_id = ?`,
        { type: QueryTypes.UPDATE, replacements: [now, due, due ? 'auto' : null, now, order.order_sn, card.id], transaction },
      );
      if (!affectedRows(meta)) return false;
      await this.sequelize.query("UPDATE card_codes SET status = 'delivered', delivered_at = ?, updated_at = ? WHERE id = ?", { type: QueryTypes.UPDATE, replacements: [now, now, card.id], transaction });
      await this.outbox.add(transaction, pddOrderDelivered, order.order_sn, {
        order_sn: order.order_sn,
        goods_id: order.goods_id,
        card_code_id: card.id,
        code_masked: card.code_masked,
        delivered_at: now.toISOString(),
      });
      return true;
    });
  }

  /** A transient failure: keep the claim, try again after `retryInSeconds`. */
  async postpone(orderSn: string, retryInSeconds: number, error: string): Promise<void> {
    await this.sequelize.query(
      "UPDATE pdd_orders SET lease_until = ?, delivery_attempts = delivery_attempts + 1, last_error = ?, updated_at = ? WHERE order_sn = ? AND status = 'delivering'",
      { type: QueryTypes.UPDATE, replacements: [new Date(Date.now() + retryInSeconds * 1000), error.slice(0, 500), new Date(), orderSn] },
    );
  }

  /** The platform refused the delivery for good: the code was not given, so it goes back to stock. */
  async failDelivery(order: PddOrder, card: CardCode, error: string): Promise<void> {
    await inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      await this.sequelize.query(
        "UPDATE pdd_orders SET status = 'delivery_failed', card_code_id = NULL, lease_until = NULL, delivery_attempts = delivery_attempts + 1, last_error = ?, updated_at = ? WHERE order_sn = ? AND status = 'delivering'",
        { type: QueryTypes.UPDATE, replacements: [error.slice(0, 500), now, order.order_sn], transaction },
      );
      await this.sequelize.query("UPDATE card_codes SET status = 'available', order_sn = NULL, claimed_at = NULL, updated_at = ? WHERE id = ? AND status = 'claimed'", { type: QueryTypes.UPDATE, replacements: [now, card.id],
        transaction,
      });
    });
  }

  /** Unused codes per goods. */
  async stock(goodsIds?: string[]): Promise<Map<string, number>> {
    const rows = await this.sequelize.query<{ goods_id: string; n: number }>(
      `SELECT goods_id, COUNT(*) AS n FROM card_codes WHERE status = 'available'${goodsIds?.length ? ` AND goods_id IN (${goodsIds.map(() => '?').join(',')})` : ''} GROUP BY goods_id`,
      { replacements: goodsIds ?? [], type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [r.goods_id, Number(r.n)]));
  }

  /** Orders this run may deliver: new ones, waiting ones whose goods has stock again, and abandoned deliveries. */
  async deliverable(limit: number): Promise<string[]> {
    const rows = await this.sequelize.query<{ order_sn: string }>(
      // waiting orders only come back once their goods has stock again
      `SELECT order_sn FROM pdd_orders o
        WHERE o.status = 'pending'
           OR (o.status = 'waiting_stock' AND EXISTS (SELECT 1 FROM card_codes c WHERE c.goods_id = o.goods_id AND c.status = 'available'))
           OR (o.status = 'delivering' AND (o.lease_until IS NULL OR o.lease_until <= ?))
        ORDER BY o.id LIMIT ${Number(limit)}`,
      { replacements: [new Date()], type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.order_sn);
  }
}
