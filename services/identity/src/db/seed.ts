import { builtinRoles, roleCodes } from '@backoffice/contracts';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import { generatePassword, hashPassword } from '../domain/passwords.js';
import { USER_LEVELS } from '../domain/rules.js';
import type { IdentityModels } from './models.js';
import { menuTree, type MenuSeed } from './menu-tree.js';

/**
 * Idempotent start-up seeding: built-in roles that are missing, the menu tree when there are no menus
 * yet, and the super admin when no such user exists. A shop's own edits are never overwritten.
 */
export async function seedIdentity(
  sequelize: Sequelize,
  models: IdentityModels,
  admin: { username: string; password?: string },
  logger: Logger,
  announce: (text: string) => void = (text) => console.log(text),
): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    for (const role of builtinRoles) {
      const existing = await models.Role.findOne({ where: { code: role.code }, transaction });
      if (!existing) await models.Role.create({ role_name: role.name, code: role.code, permissions: [...role.permissions], builtin: true }, { transaction });
    }
    if ((await models.Menu.count({ transaction })) === 0) {
      const roleIds = new Map((await models.Role.findAll({ transaction })).map((r) => [r.code, r.id]));
      const insert = async (items: MenuSeed[], parentId: number | null, inherited: string[]) => {
        for (const [index, item] of items.entries()) {
          const menu = await models.Menu.create({ name: item.name, path: item.path, icon: item.icon ?? null, sort: index + 1, parent_id: parentId }, { transaction });
          const roles = item.roles ?? inherited;
          for (const code of roles) {
            const roleId = roleIds.get(code);
            if (roleId) await models.RoleMenu.create({ role_id: roleId, menu_id: menu.id }, { transaction });
          }
          await insert(item.children ?? [], menu.id, roles);
        }
      };
      await insert(menuTree, null, []);
    }
  });

  const existing = await models.User.findOne({ where: { username: admin.username }, paranoid: false });
  if (existing) return;
  const superRole = await models.Role.findOne({ where: { code: roleCodes.superAdmin } });
  const password = admin.password ?? generatePassword();
  try {
    await models.User.create({
      username: admin.username,
      password_hash: await hashPassword(password),
      role_id: superRole!.id,
      real_name: '超级管理员',
      email: null,
      status: 1,
      level: USER_LEVELS.admin,
    });
  } catch (err) {
    // another replica seeded it first
    if ((err as Error).name === 'SequelizeUniqueConstraintError') return;
    throw err;
  }
  logger.info({ username: admin.username }, 'super admin created');
  if (!admin.password) announce(`\n  Super admin created: username "${admin.username}", password "${password}"\n  (shown once; set ADMIN_PASSWORD to choose it)\n`);
}
