import { ApiRouter, type ServiceModule } from '@backoffice/kit';
import { pddVerifyConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';
import { intervalCron } from './domain/schedule.js';
import { createPddEngine } from './engine.js';
import type { PddDeps } from './http/context.js';
import { goodsRoutes } from './http/goods-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import { orderRoutes } from './http/order-routes.js';
import { verifyRoutes } from './http/verify-routes.js';

/** pdd-verify: Pinduoduo virtual goods: order monitor, card-code delivery, verification, alerts (seed 003). */
export const pddVerifyService: ServiceModule<typeof pddVerifyConfigSchema> = {
  name: 'pdd-verify',
  title: '拼多多虚拟商品发货与核销 (pdd-verify)',
  defaultPort: 8086,
  configSchema: pddVerifyConfigSchema,
  migrations,
  async build({ config, sequelize, outbox, auth, docs, logger }) {
    const engine = createPddEngine({ config, sequelize, outbox, logger });
    const deps: PddDeps = { config, sequelize, engine, router: (tag) => new ApiRouter(auth, docs, tag) };
    return {
      routers: [orderRoutes(deps), verifyRoutes(deps), goodsRoutes(deps), opsRoutes(deps)],
      jobs: [
        // one replica per tick (the scheduler's lock); the steps themselves are safe to race anyway
        {
          name: 'pdd.cycle',
          cron: intervalCron(config.ORDER_CHECK_INTERVAL),
          run: async () => void (await engine.runCycle()),
        },
        { name: 'pdd.prune-alerts', cron: '0 41 4 * * *', run: async () => void (await engine.alerts.prune(30)) },
      ],
      close: () => engine.close(),
    };
  },
};
