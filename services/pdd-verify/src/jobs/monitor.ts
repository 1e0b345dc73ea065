import type { Logger } from 'pino';
import type { OrderStore, PulledOrder } from '../db/order-store.js';
import { yuanToFen } from '../domain/money.js';
import { pagesBackwards, planWindows, type SyncWindow } from '../domain/windows.js';
import type { PddClient } from '../platform/pdd-client.js';
import { ordersNew, ordersSeen } from '../metrics.js';

const PAGE_SIZE = 100;
/** Windows per cycle: 48 × 30 min catches up a day; the rest continues next cycle. */
const MAX_WINDOWS = 48;

export interface MonitorOptions {
  lagSeconds: number;
  overlapSeconds: number;
  lookbackMinutes: number;
}

interface IncrementResponse {
  order_sn_increment_get_response: {
    total_count: number;
    has_next: boolean;
    order_sn_list: Array<{
      order_sn: string;
      order_status: number;
      updated_at: string;
      pay_amount: number | string;
      item_list?: Array<{ goods_id: number | string; goods_name: string; goods_count: number }>;
    }>;
  };
}

/** `yyyy-MM-dd HH:mm:ss` Beijing time → unix seconds. */
const beijingToUnix = (text: string) => Math.floor(Date.parse(`${text.replace(' ', 'T')}+08:00`) / 1000);

/**
 * Pulls paid orders awaiting delivery (order_status 1, no after-sale) through the increment list:
 * from the persisted cursor minus an overlap to now minus the platform's lag, in windows of at most
 * 30 minutes; the cursor moves past a window only once all of it is stored.
 */
export class OrderMonitor {
  constructor(
    private readonly client: PddClient,
    private readonly orders: OrderStore,
    private readonly options: MonitorOptions,
    private readonly logger: Logger,
  ) {}

  async pull(): Promise<{ windows: number; seen: number; new: number; cursor: number }> {
    const now = Math.floor(Date.now() / 1000);
    const cursor = (await this.orders.cursor()) ?? now - this.options.lookbackMinutes * 60;
    const windows = planWindows(cursor, now, { lag: this.options.lagSeconds, overlap: this.options.overlapSeconds, maxWindows: MAX_WINDOWS });
    let seen = 0;
    let fresh = 0;
    let position = cursor;
    for (const window of windows) {
      const orders = await this.fetchWindow(window);
      seen += orders.length;
      fresh += await this.orders.insertNew(orders);
      if (window.end > position) {
        await this.orders.advanceCursor(window.end);
        position = window.end;
      }
    }
    ordersSeen.inc(seen);
    ordersNew.inc(fresh);
    if (fresh) this.logger.info({ new: fresh, seen, windows: windows.length }, 'new PDD orders');
    return { windows: windows.length, seen, new: fresh, cursor: position };
  }

  private async fetchWindow(window: SyncWindow): Promise<PulledOrder[]> {
    const page = (n: number) =>
      this.client.call<IncrementResponse>('pdd.order.number.list.increment.get', {
        start_updated_at: window.start,
        end_updated_at: window.end,
        order_status: 1,
        refund_status: 1,
        page: n,
        page_size: PAGE_SIZE,
        use_has_next: false,
      });
    const first = (await page(1)).order_sn_increment_get_response;
    const found = new Map<string, PulledOrder>();
    const keep = (list: IncrementResponse['order_sn_increment_get_response']['order_sn_list']) => {
      for (const o of list) {
        const item = o.item_list?.[0];
        if (!item) continue;
        found.set(o.order_sn, {
          order_sn: o.order_sn,
          goods_id: String(item.goods_id),
          goods_name: item.goods_name,
          goods_count: Number(item.goods_count ?? 1),
          pay_amount_fen: yuanToFen(o.pay_amount),
          platform_status: Number(o.order_status),
          platform_updated_at: beijingToUnix(o.updated_at),
        });
      }
    };
    keep(first.order_sn_list);
    for (const n of pagesBackwards(first.total_count, PAGE_SIZE)) keep((await page(n)).order_sn_increment_get_response.order_sn_list);
    return [...found.values()];
  }
}
