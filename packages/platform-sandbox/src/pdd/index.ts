import express from 'express';
import { listenSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox.js';
import { adminRouter } from './admin.js';
import { routerHandler } from './router.js';
import { PddState } from './state.js';

export { pddSign } from './sign.js';

/** What `seed: true` (npm start) registers; pdd-verify's configuration defaults point at these. */
export const pddSandboxSeed = {
  client_id: 'pdd-sandbox-app',
  client_secret: 'pdd-sandbox-secret-0123456789',
  access_token: 'pdd-sandbox-access-token',
  refresh_token: 'pdd-sandbox-refresh-token',
  goods: [
    { goods_id: 1001, goods_name: '视频会员月卡（卡密）', goods_price: 1990 },
    { goods_id: 1002, goods_name: '游戏点卡100元（兑换码）', goods_price: 9500 },
  ],
} as const;

export interface PddSandboxOptions extends SandboxOptions {
  /** Seed mode: a new paid order every this many seconds (0: none). */
  newOrderEverySeconds?: number;
}

/**
 * The Pinduoduo open platform imitation: `POST /api/router` with the real common parameters,
 * uppercase MD5 signature, timestamp window, access tokens, `error_response` codes, the increment
 * order list, virtual delivery and card verification; `/__admin` for tests.
 */
export async function startPddSandbox(options: PddSandboxOptions): Promise<RunningSandbox> {
  const state = new PddState();
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb' }));
  app.post('/api/router', routerHandler(state));
  app.use('/__admin', adminRouter(state));
  let timer: NodeJS.Timeout | undefined;
  if (options.seed) {
    const s = pddSandboxSeed;
    state.apps.set(s.client_id, s.client_secret);
    state.issueToken(s.client_id, { access_token: s.access_token, refresh_token: s.refresh_token });
    s.goods.forEach((g, i) => {
      for (let n = 0; n < 3; n++) state.addOrder({ goods_id: g.goods_id, goods_name: g.goods_name, goods_price: g.goods_price, updated_offset_seconds: -600 + i * 60 + n * 30 });
    });
    const every = options.newOrderEverySeconds ?? 120;
    if (every > 0) {
      timer = setInterval(() => {
        const g = s.goods[Math.floor(Math.random() * s.goods.length)];
        state.addOrder({ goods_id: g.goods_id, goods_name: g.goods_name, goods_price: g.goods_price });
      }, every * 1000);
      timer.unref();
    }
  }
  const running = await listenSandbox('pdd', app, options.port);
  return {
    ...running,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running.stop();
    },
  };
}
