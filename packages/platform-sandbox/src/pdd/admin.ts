import { Router } from 'express';
import { orderInfo } from './api.js';
import type { FaultKind, PddState } from './state.js';

const FAULT_KINDS: FaultKind[] = ['5xx', 'latency', 'timeout', 'drop', 'drop_after', 'error'];

/**
 * `/__admin`: what tests (and a person trying the demo) use to shape the platform: apps and tokens,
 * paid orders, the clock, faults and limits; and to read back what the platform received.
 */
export function adminRouter(state: PddState): Router {
  const r = Router();
  r.post('/apps', (req, res) => {
    const { client_id, client_secret } = req.body ?? {};
    if (!client_id || !client_secret) return void res.status(400).json({ message: 'client_id and client_secret are required' });
    state.apps.set(String(client_id), String(client_secret));
    res.json({ client_id });
  });
  r.post('/tokens', (req, res) => {
    const { client_id, access_token, refresh_token, access_ttl_seconds } = req.body ?? {};
    if (!state.apps.has(String(client_id))) return void res.status(404).json({ message: 'unknown client_id' });
    const fixed = access_token && refresh_token ? { access_token: String(access_token), refresh_token: String(refresh_token) } : undefined;
    res.json(state.issueToken(String(client_id), fixed, access_ttl_seconds ? Number(access_ttl_seconds) : undefined));
  });
  r.post('/tokens/expire', (req, res) => {
    const only = req.body?.access_token ? String(req.body.access_token) : undefined;
    let expired = 0;
    for (const t of state.tokens.values()) {
      if (only && t.access_token !== only) continue;
      t.expires_at = state.now() - 1;
      expired += 1;
    }
    res.json({ expired });
  });
  /** The shop withdrew the authorisation: every token and refresh token stops working. */
  r.post('/tokens/revoke', (_req, res) => {
    const revoked = state.tokens.size;
    state.tokens.clear();
    state.refreshTokens.clear();
    res.json({ revoked });
  });
  r.post('/orders', (req, res) => {
    const list = Array.isArray(req.body?.orders) ? req.body.orders : [req.body];
    if (list.some((o: { goods_id?: unknown }) => !o || !Number.isInteger(Number(o.goods_id)))) return void res.status(400).json({ message: 'each order needs an integer goods_id' });
    const created = list.map((o: Record<string, unknown>) =>
      state.addOrder({ ...(o as object), goods_id: Number(o.goods_id) } as Parameters<PddState['addOrder']>[0]),
    );
    res.status(201).json({ orders: created.map((o: Parameters<typeof orderInfo>[0]) => ({ ...orderInfo(o), updated_at_unix: o.updated_at })) });
  });
  r.get('/orders', (_req, res) => void res.json({ orders: [...state.orders.values()] }));
  r.get('/orders/:order_sn', (req, res) => {
    const order = state.orders.get(req.params.order_sn);
    if (!order) return void res.status(404).json({ message: 'no such order' });
    res.json(order);
  });
  r.patch('/orders/:order_sn', (req, res) => {
    const order = state.orders.get(req.params.order_sn);
    if (!order) return void res.status(404).json({ message: 'no such order' });
    for (const k of ['order_status', 'refund_status'] as const) if (req.body?.[k] !== undefined) order[k] = Number(req.body[k]);
    order.updated_at = state.now();
    res.json(order);
  });
  r.get('/clock', (_req, res) => void res.json({ now: state.now(), offset_seconds: state.offsetSeconds }));
  r.post('/clock', (req, res) => {
    if (req.body?.advance_seconds !== undefined) state.offsetSeconds += Number(req.body.advance_seconds);
    else if (req.body?.offset_seconds !== undefined) state.offsetSeconds = Number(req.body.offset_seconds);
    res.json({ now: state.now(), offset_seconds: state.offsetSeconds });
  });
  r.post('/faults', (req, res) => {
    const b = req.body ?? {};
    if (!FAULT_KINDS.includes(b.kind)) return void res.status(400).json({ message: `kind must be one of ${FAULT_KINDS.join(', ')}` });
    state.faults.push({ kind: b.kind, api: b.api, remaining: Number(b.count ?? 1), ms: b.ms, status: b.status, error_code: b.error_code, error_msg: b.error_msg });
    res.status(201).json({ faults: state.faults });
  });
  r.delete('/faults', (_req, res) => {
    state.faults = [];
    res.json({ faults: [] });
  });
  r.post('/limits', (req, res) => {
    const { api, per_minute } = req.body ?? {};
    if (!api) return void res.status(400).json({ message: 'api is required' });
    if (per_minute) state.limits.set(String(api), Number(per_minute));
    else state.limits.delete(String(api));
    state.windows.clear();
    res.json({ limits: Object.fromEntries(state.limits) });
  });
  r.get('/calls', (req, res) => {
    const type = req.query.type ? String(req.query.type) : undefined;
    res.json({ calls: state.calls.filter((c) => !type || c.type === type) });
  });
  return r;
}
