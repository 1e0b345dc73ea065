import { bizParamMissing, bizParamWrong, PddError } from './errors.js';
import { ACCESS_TTL_SECONDS, beijingTime, REFRESH_TTL_SECONDS, yuan, type PddState, type SandboxOrder, type Token, type Voucher } from './state.js';

type Params = Record<string, unknown>;
export type ApiHandler = (state: PddState, params: Params, clientId: string) => Record<string, unknown>;

const need = (params: Params, name: string): string => {
  const v = params[name];
  if (v === undefined || v === null || v === '') throw bizParamMissing(name);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};
const int = (params: Params, name: string, fallback?: number): number => {
  if ((params[name] === undefined || params[name] === '') && fallback !== undefined) return fallback;
  const n = Number(need(params, name));
  if (!Number.isInteger(n)) throw bizParamWrong(`${name} 必须是整数`);
  return n;
};
const jsonList = <T>(params: Params, name: string): T[] => {
  const raw = params[name];
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      throw bizParamWrong(`${name} 不是合法的 JSON`);
    }
  }
  if (raw === undefined || raw === '') throw bizParamMissing(name);
  if (!Array.isArray(list) || list.length === 0) throw bizParamWrong(`${name} 必须是非空数组`);
  return list as T[];
};

const tokenBody = (t: Token) => ({
  access_token: t.access_token,
  expires_in: t.expires_at - Math.floor(Date.now() / 1000),
  expires_at: t.expires_at,
  refresh_token: t.refresh_token,
  refresh_token_expires_in: REFRESH_TTL_SECONDS,
  refresh_token_expires_at: t.refresh_expires_at,
  owner_id: t.client_id,
  owner_name: '沙箱店铺',
  scope: ['pdd.order.number.list.increment.get', 'pdd.order.information.get', 'pdd.voucher.voucher.info.send', 'pdd.voucher.virtual.card.verification'],
});

export const orderInfo = (o: SandboxOrder) => ({
  order_sn: o.order_sn,
  order_status: o.order_status,
  refund_status: o.refund_status,
  confirm_status: 1,
  trade_type: 0,
  created_time: beijingTime(o.created_time),
  confirm_time: beijingTime(o.created_time),
  updated_at: beijingTime(o.updated_at),
  pay_amount: yuan(o.pay_amount),
  goods_amount: yuan(o.goods_price * o.goods_count),
  item_list: [{ goods_id: o.goods_id, goods_name: o.goods_name, goods_count: o.goods_count, goods_price: yuan(o.goods_price) }],
});

const findOrder = (state: PddState, orderSn: string) => {
  const order = state.orders.get(orderSn);
  if (!order) throw bizParamWrong('订单不存在');
  return order;
};

