import { AppError, type ErrorBody } from '@backoffice/contracts';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ValidationError as SequelizeValidationError, UniqueConstraintError } from 'sequelize';
import { ZodError } from 'zod';
import { zodIssuesToDetails } from './validation.js';

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, `接口不存在：${req.method} ${req.path}`, 'ROUTE_NOT_FOUND', 404));
};

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  limit?: number;
  expose?: boolean;
}

/** Turns anything thrown into the error envelope. Never sends a stack trace or SQL to the client. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return { status: err.status, body: { code: err.code, message: err.message, reason: err.reason, ...(err.details ? { details: err.details } : {}) } };
  }
  if (err instanceof ZodError) {
    const details = zodIssuesToDetails(err.issues);
    return { status: 400, body: { code: 1, message: details[0]?.message ?? '参数不合法', reason: 'VALIDATION_FAILED', details } };
  }
  if (err instanceof UniqueConstraintError) {
    return { status: 409, body: { code: 1, message: '记录已存在', reason: 'DUPLICATE' } };
  }
  if (err instanceof SequelizeValidationError) {
    return { status: 400, body: { code: 1, message: '数据不合法', reason: 'VALIDATION_FAILED' } };
  }
  const e = (err ?? {}) as HttpishError;
  if (e.type === 'entity.too.large') {
    return { status: 413, body: { code: 413, message: `请求体过大，最多 ${Math.floor((e.limit ?? 0) / 1024)} KB`, reason: 'PAYLOAD_TOO_LARGE' } };
  }
  if (e.type === 'entity.parse.failed') {
    return { status: 400, body: { code: 400, message: '请求体不是合法的 JSON', reason: 'MALFORMED_JSON' } };
  }
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return { status: 415, body: { code: 415, message: '不支持的请求编码', reason: 'UNSUPPORTED_ENCODING' } };
  }
  const status = e.status ?? e.statusCode;
  if (status && status >= 400 && status < 500) {
    return { status, body: { code: status, message: '请求不合法', reason: 'BAD_REQUEST' } };
  }
  return { status: 500, body: { code: 500, message: '服务器内部错误，请稍后重试', reason: 'INTERNAL' } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) logger.error({ err, requestId: req.requestId, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}
