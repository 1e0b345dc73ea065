/**
 * An error a client can act on. `message` is shown to a person (seed texts verbatim);
 * `reason` is for programs. `code` stays 1 for the seeds' business errors.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly code: number = 1,
    readonly details?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, reason = 'BAD_REQUEST', details?: AppError['details']) =>
  new AppError(400, message, reason, 1, details);
export const unauthorized = (message = '请先登录', reason = 'UNAUTHENTICATED') => new AppError(401, message, reason, 401);
export const forbidden = (message = '您没有权限执行此操作', reason = 'FORBIDDEN') => new AppError(403, message, reason, 1);
export const notFound = (message: string, reason = 'NOT_FOUND') => new AppError(404, message, reason, 1);
export const conflict = (message: string, reason = 'CONFLICT') => new AppError(409, message, reason, 1);
export const unprocessable = (message: string, reason = 'BUSINESS_RULE') => new AppError(422, message, reason, 1);
export const tooMany = (message: string, reason = 'TOO_MANY_REQUESTS') => new AppError(429, message, reason, 429);
export const unavailable = (message: string, reason = 'UPSTREAM_UNAVAILABLE') => new AppError(503, message, reason, 503);
