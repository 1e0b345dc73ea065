import { ApiRouter, type ServiceModule } from '@backoffice/kit';
import { writingOrdersConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';
import type { WritingDeps } from './http/context.js';
import { ordersArea } from './orders-area.js';
import { writersArea } from './writers-area.js';

/** writing-orders: the writing studio's writers, orders, settlement, commission, ratings, cases (seed 004 五–十). */
export const writingOrdersService: ServiceModule<typeof writingOrdersConfigSchema> = {
  name: 'writing-orders',
  title: '写手与订单 (writing-orders)',
  defaultPort: 8082,
  configSchema: writingOrdersConfigSchema,
  migrations,
  async build({ config, sequelize, outbox, logger, auth, docs }) {
    const deps: WritingDeps = { config, sequelize, outbox, logger, router: (tag) => new ApiRouter(auth, docs, tag) };
    const areas = [await writersArea(deps), await ordersArea(deps)];
    return {
      routers: areas.flatMap((a) => a.routers),
      subscriptions: areas.flatMap((a) => a.subscriptions ?? []),
      jobs: areas.flatMap((a) => a.jobs ?? []),
      readiness: Object.assign({}, ...areas.map((a) => a.readiness ?? {})),
    };
  },
};
