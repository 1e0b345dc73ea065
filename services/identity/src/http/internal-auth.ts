import { timingSafeEqual } from 'node:crypto';
import { unauthorized } from '@backoffice/contracts';
import type { RequestHandler } from 'express';

/** /internal/* is for other services only (the gateway never routes it): they send x-internal-token. */
export function requireInternalToken(expected: string): RequestHandler {
  const want = Buffer.from(expected);
  return (req, _res, next) => {
    const got = Buffer.from(req.get('x-internal-token') ?? '');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return next(unauthorized('内部接口需要有效的 x-internal-token', 'INTERNAL_TOKEN_INVALID'));
    next();
  };
}
