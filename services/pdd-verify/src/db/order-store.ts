import { affectedRows } from '@backoffice/kit';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import { initialStatus } from '../domain/rules.js';
import { fenToYuan } from '../domain/money.js';
import type { PddModels } from './models.js';

export interface PulledOrder {
  order_sn: string;
  goods_id: string;
  goods_name: string;
  goods_count: number;
  pay_amount_fen: number;
  platform_status: number;
  platform_updated_at: number;
}

/** Orders as pulled from the platform, and the pull's cursor. */
export class OrderStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: PddModels,
  ) {}

  async cursor(name = 'orders'): Promise<number | null> {
    const row = await this.sequelize.query<{ position: number | string }>('SELECT position FROM sync_cursors WHERE name = ?', { replacements: [name], type: QueryTypes.SELECT, plain: true });
    return row ? Number(row.position) : null;
  }

  /** Moves the cursor forward only (a slower replica never moves it back). */
  async advanceCursor(position: number, name = 'orders'): Promise<void> {
    const [, meta] = await this.sequelize.query('UPDATE sync_cursors SET position = ?, updated_at = ? WHERE name = ? AND position < ?', { type: QueryTypes.UPDATE, replacements: [position, new Date(), name, position] });
    if (affectedRows(meta)) return;
    await this.sequelize.query('INSERT INTO sync_cursors (name, position, updated_at) VALUES (?, ?, ?)', { replacements: [name, position, new Date()] }).catch(async () => {
      // the row exists (at or beyond this position) or a replica inserted it just now
      await this.sequelize.query('UPDATE sync_cursors SET position = ?, updated_at = ? WHERE name = ? AND position < ?', { type: QueryTypes.UPDATE, replacements: [position, new Date(), name, position] });
    });
  }

  /**
   * Stores orders not seen before in one multi-row insert; the unique order_sn makes a repeat (an
   * overlapping window, another replica) a no-op. Returns how many were new.
   */
  async insertNew(orders: PulledOrder[]): Promise<number> {
    if (!orders.length) return 0;
    const sns = orders.map((o) => o.order_sn);
    const before = await this.models.PddOrder.count({ where: { order_sn: { [Op.in]: sns } } });
    const goods = new Map((await this.models.Goods.findAll({ where: { goods_id: { [Op.in]: [...new Set(orders.map((o) => o.goods_id))] } } })).map((g) => [g.goods_id, g]));
    await this.models.PddOrder.bulkCreate(
      orders.map((o) => ({
        order_sn: o.order_sn,
        goods_id: o.goods_id,
        goods_name: o.goods_name.slice(0, 200),
        goods_count: o.goods_count,
        pay_amount: fenToYuan(o.pay_amount_fen),
        platform_status: o.platform_status,
        platform_updated_at: o.platform_updated_at,
        status: initialStatus(goods.get(o.goods_id)),
      })),
      { ignoreDuplicates: true },
    );
    const after = await this.models.PddOrder.count({ where: { order_sn: { [Op.in]: sns } } });
    return after - before;
  }

  /**
   * Staff put a failed order back in line: a refused delivery is tried again, a failed verification
   * starts a fresh series of MAX_RETRY_TIMES attempts. Returns the status it left, or null if neither.
   */
  async retry(orderSn: string): Promise<'delivery_failed' | 'verify_failed' | null> {
    const now = new Date();
    const [, delivery] = await this.sequelize.query(
      "UPDATE pdd_orders SET status = 'pending', last_error = NULL, lease_until = NULL, updated_at = ? WHERE order_sn = ? AND status = 'delivery_failed'",
      { type: QueryTypes.UPDATE, replacements: [now, orderSn] },
    );
    if (affectedRows(delivery)) return 'delivery_failed';
    const [, verification] = await this.sequelize.query(
      "UPDATE pdd_orders SET status = 'delivered', verify_attempts = 0, verify_record_id = NULL, verify_mode = 'auto', next_verify_at = ?, lease_until = NULL, updated_at = ? WHERE order_sn = ? AND status = 'verify_failed'",
      { type: QueryTypes.UPDATE, replacements: [now, now, orderSn] },
    );
    return affectedRows(verification) ? 'verify_failed' : null;
  }

  /** Orders that waited for their goods to be configured start now. */
  async releaseUnconfigured(goodsId: string, status: 'pending' | 'ignored'): Promise<number> {
    const [, meta] = await this.sequelize.query("UPDATE pdd_orders SET status = ?, updated_at = ? WHERE goods_id = ? AND status = 'unconfigured'", { type: QueryTypes.UPDATE, replacements: [status, new Date(), goodsId] });
    return affectedRows(meta);
  }
}
