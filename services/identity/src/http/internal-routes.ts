import { badRequest, conflict, ok } from '@backoffice/contracts';
import { Router } from 'express';
import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { parseInput } from '@backoffice/kit';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../domain/passwords.js';
import { LEVEL_VALUES, USERNAME_PATTERN } from '../domain/rules.js';
import type { IdentityDeps } from './context.js';
import { requireInternalToken } from './internal-auth.js';

const accountBody = z.object({
  username: z.string().trim().regex(USERNAME_PATTERN, '用户名须为 3-50 位字母、数字或 _ . @ -'),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(128),
  real_name: z.string().trim().max(50).nullish(),
  role_code: z.string().min(1).max(50),
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

  router.get('/internal/stats', async (_req, res) => {
    const [userCount, roleCount, menuCount] = await Promise.all([models.User.count(), models.Role.count(), models.Menu.count()]);
    res.json(ok({ userCount, roleCount, menuCount }));
  });
  return router;
}
