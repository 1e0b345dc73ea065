import { randomBytes } from 'node:crypto';

export const ACCESS_TTL_SECONDS = 86_400; // 24 h
export const REFRESH_TTL_SECONDS = 30 * 86_400; // 30 days
export const TIMESTAMP_TOLERANCE_SECONDS = 600;

export interface Voucher {
  voucher_id: string;
  voucher_no: string;
}

export interface SandboxOrder {
  order_sn: string;
  goods_id: number;
  goods_name: string;
  goods_count: number;
  /** fen */
  goods_price: number;
  /** fen */
  pay_amount: number;
  /** 1 待发货, 2 已发货待签收, 3 已签收 */
  order_status: number;
  /** 1 无售后或售后关闭, 2 售后处理中, 3 退款中, 4 退款成功 */
  refund_status: number;
  created_time: number;
  updated_at: number;
  /** The order list answers an order only from this time on (the platform's index lag). */
  visible_at: number;
  shipment?: { out_biz_no: string; vouchers: Voucher[]; at: number; sends: number };
  verifications: Record<string, { out_trans_no: string; voucher_status: number; at: number }>;
}

export interface Token {
  client_id: string;
  access_token: string;
  refresh_token: string;
  expires_at: number;
  refresh_expires_at: number;
}

export type FaultKind = '5xx' | 'latency' | 'timeout' | 'drop' | 'drop_after' | 'error';

export interface Fault {
  kind: FaultKind;
  /** Only calls of this API type; all when absent. */
  api?: string;
  remaining: number;
  ms?: number;
  status?: number;
  error_code?: number;
  error_msg?: string;
}

export interface CallRecord {
  type: string;
  at: number;
  outcome: 'ok' | 'error' | 'fault';
  error_code?: number;
}

const hex = (n: number) => randomBytes(n).toString('hex');

/** Everything the PDD imitation knows: apps, tokens, orders, the clock, injected faults and limits. */
export class PddState {
  offsetSeconds = 0;
  apps = new Map<string, string>();
  tokens = new Map<string, Token>();
  refreshTokens = new Map<string, Token>();
  usedCodes = new Set<string>();
  orders = new Map<string, SandboxOrder>();
  faults: Fault[] = [];
  /** Calls per minute allowed per (client, API type). */
  limits = new Map<string, number>([['pdd.voucher.virtual.card.verification', 2500]]);
  windows = new Map<string, { minute: number; count: number }>();
  calls: CallRecord[] = [];
  private seq = 0;

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  issueToken(clientId: string, fixed?: { access_token: string; refresh_token: string }, accessTtl = ACCESS_TTL_SECONDS): Token {
    const now = this.now();
    const token: Token = {
      client_id: clientId,
      access_token: fixed?.access_token ?? hex(16),
      refresh_token: fixed?.refresh_token ?? hex(16),
      expires_at: now + accessTtl,
      refresh_expires_at: now + REFRESH_TTL_SECONDS,
    };
    this.tokens.set(token.access_token, token);
    this.refreshTokens.set(token.refresh_token, token);
    return token;
  }

  /** A new access token for a live refresh token; the refresh token itself stays until it expires. */
  refresh(clientId: string, refreshToken: string): Token | undefined {
    const old = this.refreshTokens.get(refreshToken);
    if (!old || old.client_id !== clientId || old.refresh_expires_at <= this.now()) return undefined;
    const token: Token = { ...old, access_token: hex(16), expires_at: this.now() + ACCESS_TTL_SECONDS };
    this.tokens.set(token.access_token, token);
    this.refreshTokens.set(refreshToken, token);
    return token;
  }

  addOrder(input: Partial<SandboxOrder> & { goods_id: number; updated_offset_seconds?: number; visible_after_seconds?: number }): SandboxOrder {
    const now = this.now();
    const updated = now + (input.updated_offset_seconds ?? 0);
    const count = input.goods_count ?? 1;
    const price = input.goods_price ?? 990;
    const order: SandboxOrder = {
      order_sn: input.order_sn ?? this.newOrderSn(),
      goods_id: input.goods_id,
      goods_name: input.goods_name ?? `虚拟商品${input.goods_id}`,
      goods_count: count,
      goods_price: price,
      pay_amount: input.pay_amount ?? price * count,
      order_status: input.order_status ?? 1,
      refund_status: input.refund_status ?? 1,
      created_time: updated,
      updated_at: updated,
      visible_at: now + (input.visible_after_seconds ?? 0),
      verifications: {},
    };
    this.orders.set(order.order_sn, order);
    return order;
  }

  /** `yyMMdd-` plus 15 digits, the shape of real order numbers. */
  private newOrderSn(): string {
    const d = new Date((this.now() + 8 * 3600) * 1000).toISOString();
    const ymd = d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10);
    this.seq += 1;
    return `${ymd}-${String(Date.now() % 1e9).padStart(9, '0')}${String(this.seq).padStart(6, '0')}`;
  }

  /** The first fault matching this call, consumed. */
  takeFault(type: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.api || f.api === type));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  /** Counts the call against its per-minute limit; false when the limit is exceeded. */
  admit(clientId: string, type: string): boolean {
    const limit = this.limits.get(type);
    if (!limit) return true;
    const minute = Math.floor(this.now() / 60);
    const key = `${clientId}:${type}`;
    const w = this.windows.get(key);
    if (!w || w.minute !== minute) {
      this.windows.set(key, { minute, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= limit;
  }

  record(call: CallRecord) {
    this.calls.push(call);
    if (this.calls.length > 10_000) this.calls.splice(0, this.calls.length - 10_000);
  }
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as PDD writes times. */
export function beijingTime(unixSeconds: number): string {
  return new Date((unixSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** fen → yuan as PDD sends amounts (a JSON number with two decimals), built from integers. */
export function yuan(fen: number): number {
  return Number(`${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);
}
