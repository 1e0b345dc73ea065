import { badRequest, conflict, forbidden, notFound, ok, roleCodes } from '@backoffice/contracts';
import { Router } from 'express';
import { type Transaction, UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { inTransaction, parseInput } from '@backoffice/kit';
import { lockActiveSuperAdmins } from '../db/authority.js';
import { assertKeepsASuperAdmin, isSuperRole } from '../domain/grants.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../domain/passwords.js';
import { LEVEL_VALUES, USERNAME_PATTERN } from '../domain/rules.js';
import type { IdentityDeps } from './context.js';
import { requireInternalToken } from './internal-auth.js';

/** The roles other services open accounts with (writing-orders: writers; virtual-orders: its customer service). */
export const INTERNAL_ROLE_CODES: readonly string[] = [roleCodes.writer, roleCodes.virtualCustomerService];

const accountBody = z.object({
  username: z.string().trim().regex(USERNAME_PATTERN, '用户名须为 3-50 位字母、数字或 _ . @ -'),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(128),
  real_name: z.string().trim().max(50).nullish(),
  role_code: z.string().refine((code) => INTERNAL_ROLE_CODES.includes(code), `内部接口只能创建以下角色的账号：${INTERNAL_ROLE_CODES.join('、')}`),
  level: z.number().int().refine((v) => LEVEL_VALUES.includes(v), '用户级别不合法').default(0),
});

/**
 * Calls from other services (never routed by the gateway):
 * - POST /internal/accounts creates an account once per username (a repeat answers the same account);
 * - GET /internal/stats gives the counts /api/statistics shows.
 */
export function internalRoutes(deps: IdentityDeps) {
  const { models, sequelize, events } = deps;
  const router = Router();
  router.use('/internal', requireInternalToken(deps.config.INTERNAL_API_TOKEN));

  router.post('/internal/accounts', async (req, res) => {
    const body = parseInput(accountBody, req.body);
    const role = await models.Role.findOne({ where: { code: body.role_code } });
    if (!role) throw badRequest('角色不存在', 'ROLE_NOT_FOUND');
    // the whitelisted roles are editable in /api/roles: one that was given `*` is still refused here
    if (isSuperRole(role.permissions)) throw forbidden('内部接口不能创建超级管理员账号', 'SUPER_ADMIN_ONLY');
    const existing = await models.User.findOne({ where: { username: body.username }, paranoid: false });
    const answer = (user: { id: number; username: string; role_id: number }, created: boolean) =>
      res.status(created ? 201 : 200).json(ok({ id: user.id, username: user.username, created }, created ? '创建成功' : '账号已存在'));
    if (existing) {
      if (existing.deleted_at) throw conflict('该用户名属于已删除的账号，不能再使用', 'USERNAME_RETIRED');
      return answer(existing, false);
    }
    const hash = await hashPassword(body.password);
    try {
      const user = await sequelize.transaction(async (transaction) => {
        const created = await models.User.create(
          { username: body.username, password_hash: hash, role_id: role.id, real_name: body.real_name ?? null, email: null, status: 1, level: body.level },
          { transaction },
        );
        await events.created(transaction, created, role);
        return created;
      });
      answer(user, true);
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
      answer((await models.User.findOne({ where: { username: body.username } }))!, false);
    }
  });

  // virtual-orders' dedicated customer service (level 6): list, look up, update, soft delete
  const accountView = (user: { id: number; username: string; real_name: string | null; status: number; level: number; role_id: number; created_at: unknown; deleted_at?: unknown }) => ({
    id: user.id,
    username: user.username,
    real_name: user.real_name,
    status: Number(user.status),
    level: Number(user.level),
    role_id: user.role_id,
    created_at: user.created_at,
    deleted: !!user.deleted_at,
  });
  const accountQuery = z.object({
    level: z.coerce.number().int(),
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().min(1).max(200).default(20),
  });
  // required: a caller names the kind of account it manages, so it cannot reach any other account
  const levelGuard = z.object({ level: z.coerce.number({ error: '缺少账号级别 level' }).int() });
  const accountUpdate = z.object({ real_name: z.string().trim().min(1).max(50).optional(), status: z.union([z.literal(0), z.literal(1)]).optional() });
  /**
   * The account, locked in the transaction of the change (after the active super admins, as
   * /api/users does), refused when it is not of the level the caller manages or is a super admin.
   */
  const managedAccount = async (rawId: string, level: number, transaction: Transaction) => {
    const activeSupers = (await lockActiveSuperAdmins(models, transaction)).length;
    const id = Number(rawId);
    const user = Number.isInteger(id) && id > 0 ? await models.User.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE }) : null;
    if (!user) throw notFound('账号不存在', 'ACCOUNT_NOT_FOUND');
    if (Number(user.level) !== level) throw conflict('该账号不属于此类账号，不能在此修改', 'ACCOUNT_LEVEL_MISMATCH');
    const role = await models.Role.findByPk(user.role_id, { transaction, paranoid: false });
    const before = { super: isSuperRole(role?.permissions ?? []), active: Number(user.status) === 1 };
    if (before.super) throw forbidden('内部接口不能修改或删除超级管理员账号', 'SUPER_ADMIN_ONLY');
    return { user, role, activeSupers, before };
  };

  router.get('/internal/accounts', async (req, res) => {
    const query = parseInput(accountQuery, req.query);
    const { rows, count } = await models.User.findAndCountAll({ where: { level: query.level }, order: [['id', 'ASC']], limit: query.size, offset: (query.page - 1) * query.size });
    res.json(ok({ total: count, list: rows.map(accountView), page: query.page, size: query.size }));
  });

  router.get('/internal/accounts/by-username/:username', async (req, res) => {
    const user = await models.User.findOne({ where: { username: String(req.params.username) }, paranoid: false });
    if (!user) throw notFound('账号不存在', 'ACCOUNT_NOT_FOUND');
    const role = await models.Role.findByPk(user.role_id);
    res.json(ok({ ...accountView(user), role: role?.code ?? null }));
  });

  router.put('/internal/accounts/:id', async (req, res) => {
    const { level } = parseInput(levelGuard, req.query);
    const body = parseInput(accountUpdate, req.body);
    const user = await inTransaction(sequelize, async (transaction) => {
      const { user, role, activeSupers, before } = await managedAccount(String(req.params.id), level, transaction);
      assertKeepsASuperAdmin(activeSupers, before, { super: before.super, active: (body.status ?? Number(user.status)) === 1 });
      await user.update({ ...(body.real_name !== undefined ? { real_name: body.real_name } : {}), ...(body.status !== undefined ? { status: body.status } : {}) }, { transaction });
      if (body.status === 0) await models.RefreshToken.update({ revoked_at: new Date() }, { where: { user_id: user.id, revoked_at: null }, transaction });
      await events.updated(transaction, user, role!);
      return user;
    });
    res.json(ok(accountView(user), '更新成功'));
  });

  router.delete('/internal/accounts/:id', async (req, res) => {
    const { level } = parseInput(levelGuard, req.query);
    const id = Number(req.params.id);
    const gone = Number.isInteger(id) ? await models.User.findByPk(id, { paranoid: false }) : null;
    // a repeated delete answers the same: the account is gone
    if (gone?.deleted_at) return res.json(ok(accountView(gone), '删除成功'));
    const user = await inTransaction(sequelize, async (transaction) => {
      const { user, activeSupers, before } = await managedAccount(String(req.params.id), level, transaction);
      assertKeepsASuperAdmin(activeSupers, before, 'deleted');
      await user.destroy({ transaction });
      await models.RefreshToken.update({ revoked_at: new Date() }, { where: { user_id: user.id, revoked_at: null }, transaction });
      await events.deleted(transaction, user);
      return user;
    });
    res.json(ok(accountView(user), '删除成功'));
  });

  router.get('/internal/stats', async (_req, res) => {
    const [userCount, roleCount, menuCount] = await Promise.all([models.User.count(), models.Role.count(), models.Menu.count()]);
    res.json(ok({ userCount, roleCount, menuCount }));
  });
  return router;
}
