import type { SecretBox } from '@backoffice/kit';
import type { Logger } from 'pino';
import type { Alerts } from '../alerts/alerts.js';
import type { CardStore } from '../db/card-store.js';
import type { PddModels } from '../db/models.js';
import { deliveryBizNo } from '../domain/rules.js';
import { errorReason, isThrottled, isTransient } from '../platform/errors.js';
import type { PddClient } from '../platform/pdd-client.js';
import { deliveryFailures, ordersDelivered, stockLeft } from '../metrics.js';
import { mapLimit } from './concurrency.js';

export type DeliveryOutcome = 'delivered' | 'waiting_stock' | 'busy' | 'retry' | 'failed';

export interface DeliveryOptions {
  leaseSeconds: number;
  retrySeconds: number;
  lowStockDefault: number;
}

/** Claim → send → record, for every order that is due; each step safe to repeat after a crash. */
export class Deliverer {
  constructor(
    private readonly cards: CardStore,
    private readonly models: PddModels,
    private readonly client: PddClient,
    private readonly box: SecretBox,
    private readonly alerts: Alerts,
    private readonly options: DeliveryOptions,
    private readonly logger: Logger,
  ) {}

  async deliverDue(limit = 500, concurrency = 8): Promise<Record<DeliveryOutcome, number>> {
    const due = await this.cards.deliverable(limit);
    const outcomes = await mapLimit(due, concurrency, (sn) =>
      this.deliver(sn).catch((err): DeliveryOutcome => {
        this.logger.error({ err, orderSn: sn }, 'delivery step failed; the order is retried in a later cycle');
        return 'retry';
      }),
    );
    const tally: Record<DeliveryOutcome, number> = { delivered: 0, waiting_stock: 0, busy: 0, retry: 0, failed: 0 };
    outcomes.forEach((o) => (tally[o] += 1));
    if (due.length) await this.checkStock();
    return tally;
  }

  /** The first step alone: what a worker has done when it crashes before the send. */
  claim(orderSn: string) {
    return this.cards.claim(orderSn, this.options.leaseSeconds);
  }

  async deliver(orderSn: string): Promise<DeliveryOutcome> {
    const claim = await this.claim(orderSn);
    if (claim.kind === 'busy') return 'busy';
    if (claim.kind === 'out_of_stock') {
      await this.alerts.raise({ kind: 'out_of_stock', key: `out_of_stock:${claim.order.goods_id}`, about: `${claim.order.goods_name}（${claim.order.goods_id}）`, line: `订单 ${orderSn} 无可用卡密，等待补货` });
      return 'waiting_stock';
    }
    const { order, card } = claim;
    try {
      await this.client.call('pdd.voucher.voucher.info.send', {
        order_sn: order.order_sn,
        out_biz_no: deliveryBizNo(order.order_sn),
        voucher_list: [{ voucher_id: String(card.id), voucher_no: this.box.decrypt(card.code_encrypted) }],
      });
    } catch (err) {
      const reason = errorReason(err);
      if (isTransient(err)) {
        deliveryFailures.inc({ kind: 'transient' });
        await this.cards.postpone(order.order_sn, this.options.retrySeconds, reason);
        if (!isThrottled(err)) await this.alerts.raise({ kind: 'platform_outage', line: `发货 ${order.order_sn}：${reason}` });
        return 'retry';
      }
      deliveryFailures.inc({ kind: 'refused' });
      await this.cards.failDelivery(order, card, reason);
      await this.alerts.raise({ kind: 'delivery_failed', line: `订单 ${order.order_sn}（${order.goods_name}）发货被平台拒绝：${reason}` });
      return 'failed';
    }
    if (await this.cards.markDelivered(order, card)) ordersDelivered.inc();
    else this.logger.warn({ orderSn }, 'delivery recorded by another worker');
    return 'delivered';
  }

  /** Updates the stock gauge and raises a low-stock alert for goods under their threshold. */
  async checkStock(): Promise<void> {
    const goods = await this.models.Goods.findAll({ where: { is_virtual: true } });
    const stock = await this.cards.stock();
    for (const g of goods) {
      const left = stock.get(g.goods_id) ?? 0;
      stockLeft.set({ goods_id: g.goods_id }, left);
      const threshold = g.low_stock_threshold ?? this.options.lowStockDefault;
      if (left < threshold) {
        await this.alerts.raise({ kind: 'low_stock', key: `low_stock:${g.goods_id}`, about: `${g.goods_name}（${g.goods_id}）`, line: `剩余可用卡密 ${left} 个，低于预警值 ${threshold}` });
      }
    }
  }
}
