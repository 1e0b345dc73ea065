import { randomUUID } from 'node:crypto';
import { AppError, forbidden, notFound, ok, tooMany, unauthorized } from '@backoffice/contracts';
import { Op } from 'sequelize';
import { z } from 'zod';
import { decoyHash, verifyPassword } from '../domain/passwords.js';
import { loginThrottle, USER_STATUS } from '../domain/rules.js';
import type { Role, User } from '../db/models.js';
import { userInfo } from '../db/queries.js';
import type { IdentityDeps } from './context.js';

const loginBody = z.object({
  username: z.string({ error: '用户名和密码不能为空' }).trim().min(1, '用户名和密码不能为空').max(50, '用户名或密码错误'),
  password: z.string({ error: '用户名和密码不能为空' }).min(1, '用户名和密码不能为空').max(128, '用户名或密码错误'),
});
const refreshBody = z.object({ refreshToken: z.string({ error: 'refreshToken 不能为空' }).min(1, 'refreshToken 不能为空').max(4096) });

export function authRoutes(deps: IdentityDeps) {
  const { models, tokens, config } = deps;

  const issue = async (user: User, role: Role, family: string = randomUUID()) => {
    const access = await tokens.access({ id: user.id, username: user.username, role_id: role.id, role: role.code ?? role.role_name, level: Number(user.level), permissions: role.permissions });
    const refresh = await tokens.refresh(user.id, family);
    await models.RefreshToken.create({ jti: refresh.jti, user_id: user.id, family, expires_at: refresh.expiresAt });
    return { token: access.token, refreshToken: refresh.token, expires: access.expires };
  };

  const recentFailures = async (username: string, ip: string) => {
    const since = new Date(Date.now() - config.LOGIN_FAILURE_WINDOW_MINUTES * 60_000);
    const [account, fromIp] = await Promise.all([
      models.LoginFailure.count({ where: { username, created_at: { [Op.gte]: since } } }),
      models.LoginFailure.count({ where: { ip, created_at: { [Op.gte]: since } } }),
    ]);
    return { account, ip: fromIp };
  };

  const api = deps.router('认证');
  api
    .route({
      method: 'post',
      path: '/api/auth/login',
      summary: '用户登录获取令牌',
      access: 'public',
      body: loginBody,
      handler: async ({ body }, req) => {
        const ip = req.ip ?? 'unknown';
        const limits = { account: config.LOGIN_MAX_FAILURES_PER_ACCOUNT, ip: config.LOGIN_MAX_FAILURES_PER_IP, windowMinutes: config.LOGIN_FAILURE_WINDOW_MINUTES };
        const throttled = loginThrottle(await recentFailures(body.username, ip), limits);
        if (throttled) throw tooMany(throttled, 'LOGIN_THROTTLED');

        const user = await models.User.findOne({ where: { username: body.username } });
        const valid = await verifyPassword(body.password, user?.password_hash ?? (await decoyHash()));
        if (!user || !valid) {
          await models.LoginFailure.create({ username: body.username, ip });
          throw new AppError(401, '用户名或密码错误', 'BAD_CREDENTIALS');
        }
        if (Number(user.status) !== USER_STATUS.enabled) throw forbidden('账号已被禁用，请联系管理员', 'ACCOUNT_DISABLED');
        await models.LoginFailure.destroy({ where: { username: body.username } });
        const role = await models.Role.findByPk(user.role_id);
        if (!role) throw forbidden('账号未分配角色，请联系管理员', 'NO_ROLE');
        return ok({ ...(await issue(user, role)), userInfo: await userInfo(models, user, role) }, '登录成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/auth/refresh',
      summary: '用刷新令牌换取新令牌（刷新令牌只能使用一次）',
      access: 'public',
      body: refreshBody,
      handler: async ({ body }) => {
        const claims = await tokens.verifyRefresh(body.refreshToken);
        const now = new Date();
        // claim the token: exactly one concurrent use can flip used_at
        const [claimed] = await models.RefreshToken.update(
          { used_at: now },
          { where: { jti: claims.jti, used_at: null, revoked_at: null, expires_at: { [Op.gt]: now } } },
        );
        if (claimed !== 1) {
          const row = await models.RefreshToken.findByPk(claims.jti);
          if (row?.used_at) {
            // a used token came back: someone else may hold the chain; end it
            await models.RefreshToken.update({ revoked_at: now }, { where: { family: row.family, revoked_at: null } });
            throw unauthorized('刷新令牌已被使用，请重新登录', 'REFRESH_REUSED');
          }
          throw unauthorized('登录已失效，请重新登录', 'REFRESH_REVOKED');
        }
        const user = await models.User.findByPk(claims.userId);
        if (!user) throw unauthorized('用户不存在', 'USER_GONE');
        if (Number(user.status) !== USER_STATUS.enabled) throw forbidden('账号已被禁用，请联系管理员', 'ACCOUNT_DISABLED');
        const role = await models.Role.findByPk(user.role_id);
        if (!role) throw forbidden('账号未分配角色，请联系管理员', 'NO_ROLE');
        return ok(await issue(user, role, claims.family), '刷新成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/auth/logout',
      summary: '退出登录（作废刷新令牌）',
      access: 'authenticated',
      body: refreshBody,
      handler: async ({ body }, req) => {
        const claims = await tokens.verifyRefresh(body.refreshToken).catch(() => null);
        if (claims && claims.userId === req.user!.id) {
          await models.RefreshToken.update({ revoked_at: new Date() }, { where: { family: claims.family, revoked_at: null } });
        }
        return ok(undefined, '退出成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/auth/userInfo',
      summary: '获取当前登录用户的详细信息',
      access: 'authenticated',
      handler: async (_input, req) => {
        const user = await models.User.findByPk(req.user!.id);
        if (!user) throw notFound('用户不存在', 'USER_NOT_FOUND');
        const role = await models.Role.findByPk(user.role_id);
        if (!role) throw notFound('用户不存在', 'USER_NOT_FOUND');
        return ok(await userInfo(models, user, role));
      },
    });
  // the public keys every other service verifies access tokens with
  api.router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(tokens.jwks);
  });
  return api.router;
}
