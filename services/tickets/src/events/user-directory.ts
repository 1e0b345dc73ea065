import { userCreated, userDeleted, userUpdated, type EventData } from '@backoffice/contracts';
import { withInbox, type SubscribeOptions } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { TicketModels } from '../db/models.js';

export const USER_DIRECTORY_CONSUMER = 'tickets.user-directory';

/**
 * Keeps `directory_users` in step with identity (who may be linked to a technician) from
 * identity.user.* events; each event is applied once (inbox), in its own transaction.
 */
export function userDirectorySubscription(sequelize: Sequelize, models: TicketModels): SubscribeOptions {
  return {
    group: USER_DIRECTORY_CONSUMER,
    types: [userCreated.type, userUpdated.type, userDeleted.type],
    handler: withInbox(sequelize, USER_DIRECTORY_CONSUMER, async (event, transaction) => {
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
