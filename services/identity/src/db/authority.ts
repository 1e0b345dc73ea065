import { forbidden, unauthorized } from '@backoffice/contracts';
import { Op, type Transaction } from 'sequelize';
import { isSuperRole } from '../domain/grants.js';
import type { IdentityModels } from './models.js';

/**
 * What the caller holds now, read in the transaction of the change: the role may have been narrowed
 * or the account disabled since the access token was signed.
 */
export async function callerPermissions(models: IdentityModels, userId: number, transaction: Transaction): Promise<string[]> {
  const user = await models.User.findByPk(userId, { transaction });
  if (!user) throw unauthorized('用户不存在', 'USER_GONE');
  if (Number(user.status) !== 1) throw forbidden('账号已被禁用，请联系管理员', 'ACCOUNT_DISABLED');
  const role = await models.Role.findByPk(user.role_id, { transaction });
  return role ? role.permissions : [];
}

/**
 * Locks the rows of every active super admin (in id order, so concurrent changes queue instead of
 * deadlocking) and returns their ids. Run it before locking the account being changed: two
 * concurrent demotions of the last two super admins then see each other's result.
 */
export async function lockActiveSuperAdmins(models: IdentityModels, transaction: Transaction): Promise<number[]> {
  const superRoles = (await models.Role.findAll({ transaction, paranoid: false })).filter((r) => isSuperRole(r.permissions)).map((r) => r.id);
  if (!superRoles.length) return [];
  const rows = await models.User.findAll({
    attributes: ['id'],
    where: { role_id: { [Op.in]: superRoles }, status: 1 },
    order: [['id', 'ASC']],
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  return rows.map((r) => r.id);
}
