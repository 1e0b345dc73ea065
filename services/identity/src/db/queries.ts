import { hasPermission, SUPER_PERMISSION } from '@backoffice/contracts';
import { Op, type Transaction } from 'sequelize';
import type { IdentityModels, Menu, Role, User } from './models.js';

export const menuView = (m: Menu) => ({
  id: m.id as number,
  name: m.name,
  path: m.path,
  icon: m.icon,
  sort: m.sort as number,
  parent_id: m.parent_id,
  created_time: m.created_time as Date,
});

/** A role's menus; the super admin (permission `*`) sees them all. */
export async function menusOfRole(models: IdentityModels, role: Role, transaction?: Transaction): Promise<Menu[]> {
  const order: [string, string][] = [['sort', 'ASC'], ['id', 'ASC']];
  if (hasPermission(role.permissions, SUPER_PERMISSION)) return models.Menu.findAll({ order, transaction });
  const links = await models.RoleMenu.findAll({ where: { role_id: role.id }, transaction });
  if (!links.length) return [];
  return models.Menu.findAll({ where: { id: { [Op.in]: links.map((l) => l.menu_id) } }, order, transaction });
}

/** userInfo as the seed shapes it (never the password hash). */
export async function userInfo(models: IdentityModels, user: User, role: Role) {
  return {
    id: user.id as number,
    username: user.username,
    role_id: user.role_id,
    real_name: user.real_name,
    email: user.email,
    status: Number(user.status),
    level: Number(user.level),
    created_at: user.created_at as Date,
    updated_at: user.updated_at as Date,
    role: { id: role.id as number, role_name: role.role_name, code: role.code },
    permissions: role.permissions,
    menus: (await menusOfRole(models, role)).map(menuView),
  };
}
