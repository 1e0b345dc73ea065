import { createReadStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, badRequest, ok, permissions } from '@backoffice/contracts';
import { runIdempotent } from '@backoffice/kit';
import type { RequestHandler } from 'express';
import { fileTypeFromFile } from 'file-type';
import multer from 'multer';
import { z } from 'zod';
import { CHANNELS } from '../domain/bill-rows.js';
import { importBills } from '../imports/bill-import.js';
import type { OrderDeps } from './order-context.js';

export const IMPORT_FIELD = 'file';

/** One bill file to a temporary file on disk, size-limited, with messages a person can act on. */
function billUpload(dir: string, maxMb: number): RequestHandler {
  const parse = multer({ dest: dir, defParamCharset: 'utf8', limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, fieldSize: 256 } }).single(IMPORT_FIELD);
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (!err) return next();
      if (req.file?.path) void rm(req.file.path, { force: true }).catch(() => undefined);
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, `账单文件不能超过 ${maxMb}MB`, 'FILE_TOO_LARGE', 1));
        return next(badRequest(`请用 ${IMPORT_FIELD} 字段上传一个账单文件`, 'BAD_MULTIPART'));
      }
      next(badRequest('上传内容不合法，请使用 multipart/form-data', 'BAD_MULTIPART'));
    });
  };
}

/** The kind of a bill file from its bytes: xlsx (a zip workbook) or plain text (csv); anything else is refused. */
async function billKind(path: string): Promise<'xlsx' | 'csv' | null> {
  const type = await fileTypeFromFile(path);
  if (type?.ext === 'xlsx') return 'xlsx';
  if (type) return null;
  // no magic number: accept text without NUL bytes as CSV
  for await (const chunk of createReadStream(path, { start: 0, end: 8191 })) if ((chunk as Buffer).includes(0)) return null;
  return 'csv';
}

/** POST /api/orders/import: Alipay / WeCom bill exports into the orders table. */
export function importRoutes(deps: OrderDeps) {
  const { sequelize, config } = deps;
  const dir = join(tmpdir(), 'writing-orders-imports');
  mkdirSync(dir, { recursive: true });
  const api = deps.router('订单');
  api.route({
    method: 'post',
    path: '/api/orders/import',
    summary: '导入支付宝/企业微信账单（.xlsx 或 .csv，按订单编号更新或新增；返回逐行拒绝原因；支持 Idempotency-Key）',
    access: { permission: permissions.ordersSettle },
    deniedMessage: '您没有权限执行此操作，仅限超级管理员和财务角色',
    before: [billUpload(dir, config.ORDER_IMPORT_MAX_MB)],
    fileField: IMPORT_FIELD,
    body: z.object({ channel: z.enum(CHANNELS, { error: `渠道只能是 ${CHANNELS.join('/')}` }).optional() }),
    handler: async ({ body }, req, res) => {
      const file = req.file;
      try {
        if (!file) throw badRequest(`请用 ${IMPORT_FIELD} 字段上传账单文件（.xlsx 或 .csv）`, 'FILE_REQUIRED');
        const kind = await billKind(file.path);
        if (!kind) throw new AppError(415, '只支持 .xlsx 或 .csv 格式的账单文件', 'UNSUPPORTED_FILE_TYPE', 1);
        const result = await runIdempotent(sequelize, `orders.import:${req.user!.id}`, req.get('idempotency-key') ?? undefined, async (transaction) => {
          try {
            const report = await importBills(sequelize, transaction, { path: file.path, kind }, { zone: config.BUSINESS_TIMEZONE, channel: body.channel ?? null });
            return { status: 200, body: ok(report, `导入完成：新增 ${report.inserted} 条，更新 ${report.updated} 条，未变 ${report.unchanged} 条，拒绝 ${report.rejected} 条`) };
          } catch (err) {
            if ((err as { noHeader?: boolean }).noHeader) throw badRequest('文件中没有找到表头（至少需要“订单编号”列）', 'NO_HEADER');
            throw err;
          }
        });
        if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.status(result.status);
        return result.body;
      } finally {
        if (file) await rm(file.path, { force: true });
      }
    },
  });
  return api.router;
}
