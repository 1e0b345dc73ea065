import { AppError, ok } from '@backoffice/contracts';
import { rateLimit } from 'express-rate-limit';
import type { WriterDeps } from './writer-context.js';
import { writerFields } from './writer-routes.js';
import { writerCreateBody } from './writer-schemas.js';

/** Anyone may register as a writer: no login, a limited number per IP and minute. */
export function openRegistrationRoutes(deps: WriterDeps) {
  const { store, config } = deps;
  // keyed by the client IP Express reports (req.ip; trusted proxies decide what that is)
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: config.WRITER_REGISTRATION_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => void res.status(429).json({ code: 1, message: '请求过于频繁，请稍后再试', reason: 'RATE_LIMITED' }),
  });
  const api = deps.router('写手管理');
  api.route({
    method: 'post',
    path: '/api/writers/open',
    summary: `开放写手注册（无需登录；每个IP每分钟最多${config.WRITER_REGISTRATION_RATE_LIMIT_PER_MINUTE}次；字段与新增写手一致）`,
    access: 'public',
    before: [limiter],
    body: writerCreateBody,
    status: 201,
    handler: async ({ body }, req) => {
      try {
        const writer = await store.createWriter(writerFields(deps, { ...body, ip_address: body.ip_address ?? req.ip ?? null }, '开放注册'));
        return ok({ id: writer.id, writer_id: writer.writer_id }, '添加成功');
      } catch (err) {
        if (err instanceof AppError) throw err;
        // the seed's answer for anything unexpected on this public form; the cause stays in the log
        deps.logger.error({ err }, 'open writer registration failed');
        throw new AppError(500, '服务器错误', 'INTERNAL', 1);
      }
    },
  });
  return api.router;
}
