import { pruneIdempotencyKeys, SecretBox } from '@backoffice/kit';
import type { AreaParts } from './area.js';
import { CustomerOrderStore } from './db/customer-order-store.js';
import { initOrderModels } from './db/order-models.js';
import { PaidOrderStore } from './db/paid-order-store.js';
import { orderUserDirectorySubscription } from './events/order-user-directory.js';
import type { WritingDeps } from './http/context.js';
import { customerOrderRoutes } from './http/customer-order-routes.js';
import { exportRoutes } from './http/export-routes.js';
import { importRoutes } from './http/import-routes.js';
import type { OrderDeps } from './http/order-context.js';
import { orderRoutes } from './http/order-routes.js';

/** Paid orders (六), customer orders (八), settlement, commission, exports. */
export async function ordersArea(deps: WritingDeps): Promise<AreaParts> {
  const models = initOrderModels(deps.sequelize);
  // the writers area encrypts Alipay accounts with this key and context (src/writer-privacy.ts)
  const box = new SecretBox(deps.config.DATA_ENCRYPTION_KEY, 'writers');
  const orderDeps: OrderDeps = {
    ...deps,
    models,
    customerOrders: new CustomerOrderStore(deps.sequelize, models, deps.outbox),
    paidOrders: new PaidOrderStore(deps.sequelize, models),
    revealAccount: (encrypted) => (encrypted ? box.decrypt(encrypted) : null),
  };
  return {
    // fixed paths (export, lock, merge, commission-rule) before /api/customer-orders/:id
    routers: [exportRoutes(orderDeps), importRoutes(orderDeps), orderRoutes(orderDeps), customerOrderRoutes(orderDeps)],
    subscriptions: [orderUserDirectorySubscription(deps.sequelize, models)],
    jobs: [{ name: 'writing-orders.prune-idempotency-keys', cron: '0 23 3 * * *', run: async () => void (await pruneIdempotencyKeys(deps.sequelize, 48)) }],
  };
}
