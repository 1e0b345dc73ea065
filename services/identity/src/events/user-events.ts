import { userCreated, userDeleted, userUpdated } from '@backoffice/contracts';
import type { Outbox } from '@backoffice/kit';
import type { Transaction } from 'sequelize';
import type { Role, User } from '../db/models.js';

const snapshot = (user: User, role: Role) => ({
  id: user.id,
  username: user.username,
  real_name: user.real_name,
  role_id: user.role_id,
  role: role.code ?? role.role_name,
  status: Number(user.status),
  level: Number(user.level),
});

/** identity.user.* events, written in the transaction of the change. */
export class UserEvents {
  constructor(private readonly outbox: Outbox) {}

  created(tx: Transaction, user: User, role: Role) {
    return this.outbox.add(tx, userCreated, user.id, snapshot(user, role));
  }

  updated(tx: Transaction, user: User, role: Role) {
    return this.outbox.add(tx, userUpdated, user.id, snapshot(user, role));
  }

  deleted(tx: Transaction, user: User) {
    return this.outbox.add(tx, userDeleted, user.id, { id: user.id, username: user.username });
  }
}
