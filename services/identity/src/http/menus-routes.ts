import { badRequest, conflict, notFound, ok, permissions } from '@backoffice/contracts';
import { fields } from '@backoffice/kit';
import { z } from 'zod';
import { menuView } from '../db/queries.js';
import type { IdentityDeps } from './context.js';

const name = z.string({ error: '菜单名称不能为空' }).trim().min(1, '菜单名称不能为空').max(50, '菜单名称不能超过50个字符');
const path = z.string({ error: '路由路径不能为空' }).trim().min(1, '路由路径不能为空').max(200, '路由路径不能超过200个字符');
const icon = z.string().trim().max(100, '图标不能超过100个字符').nullable();
const sort = z.number({ error: '排序号必须是整数' }).int('排序号必须是整数').min(-100000).max(100000);

export function menuRoutes(deps: IdentityDeps) {
  const { models, sequelize } = deps;
  const api = deps.router('菜单管理');
  api
    .route({
      method: 'get',
      path: '/api/menus',
      summary: '获取所有菜单列表',
      access: { permission: permissions.menusRead },
      handler: async () => ok((await models.Menu.findAll({ order: [['sort', 'ASC'], ['id', 'ASC']] })).map(menuView), 'success'),
    })
    .route({
      method: 'post',
      path: '/api/menus',
      summary: '创建新菜单',
      access: { permission: permissions.menusWrite },
      body: z.object({ name, path, icon: icon.optional(), sort: sort.optional(), parent_id: z.number().int().positive().nullable().optional() }),
      status: 201,
      handler: async ({ body }) => {
        if (body.parent_id && !(await models.Menu.findByPk(body.parent_id))) throw badRequest('父菜单不存在', 'PARENT_NOT_FOUND');
        const menu = await models.Menu.create({ name: body.name, path: body.path, icon: body.icon ?? null, sort: body.sort ?? 0, parent_id: body.parent_id ?? null });
        return ok({ id: menu.id }, '创建成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/menus/:id',
      summary: '更新菜单信息',
      access: { permission: permissions.menusWrite },
      params: z.object({ id: fields.id }),
      body: z.object({ name: name.optional(), icon: icon.optional(), sort: sort.optional(), path: path.optional() }),
      handler: async ({ params, body }) => {
        const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
        const menu = await models.Menu.findByPk(params.id);
        if (!menu) throw notFound('菜单不存在', 'MENU_NOT_FOUND');
        if (!Object.keys(changes).length) throw badRequest('没有要更新的字段', 'NOTHING_TO_UPDATE');
        await menu.update(changes);
        return ok(undefined, '更新成功');
      },
    })
    .route({
      method: 'delete',
      path: '/api/menus/:id',
      summary: '删除菜单（有子菜单时不允许删除）',
      access: { permission: permissions.menusWrite },
      params: z.object({ id: fields.id }),
      handler: async ({ params }) => {
        await sequelize.transaction(async (transaction) => {
          const menu = await models.Menu.findByPk(params.id, { transaction, lock: transaction.LOCK.UPDATE });
          if (!menu) throw notFound('菜单不存在', 'MENU_NOT_FOUND');
          if ((await models.Menu.count({ where: { parent_id: menu.id }, transaction })) > 0) throw conflict('该菜单下存在子菜单，无法删除', 'MENU_HAS_CHILDREN');
          await models.RoleMenu.destroy({ where: { menu_id: menu.id }, transaction });
          await menu.destroy({ transaction });
        });
        return ok(undefined, '删除成功');
      },
    });
  return api.router;
}
