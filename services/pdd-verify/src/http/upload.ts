import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, badRequest } from '@backoffice/contracts';
import type { RequestHandler } from 'express';
import multer from 'multer';

export const IMPORT_FIELD = 'file';

/** One multipart file to a temporary file (never held in memory), with its size limit as a message. */
export function codeFileUpload(maxMb: number): RequestHandler {
  const dir = join(tmpdir(), 'pdd-card-imports');
  mkdirSync(dir, { recursive: true });
  const parse = multer({ dest: dir, defParamCharset: 'utf8', limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5 } }).single(IMPORT_FIELD);
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, `文件不能超过 ${maxMb}MB`, 'FILE_TOO_LARGE', 1));
        if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') return next(badRequest(`请使用 ${IMPORT_FIELD} 字段上传一个文件`, 'UNEXPECTED_FIELD'));
      }
      next(badRequest('上传内容不合法，请使用 multipart/form-data', 'BAD_MULTIPART'));
    });
  };
}
