import { userCreated, userDeleted, userUpdated, type EventData } from '@backoffice/contracts';
import { withInbox, type SubscribeOptions } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { OrderModels } from '../db/order-models.js';

export const ORDER_USER_DIRECTORY_CONSUMER = 'writing-orders.order-user-directory';

/**
 * Keeps `order_directory_users` in step with identity (customer-service names on orders, lockers)
 * from identity.user.* events; each event is applied once (inbox), in its own transaction.
 */
export function orderUserDirectorySubscription(sequelize: Sequelize, models: OrderModels): SubscribeOptions {
  return {
    group: ORDER_USER_DIRECTORY_CONSUMER,
    types: [userCreated.type, userUpdated.type, userDeleted.type],
    handler: withInbox(sequelize, ORDER_USER_DIRECTORY_CONSUMER, async (event, transaction) => {
      if (event.type === userDeleted.type) {
        const data = event.data as EventData<typeof userDeleted>;
        await models.DirectoryUser.update({ deleted: true }, { where: { id: data.id }, transaction });
        return;
      }
      const data = event.data as EventData<typeof userCreated>;
      await models.DirectoryUser.upsert(
        { id: data.id, username: data.username, real_name: data.real_name, role: data.role, status: data.status, deleted: false },
        { transaction },
      );
    }),
  };
}
