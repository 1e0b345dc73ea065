import { rm } from 'node:fs/promises';
import { AppError, badRequest } from '@backoffice/contracts';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { MAX_CASE_IMAGES } from '../domain/cases.js';

export const CASE_IMAGE_FIELD = 'images';

const uploadedFiles = (req: Parameters<RequestHandler>[0]) => (req.files as Express.Multer.File[] | undefined) ?? [];
/** A part multer never finished is listed without a path; a cleanup must never reject (nobody awaits it). */
const discardUploads = (req: Parameters<RequestHandler>[0]) => {
  for (const f of uploadedFiles(req)) if (f.path) void rm(f.path, { force: true }).catch(() => undefined);
};

/**
 * Multipart parsing to temporary files (never whole uploads in memory) with the seed's limits and
 * messages. Whatever is still in the temp folder when the response is sent is removed then, so a
 * request refused by validation leaves nothing behind.
 */
export function caseUpload(incomingDir: string, maxMb: number): RequestHandler[] {
  const parse = multer({
    dest: incomingDir,
    defParamCharset: 'utf8',
    limits: { fileSize: maxMb * 1024 * 1024, files: MAX_CASE_IMAGES, fields: 10, fieldSize: 256 * 1024 },
  }).array(CASE_IMAGE_FIELD, MAX_CASE_IMAGES);
  const cleanup: RequestHandler = (req, res, next) => {
    res.on('close', () => discardUploads(req));
    next();
  };
  const upload: RequestHandler = (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return next();
      discardUploads(req);
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, `图片上传失败: 单张图片不能超过${maxMb}MB`, 'FILE_TOO_LARGE', 1));
        if (err.code === 'LIMIT_FILE_COUNT' || (err.code === 'LIMIT_UNEXPECTED_FILE' && err.field === CASE_IMAGE_FIELD)) {
          return next(badRequest(`图片上传失败: 最多上传${MAX_CASE_IMAGES}张图片`, 'TOO_MANY_FILES'));
        }
        if (err.code === 'LIMIT_FIELD_VALUE') return next(badRequest('案例内容过长', 'FIELD_TOO_LONG'));
        if (err.code === 'LIMIT_UNEXPECTED_FILE') return next(badRequest(`图片上传失败: 请使用 ${CASE_IMAGE_FIELD} 字段上传图片`, 'UNEXPECTED_FIELD'));
        return next(badRequest('图片上传失败: 上传内容不合法', 'BAD_MULTIPART'));
      }
      next(badRequest('图片上传失败: 上传内容不合法', 'BAD_MULTIPART'));
    });
  };
  return [cleanup, upload];
}
