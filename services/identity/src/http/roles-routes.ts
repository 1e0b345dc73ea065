import { allPermissions, badRequest, conflict, notFound, ok, permissions, SUPER_PERMISSION, unprocessable } from '@backoffice/contracts';
import { conflictOnDuplicate, fields, inTransaction } from '@backoffice/kit';
import { Op, type Transaction } from 'sequelize';
import { z } from 'zod';
import { callerPermissions } from '../db/authority.js';
import type { Role } from '../db/models.js';
import { assertMayDefineRole } from '../domain/grants.js';
import { menusOfRole, menuView } from '../db/queries.js';
import type { IdentityDeps } from './context.js';

const known = new Set<string>(allPermissions);
const roleName = z.string({ error: '角色名称不能为空' }).trim().min(1, '角色名称不能为空').max(50, '角色名称不能超过50个字符');
const menuIds = z.array(z.number().int().positive(), { error: 'menu_ids 必须是菜单ID数组' }).max(500);
const permissionList = z
  .array(z.string(), { error: 'permissions 必须是权限字符串数组' })
  .max(200)
  .superRefine((list, ctx) => {
    const unknown = list.filter((p) => !known.has(p));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `未知的权限：${unknown.join(', ')}` });
  });

const roleView = (r: Role) => ({
  id: r.id,
  role_name: r.role_name,
  code: r.code,
  builtin: Boolean(r.builtin),
  permissions: r.permissions,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** `人事（已删除#7）`, cut to the column's 50 characters. */
const retiredRoleName = (name: string, id: number) => {
  const suffix = `（已删除#${id}）`;
  return `${[...name].slice(0, 50 - suffix.length).join('')}${suffix}`;
};

const rethrowNameTaken = conflictOnDuplicate('角色名已存在', 'ROLE_NAME_TAKEN');

export function roleRoutes(deps: IdentityDeps) {
  const { models, sequelize } = deps;

  const setMenus = async (roleId: number, ids: number[], transaction: Transaction) => {
    const unique = [...new Set(ids)];
    if (unique.length && (await models.Menu.count({ where: { id: { [Op.in]: unique } }, transaction })) !== unique.length) {
      throw badRequest('菜单不存在', 'MENU_NOT_FOUND');
    }
    await models.RoleMenu.destroy({ where: { role_id: roleId }, transaction });
    if (unique.length) await models.RoleMenu.bulkCreate(unique.map((menu_id) => ({ role_id: roleId, menu_id })), { transaction });
  };
  const nameTaken = async (name: string, exceptId?: number) =>
    (await models.Role.count({ where: { role_name: name, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) } })) > 0;

  const api = deps.router('角色管理');
  api
    .route({
      method: 'get',
      path: '/api/roles',
      summary: '获取所有角色',
      access: { permission: permissions.rolesRead },
      handler: async () => ok((await models.Role.findAll({ order: [['id', 'ASC']] })).map(roleView), 'success'),
    })
    .route({
      method: 'post',
      path: '/api/roles',
      summary: '创建新角色（菜单与权限）',
      access: { permission: permissions.rolesWrite },
      body: z.object({ role_name: roleName, menu_ids: menuIds.optional(), permissions: permissionList.optional() }),
      status: 201,
      handler: async ({ body }, req) => {
        if (await nameTaken(body.role_name)) throw conflict('角色名已存在', 'ROLE_NAME_TAKEN');
        const role = await inTransaction(sequelize, async (transaction) => {
            assertMayDefineRole(await callerPermissions(models, req.user!.id, transaction), { next: body.permissions ?? [] });
            const created = await models.Role.create({ role_name: body.role_name, code: null, permissions: body.permissions ?? [] }, { transaction });
            await setMenus(created.id, body.menu_ids ?? [], transaction);
            return created;
          }).catch(rethrowNameTaken);
        return ok({ id: role.id }, '创建成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/roles/:id',
      summary: '更新角色信息和权限',
      access: { permission: permissions.rolesWrite },
      params: z.object({ id: fields.id }),
      body: z.object({ role_name: roleName.optional(), menu_ids: menuIds.optional(), permissions: permissionList.optional() }),
      handler: async ({ params, body }, req) => {
        if (body.role_name && (await nameTaken(body.role_name, params.id))) throw conflict('角色名已存在', 'ROLE_NAME_TAKEN');
        await inTransaction(sequelize, async (transaction) => {
            const caller = await callerPermissions(models, req.user!.id, transaction);
            const role = await models.Role.findByPk(params.id, { transaction, lock: transaction.LOCK.UPDATE });
            if (!role) throw notFound('角色不存在', 'ROLE_NOT_FOUND');
            assertMayDefineRole(caller, { current: role.permissions, next: body.permissions ?? role.permissions });
            if (body.permissions && role.permissions.includes(SUPER_PERMISSION)) throw unprocessable('超级管理员角色的权限不能修改', 'SUPER_ADMIN_FIXED');
            await role.update({ ...(body.role_name ? { role_name: body.role_name } : {}), ...(body.permissions ? { permissions: body.permissions } : {}) }, { transaction });
            if (body.menu_ids) await setMenus(role.id, body.menu_ids, transaction);
          }).catch(rethrowNameTaken);
        return ok(undefined, '更新成功');
      },
    })
    .route({
      method: 'delete',
      path: '/api/roles/:id',
      summary: '删除角色（角色下有用户则不允许删除）',
      access: { permission: permissions.rolesWrite },
      params: z.object({ id: fields.id }),
      handler: async ({ params }, req) => {
        await inTransaction(sequelize, async (transaction) => {
          const caller = await callerPermissions(models, req.user!.id, transaction);
          const role = await models.Role.findByPk(params.id, { transaction, lock: transaction.LOCK.UPDATE });
          if (!role) throw notFound('角色不存在', 'ROLE_NOT_FOUND');
          assertMayDefineRole(caller, { current: role.permissions, next: [] });
          // only users that still exist hold a role; deleted ones keep pointing at the (soft-deleted) row
          if ((await models.User.count({ where: { role_id: role.id }, transaction })) > 0) {
            throw conflict('该角色下存在用户，无法删除', 'ROLE_IN_USE');
          }
          if (role.builtin) throw conflict('内置角色不能删除', 'ROLE_BUILTIN');
          await models.RoleMenu.destroy({ where: { role_id: role.id }, transaction });
          // the name is freed for a new role; the old row stays readable for the deleted users' records
          await role.update({ role_name: retiredRoleName(role.role_name, role.id) }, { transaction });
          await role.destroy({ transaction });
        });
        return ok(undefined, '删除成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/roles/:id/menus',
      summary: '获取指定角色的菜单权限列表',
      access: { permission: permissions.rolesRead },
      params: z.object({ id: fields.id }),
      handler: async ({ params }) => {
        const role = await models.Role.findByPk(params.id);
        if (!role) throw notFound('角色不存在', 'ROLE_NOT_FOUND');
        return ok((await menusOfRole(models, role)).map(menuView), 'success');
      },
    });
  return api.router;
}
