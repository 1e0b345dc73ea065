import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { AppError, badRequest } from '@backoffice/contracts';
import type { RequestHandler } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer from 'multer';

export const FILE_FIELD = 'file';

/** Multipart `file` to a temporary file on disk (never in memory), with the size limit as a 413. */
export function excelUpload(incomingDir: string, maxMb: number): RequestHandler {
  const parse = multer({
    dest: incomingDir,
    defParamCharset: 'utf8',
    limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, fieldSize: 1024 },
  }).single(FILE_FIELD);
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return req.file ? next() : next(badRequest('请选择要上传的 Excel 文件（字段名 file）', 'FILE_REQUIRED'));
      // multer may leave a file entry without a path (a part it never finished): remove only a real file, and never let the cleanup reject
      void discardUpload(req.file?.path);
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, `文件不能超过 ${maxMb}MB`, 'FILE_TOO_LARGE', 1));
        if (err.code === 'LIMIT_UNEXPECTED_FILE') return next(badRequest(`请使用 ${FILE_FIELD} 字段上传一个文件`, 'UNEXPECTED_FIELD'));
        return next(badRequest('上传内容不合法', 'BAD_MULTIPART'));
      }
      next(badRequest('上传内容不合法，请使用 multipart/form-data', 'BAD_MULTIPART'));
    });
  };
}

/** Removes a temporary upload if there is one; never rejects (a failed cleanup must not become an unhandled rejection). */
export async function discardUpload(path: string | undefined): Promise<void> {
  if (typeof path === 'string' && path) await rm(path, { force: true }).catch(() => undefined);
}

/** The type read from the bytes, not the name: an .xlsx is a zip with the OOXML parts file-type recognises. */
export async function assertXlsx(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const type = await fileTypeFromBuffer(head.subarray(0, bytesRead));
    if (type?.ext !== 'xlsx') throw new AppError(415, '文件类型不正确，请上传 Excel 文件（.xlsx）', 'UNSUPPORTED_FILE_TYPE', 1);
  } finally {
    await handle.close();
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
