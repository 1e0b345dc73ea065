import { userCreated, userDeleted, userUpdated, type EventData } from '@backoffice/contracts';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import type { SubscribeOptions } from '../bus/types.js';
import { withInbox } from './inbox.js';

/** A service's local copy of identity users: id, username, real_name, role, status, deleted. */
export interface DirectoryUserAttributes {
  id: number;
  username: string;
  real_name: string | null;
  role: string;
  status: number;
  deleted: boolean;
}

/**
 * Keeps a local user table in step with identity from identity.user.* events: created and updated
 * upsert the row, deleted marks it deleted; each event is applied once (inbox), in its own transaction.
 */
export function userDirectorySubscription(
  sequelize: Sequelize,
  consumer: string,
  table: ModelStatic<Model<DirectoryUserAttributes>>,
): SubscribeOptions {
  return {
    group: consumer,
    types: [userCreated.type, userUpdated.type, userDeleted.type],
    handler: withInbox(sequelize, consumer, async (event, transaction) => {
      if (event.type === userDeleted.type) {
        const data = event.data as EventData<typeof userDeleted>;
        await table.update({ deleted: true }, { where: { id: data.id }, transaction });
        return;
      }
      const data = event.data as EventData<typeof userCreated>;
      await table.upsert(
        { id: data.id, username: data.username, real_name: data.real_name, role: data.role, status: data.status, deleted: false },
        { transaction },
      );
    }),
  };
}
