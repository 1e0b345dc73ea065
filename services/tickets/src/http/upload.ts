import { rm } from 'node:fs/promises';
import { AppError, badRequest } from '@backoffice/contracts';
import type { RequestHandler } from 'express';
import multer from 'multer';

export const UPLOAD_FIELD = 'files';
export const MAX_FILES_PER_UPLOAD = 10;

/**
 * Multipart parsing to temporary files (never whole uploads in memory), with size and count limits
 * turned into messages a person can act on. The handler owns the temp files from then on.
 */
export function receiptUpload(incomingDir: string, maxMb: number): RequestHandler {
  const parse = multer({
    dest: incomingDir,
    // browsers send file names as UTF-8 (收据.jpg), not latin1
    defParamCharset: 'utf8',
    limits: { fileSize: maxMb * 1024 * 1024, files: MAX_FILES_PER_UPLOAD, fields: 10, fieldSize: 1024 },
  }).array(UPLOAD_FIELD, MAX_FILES_PER_UPLOAD);
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return next();
      // multer removes what it wrote for a failed request only in part: clean up what is left
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      // a part multer never finished is listed without a path: remove only real files, and never let the cleanup reject
      for (const f of files) if (f.path) void rm(f.path, { force: true }).catch(() => undefined);
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, `单个文件不能超过 ${maxMb}MB`, 'FILE_TOO_LARGE', 1));
        if (err.code === 'LIMIT_FILE_COUNT' || (err.code === 'LIMIT_UNEXPECTED_FILE' && err.field === UPLOAD_FIELD)) {
          return next(badRequest(`一次最多上传 ${MAX_FILES_PER_UPLOAD} 个文件`, 'TOO_MANY_FILES'));
        }
        if (err.code === 'LIMIT_UNEXPECTED_FILE') return next(badRequest(`请使用 ${UPLOAD_FIELD} 字段上传图片`, 'UNEXPECTED_FIELD'));
        return next(badRequest('上传内容不合法', 'BAD_MULTIPART'));
      }
      next(badRequest('上传内容不合法，请使用 multipart/form-data', 'BAD_MULTIPART'));
    });
  };
}
