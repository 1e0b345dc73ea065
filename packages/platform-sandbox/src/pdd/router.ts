import type { Request, Response } from 'express';
import { apis } from './api.js';
import { commonParamError, noPermission, PddError, signFailed, throttled, tokenExpired } from './errors.js';
import { pddSign } from './sign.js';
import { TIMESTAMP_TOLERANCE_SECONDS, type PddState } from './state.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const requestId = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

/** Checks the common parameters in the order the gateway does; throws the platform's error. */
function authenticate(state: PddState, params: Record<string, unknown>): { type: string; clientId: string } {
  for (const name of ['type', 'client_id', 'timestamp', 'sign']) {
    if (params[name] === undefined || params[name] === '') throw commonParamError(`缺少公共参数 ${name}`);
  }
  const type = String(params.type);
  const clientId = String(params.client_id);
  const secret = state.apps.get(clientId);
  if (!secret) throw commonParamError('client_id 不存在');
  if (params.data_type !== undefined && String(params.data_type).toUpperCase() !== 'JSON') throw commonParamError('data_type 只支持 JSON');
  const ts = Number(params.timestamp);
  if (!Number.isInteger(ts)) throw commonParamError('timestamp 必须是 UNIX 秒');
  if (Math.abs(state.now() - ts) > TIMESTAMP_TOLERANCE_SECONDS) throw commonParamError('timestamp 与服务器时间相差超过10分钟');
  if (pddSign(params, secret) !== String(params.sign)) throw signFailed();
  const api = apis[type];
  if (!api) throw noPermission(type);
  if (api.auth) {
    const token = params.access_token ? state.tokens.get(String(params.access_token)) : undefined;
    if (!params.access_token) throw commonParamError('缺少 access_token');
    if (!token || token.client_id !== clientId || token.expires_at <= state.now()) throw tokenExpired();
  }
  if (!state.admit(clientId, type)) throw throttled(type);
  return { type, clientId };
}

/** `POST /api/router`: the one endpoint, with the API named by `type`. */
export function routerHandler(state: PddState) {
  return async (req: Request, res: Response) => {
    const params: Record<string, unknown> = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    const type = String(params.type ?? '');
    const fault = state.takeFault(type);
    if (fault) {
      state.record({ type, at: state.now(), outcome: 'fault' });
      if (fault.kind === 'latency') await sleep(fault.ms ?? 500);
      else if (fault.kind === '5xx') return void res.status(fault.status ?? 503).type('text/html').send('<html><body>502 Bad Gateway</body></html>');
      else if (fault.kind === 'timeout') {
        await sleep(fault.ms ?? 30_000);
        return void res.socket?.destroy();
      } else if (fault.kind === 'drop') return void req.socket.destroy();
      else if (fault.kind === 'error') {
        return void res.json({ error_response: { error_code: fault.error_code ?? 50000, error_msg: fault.error_msg ?? '系统繁忙', sub_code: String(fault.error_code ?? 50000), sub_msg: fault.error_msg ?? '系统繁忙，请稍后重试', request_id: requestId() } });
      }
    }
    try {
      const { type: apiType, clientId } = authenticate(state, params);
      const body = apis[apiType].handler(state, params, clientId);
      state.record({ type, at: state.now(), outcome: 'ok' });
      // the platform acted, then the answer was lost (a crash or a cut connection on the way back)
      if (fault?.kind === 'drop_after') return void req.socket.destroy();
      res.json({ ...body, request_id: requestId() });
    } catch (err) {
      if (!(err instanceof PddError)) throw err;
      state.record({ type, at: state.now(), outcome: 'error', error_code: err.error_code });
      res.json({ error_response: { error_code: err.error_code, error_msg: err.error_msg, sub_code: err.sub_code, sub_msg: err.sub_msg, request_id: requestId() } });
    }
  };
}
