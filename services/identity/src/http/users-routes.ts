import { badRequest, conflict, notFound, ok, permissions, roleCodes, unprocessable } from '@backoffice/contracts';
import { conflictOnDuplicate, containsPattern, fields, inTransaction } from '@backoffice/kit';
import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { assertKeepsASuperAdmin, assertMayAssignRole, assertMayManageUser, isSuperRole } from '../domain/grants.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../domain/passwords.js';
import { EMAIL_PATTERN, LEVEL_VALUES, USERNAME_PATTERN } from '../domain/rules.js';
import { callerPermissions, lockActiveSuperAdmins } from '../db/authority.js';
import type { Role, User } from '../db/models.js';
import type { IdentityDeps } from './context.js';

const username = z.string({ error: '用户名不能为空' }).trim().regex(USERNAME_PATTERN, '用户名须为 3-50 位字母、数字或 _ . @ -');
const password = z.string({ error: '密码不能为空' }).min(MIN_PASSWORD_LENGTH, `密码长度不能少于${MIN_PASSWORD_LENGTH}个字符`).max(128, '密码长度不能超过128个字符');
const email = z.string().trim().max(100, '邮箱格式不正确').regex(EMAIL_PATTERN, '邮箱格式不正确');
const status = z.union([z.literal(0), z.literal(1)], { error: '状态只能是 0（禁用）或 1（启用）' });
const level = z.number().int().refine((v) => LEVEL_VALUES.includes(v), '用户级别不合法');
const realName = z.string().trim().max(50, '真实姓名不能超过50个字符');

const createBody = z.object({
  username,
  password,
  role_id: z.number({ error: '角色不能为空' }).int().positive(),
  real_name: realName.nullish(),
  email: email.or(z.literal('')).nullish(),
  status: status.optional(),
  level: level.optional(),
});
const updateBody = createBody.partial();
const listQuery = z.object({
  username: z.string().max(50).optional(),
  role_id: fields.id.optional(),
  status: z.enum(['0', '1'], { error: '状态只能是 0 或 1' }).transform(Number).optional(),
});
const idParams = z.object({ id: fields.id });

const rethrowUsernameTaken = conflictOnDuplicate('用户名已存在', 'USERNAME_TAKEN');

export const userView = (u: User, role?: Role | null) => ({
  id: u.id as number,
  username: u.username,
  role_id: u.role_id,
  role_name: role?.role_name ?? null,
  real_name: u.real_name,
  email: u.email,
  status: Number(u.status),
  level: Number(u.level),
  created_at: u.created_at as Date,
  updated_at: u.updated_at as Date,
});

