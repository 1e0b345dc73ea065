import { userDirectorySubscription, type SubscribeOptions } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { OrderModels } from '../db/order-models.js';

export const ORDER_USER_DIRECTORY_CONSUMER = 'writing-orders.order-user-directory';

/** Keeps `order_directory_users` in step with identity (customer-service names on orders, lockers). */
export function orderUserDirectorySubscription(sequelize: Sequelize, models: OrderModels): SubscribeOptions {
  return userDirectorySubscription(sequelize, ORDER_USER_DIRECTORY_CONSUMER, models.DirectoryUser);
}
