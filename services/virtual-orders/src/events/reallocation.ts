import { taskExpired, type EventData } from '@backoffice/contracts';
import { withInbox, type SubscribeOptions } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { Observer, PoolStore } from '../db/pool-store.js';

export const REALLOCATION_CONSUMER = 'virtual-orders.reallocation';

/**
 * The re-allocation worker: a new task combination for the amount an expiry returned. The inbox makes a
 * redelivered event a no-op; the pool's remaining amount bounds what any event may allocate.
 */
export function reallocationSubscription(sequelize: Sequelize, pools: PoolStore, observe: Observer): SubscribeOptions {
  return {
    group: REALLOCATION_CONSUMER,
    types: [taskExpired.type],
    handler: withInbox(sequelize, REALLOCATION_CONSUMER, async (event, transaction) => {
      const tasks = await pools.regenerate(transaction, event.data as EventData<typeof taskExpired>);
      transaction.afterCommit(() => observe.generated(tasks));
    }),
  };
}