export function userRoutes(deps: IdentityDeps) {
  const { models, sequelize, events } = deps;

  const findRole = async (id: number, transaction?: Transaction) => {
    const role = await models.Role.findByPk(id, transaction ? { transaction, lock: transaction.LOCK.SHARE } : {});
    if (!role) throw badRequest('角色不存在', 'ROLE_NOT_FOUND');
    return role;
  };
  /**
   * Locks the active super admins, then the account; checks that the caller may manage it. The
   * caller's permissions and the count are read in the transaction that writes.
   */
  const lockForChange = async (callerId: number, userId: number, transaction: Transaction) => {
    const activeSupers = (await lockActiveSuperAdmins(models, transaction)).length;
    const caller = await callerPermissions(models, callerId, transaction);
    const user = await models.User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND');
    const role = await models.Role.findByPk(user.role_id, { transaction, paranoid: false });
    const rolePermissions = role?.permissions ?? [];
    assertMayManageUser(caller, rolePermissions);
    const before = { super: isSuperRole(rolePermissions), active: Number(user.status) === 1 };
    return { caller, activeSupers, user, role, before };
  };
  const usernameTaken = async (name: string, exceptId?: number) =>
    (await models.User.count({ where: { username: name, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) }, paranoid: false })) > 0;
  const revokeSessions = (userId: number, transaction?: Transaction) =>
    models.RefreshToken.update({ revoked_at: new Date() }, { where: { user_id: userId, revoked_at: null }, transaction });

  const api = deps.router('用户管理');
  // fixed paths first: they would otherwise be read as /:id
  api
    .route({
      method: 'get',
      path: '/api/users/customer-service',
      summary: '获取所有客服角色的用户列表',
      access: { permission: permissions.usersListCustomerService },
      handler: async () => {
        const role = await models.Role.findOne({ where: { code: roleCodes.customerService } });
        const users = role ? await models.User.findAll({ where: { role_id: role.id, status: 1 }, order: [['id', 'ASC']] }) : [];
        return ok(users.map((u) => ({ id: u.id, username: u.username, real_name: u.real_name })), 'success');
      },
    })
    .route({
      method: 'put',
      path: '/api/users/email',
      summary: '修改当前登录用户的邮箱',
      access: 'authenticated',
      body: z.object({ email: z.string({ error: '邮箱格式不正确' }).trim().max(100, '邮箱格式不正确').regex(EMAIL_PATTERN, '邮箱格式不正确') }),
      handler: async ({ body }, req) => {
        await sequelize.transaction(async (transaction) => {
          const user = await models.User.findByPk(req.user!.id, { transaction, lock: transaction.LOCK.UPDATE });
          if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND');
          await user.update({ email: body.email }, { transaction });
        });
        return ok(undefined, '邮箱更新成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/users/password',
      summary: '修改当前登录用户的密码',
      access: 'authenticated',
      body: z.object({ oldPassword: z.string().optional(), newPassword: z.string().optional() }),
      handler: async ({ body }, req) => {
        if (!body.oldPassword || !body.newPassword) throw badRequest('旧密码和新密码不能为空', 'PASSWORD_REQUIRED');
        if (body.newPassword.length < MIN_PASSWORD_LENGTH) throw badRequest('新密码长度不能少于6个字符', 'PASSWORD_TOO_SHORT');
        if (body.newPassword.length > 128) throw badRequest('新密码长度不能超过128个字符', 'PASSWORD_TOO_LONG');
        const user = await models.User.findByPk(req.user!.id);
        if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND');
        if (!(await verifyPassword(body.oldPassword, user.password_hash))) throw badRequest('旧密码不正确', 'OLD_PASSWORD_WRONG');
        const hash = await hashPassword(body.newPassword);
        await sequelize.transaction(async (transaction) => {
          await user.update({ password_hash: hash }, { transaction });
          await revokeSessions(user.id, transaction);
        });
        return ok(undefined, '密码修改成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/users',
      summary: '获取用户列表，支持条件查询',
      access: { permission: permissions.usersRead },
      query: listQuery,
      handler: async ({ query }) => {
        const where: WhereOptions = {};
        if (query.username) Object.assign(where, { username: { [Op.like]: containsPattern(query.username) } });
        if (query.role_id) Object.assign(where, { role_id: query.role_id });
        if (query.status !== undefined) Object.assign(where, { status: query.status });
        const [users, roles] = await Promise.all([models.User.findAll({ where, order: [['id', 'ASC']] }), models.Role.findAll()]);
        const byId = new Map(roles.map((r) => [r.id, r]));
        return ok(users.map((u) => userView(u, byId.get(u.role_id))), 'success');
      },
    })
    .route({
      method: 'post',
      path: '/api/users',
      summary: '创建新用户',
      access: { permission: permissions.usersWrite },
      body: createBody,
      status: 201,
      handler: async ({ body }, req) => {
        await findRole(body.role_id);
        if (await usernameTaken(body.username)) throw conflict('用户名已存在', 'USERNAME_TAKEN');
        const hash = await hashPassword(body.password);
        const user = await inTransaction(sequelize, async (transaction) => {
          const caller = await callerPermissions(models, req.user!.id, transaction);
          const role = await findRole(body.role_id, transaction);
          assertMayAssignRole(caller, role.permissions);
          const created = await models.User.create(
            {
              username: body.username,
              password_hash: hash,
              role_id: role.id,
              real_name: body.real_name ?? null,
              email: body.email || null,
              status: body.status ?? 1,
              level: body.level ?? 0,
            },
            { transaction },
          );
          await events.created(transaction, created, role);
          return created;
        }).catch(rethrowUsernameTaken);
        return ok({ id: user.id }, '创建成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/users/:id/status',
      summary: '更新用户状态（启用/禁用）',
      access: { permission: permissions.usersWrite },
      params: idParams,
      body: z.object({ status }),
      handler: async ({ params, body }, req) => {
        if (params.id === req.user!.id && body.status === 0) throw unprocessable('不能禁用当前登录的账号', 'CANNOT_DISABLE_SELF');
        await inTransaction(sequelize, async (transaction) => {
          const { activeSupers, user, role, before } = await lockForChange(req.user!.id, params.id, transaction);
          assertKeepsASuperAdmin(activeSupers, before, { super: before.super, active: body.status === 1 });
          await user.update({ status: body.status }, { transaction });
          if (body.status === 0) await revokeSessions(user.id, transaction);
          await events.updated(transaction, user, role!);
        });
        return ok(undefined, '状态更新成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/users/:id',
      summary: '更新用户信息',
      access: { permission: permissions.usersWrite },
      params: idParams,
      body: updateBody,
      handler: async ({ params, body }, req) => {
        if (params.id === req.user!.id && body.status === 0) throw unprocessable('不能禁用当前登录的账号', 'CANNOT_DISABLE_SELF');
        if (body.role_id !== undefined) await findRole(body.role_id);
        if (body.username && (await usernameTaken(body.username, params.id))) throw conflict('用户名已存在', 'USERNAME_TAKEN');
        const hash = body.password ? await hashPassword(body.password) : undefined;
        await inTransaction(sequelize, async (transaction) => {
          const { caller, activeSupers, user, role: current, before } = await lockForChange(req.user!.id, params.id, transaction);
          const role = body.role_id !== undefined && body.role_id !== user.role_id ? await findRole(body.role_id, transaction) : undefined;
          if (role) assertMayAssignRole(caller, role.permissions);
          const after = { super: role ? isSuperRole(role.permissions) : before.super, active: (body.status ?? Number(user.status)) === 1 };
          assertKeepsASuperAdmin(activeSupers, before, after);
          await user.update(
            {
              ...(body.username !== undefined ? { username: body.username } : {}),
              ...(hash ? { password_hash: hash } : {}),
              ...(role ? { role_id: role.id } : {}),
              ...(body.real_name !== undefined ? { real_name: body.real_name } : {}),
              ...(body.email !== undefined ? { email: body.email || null } : {}),
              ...(body.status !== undefined ? { status: body.status } : {}),
              ...(body.level !== undefined ? { level: body.level } : {}),
            },
            { transaction },
          );
          if (hash || body.status === 0) await revokeSessions(user.id, transaction);
          await events.updated(transaction, user, (role ?? current)!);
        }).catch(rethrowUsernameTaken);
        return ok(undefined, '更新成功');
      },
    })
    .route({
      method: 'delete',
      path: '/api/users/:id',
      summary: '删除用户（保留记录，用户名不再可用）',
      access: { permission: permissions.usersWrite },
      params: idParams,
      handler: async ({ params }, req) => {
        if (params.id === req.user!.id) throw unprocessable('不能删除当前登录的账号', 'CANNOT_DELETE_SELF');
        await inTransaction(sequelize, async (transaction) => {
          const { activeSupers, user, before } = await lockForChange(req.user!.id, params.id, transaction);
          assertKeepsASuperAdmin(activeSupers, before, 'deleted');
          await user.destroy({ transaction });
          await revokeSessions(user.id, transaction);
          await events.deleted(transaction, user);
        });
        return ok(undefined, '删除成功');
      },
    });
  return api.router;
}
