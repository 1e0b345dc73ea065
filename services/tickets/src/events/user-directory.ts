import { userDirectorySubscription as directorySubscription, type SubscribeOptions } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { TicketModels } from '../db/models.js';

export const USER_DIRECTORY_CONSUMER = 'tickets.user-directory';

/** Keeps `directory_users` in step with identity (who may be linked to a technician). */
export function userDirectorySubscription(sequelize: Sequelize, models: TicketModels): SubscribeOptions {
  return directorySubscription(sequelize, USER_DIRECTORY_CONSUMER, models.DirectoryUser);
}