/** The API types this imitation answers; `auth` ones need no access_token. */
export const apis: Record<string, { auth: boolean; handler: ApiHandler }> = {
  'pdd.pop.auth.token.create': {
    auth: false,
    handler: (state, params, clientId) => {
      const code = need(params, 'code');
      if (state.usedCodes.has(code)) throw bizParamWrong('code 已使用或已过期');
      state.usedCodes.add(code);
      return { pop_auth_token_create_response: tokenBody(state.issueToken(clientId, undefined, ACCESS_TTL_SECONDS)) };
    },
  },
  'pdd.pop.auth.token.refresh': {
    auth: false,
    handler: (state, params, clientId) => {
      const token = state.refresh(clientId, need(params, 'refresh_token'));
      if (!token) throw new PddError(10019, 'refresh_token已过期', '10019', 'refresh_token 无效或已过期，请重新授权');
      return { pop_auth_token_refresh_response: tokenBody(token) };
    },
  },
  'pdd.order.number.list.increment.get': {
    auth: true,
    handler: (state, params) => {
      const start = int(params, 'start_updated_at');
      const end = int(params, 'end_updated_at');
      if (end < start) throw bizParamWrong('end_updated_at 不能早于 start_updated_at');
      if (end - start > 1800) throw bizParamWrong('start_updated_at 与 end_updated_at 的时间跨度不能超过30分钟');
      const orderStatus = int(params, 'order_status');
      const refundStatus = int(params, 'refund_status');
      const page = int(params, 'page', 1);
      const pageSize = int(params, 'page_size', 100);
      if (page < 1) throw bizParamWrong('page 最小为 1');
      if (pageSize < 1 || pageSize > 100) throw bizParamWrong('page_size 取值范围为 1-100');
      const now = state.now();
      const matching = [...state.orders.values()]
        .filter((o) => o.visible_at <= now && o.updated_at >= start && o.updated_at <= end)
        .filter((o) => orderStatus === 5 || o.order_status === orderStatus)
        .filter((o) => refundStatus === 5 || o.refund_status === refundStatus)
        .sort((a, b) => a.updated_at - b.updated_at || a.order_sn.localeCompare(b.order_sn));
      const slice = matching.slice((page - 1) * pageSize, page * pageSize);
      const useHasNext = String(params.use_has_next) === 'true';
      return {
        order_sn_increment_get_response: {
          total_count: useHasNext ? 0 : matching.length,
          has_next: page * pageSize < matching.length,
          order_sn_list: slice.map(orderInfo),
        },
      };
    },
  },
  'pdd.order.information.get': {
    auth: true,
    handler: (state, params) => ({ order_info_get_response: { order_info: orderInfo(findOrder(state, need(params, 'order_sn'))) } }),
  },
  'pdd.voucher.voucher.info.send': {
    auth: true,
    handler: (state, params) => {
      const order = findOrder(state, need(params, 'order_sn'));
      const outBizNo = need(params, 'out_biz_no');
      const vouchers = jsonList<Voucher>(params, 'voucher_list');
      if (vouchers.some((v) => !v || !v.voucher_id || !v.voucher_no)) throw bizParamWrong('voucher_list 每一项都需要 voucher_id 和 voucher_no');
      if (order.shipment) {
        // the same business number again is a retry of the same delivery: answer as the first time
        if (order.shipment.out_biz_no !== outBizNo) throw bizParamWrong('订单已发货，不能重复发货');
        order.shipment.sends += 1;
        return { voucher_voucher_info_send_response: { is_success: true, out_biz_no: outBizNo } };
      }
      if (order.refund_status !== 1) throw bizParamWrong('订单售后中或已退款，不能发货');
      if (order.order_status !== 1) throw bizParamWrong('订单状态不是待发货');
      if (vouchers.length > order.goods_count) throw bizParamWrong('卡券数量超过购买数量');
      order.shipment = { out_biz_no: outBizNo, vouchers: vouchers.map((v) => ({ voucher_id: String(v.voucher_id), voucher_no: String(v.voucher_no) })), at: state.now(), sends: 1 };
      order.order_status = 2;
      order.updated_at = state.now();
      return { voucher_voucher_info_send_response: { is_success: true, out_biz_no: outBizNo } };
    },
  },
  'pdd.voucher.virtual.card.verification': {
    auth: true,
    handler: (state, params) => {
      const order = findOrder(state, need(params, 'order_sn'));
      const items = jsonList<{ voucher_no?: string; voucher_status?: number; voucher_time?: number; out_trans_no?: string }>(params, 'voucher_data_list');
      if (!order.shipment) throw bizParamWrong('订单未发货，不能核销');
      for (const item of items) {
        if (!item?.voucher_no || !item.out_trans_no || ![1, 2].includes(Number(item.voucher_status))) {
          throw bizParamWrong('voucher_data_list 每一项都需要 voucher_no、voucher_status(1 核销/2 作废) 和 out_trans_no');
        }
        if (!order.shipment.vouchers.some((v) => v.voucher_no === item.voucher_no)) throw bizParamWrong('卡券不存在或不属于该订单');
        const done = order.verifications[item.voucher_no];
        if (done && done.out_trans_no !== item.out_trans_no) throw bizParamWrong('卡券已核销，不能重复核销');
      }
      for (const item of items) {
        order.verifications[item.voucher_no!] ??= { out_trans_no: item.out_trans_no!, voucher_status: Number(item.voucher_status), at: state.now() };
      }
      if (order.shipment.vouchers.every((v) => order.verifications[v.voucher_no])) {
        order.order_status = 3;
        order.updated_at = state.now();
      }
      return { voucher_virtual_card_verification_response: { is_success: true } };
    },
  },
};
