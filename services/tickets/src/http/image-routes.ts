import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { badRequest, conflict, notFound, ok, permissions } from '@backoffice/contracts';
import { conflictOnDuplicate } from '@backoffice/kit';
import type { InferCreationAttributes } from 'sequelize';
import type { TicketImage } from '../db/models.js';
import { z } from 'zod';
import { splitDuplicates } from '../domain/receipts.js';
import { canUploadReceipts, STATUS_LABELS } from '../domain/ticket-status.js';
import { visibleTicket, workableTicket } from './access.js';
import type { TicketsDeps } from './context.js';
import { receiptUpload, UPLOAD_FIELD } from './upload.js';
import { imageView } from './views.js';

const idParams = z.object({ id: z.uuid({ error: '工单ID格式不正确' }) });

export function imageRoutes(deps: TicketsDeps) {
  const { models, storage, store, sequelize, config } = deps;
  const api = deps.router('工单回执');
  api
    .route({
      method: 'post',
      path: '/api/tickets/:id/images',
      summary: `上传回执图片（multipart 字段 ${UPLOAD_FIELD}，可多张；按文件内容判断类型；同一图片不重复保存）`,
      access: { permission: permissions.ticketsUpload },
      params: idParams,
      before: [receiptUpload(storage.incoming, config.MAX_UPLOAD_MB)],
      fileField: UPLOAD_FIELD,
      status: 201,
      handler: async ({ params }, req) => {
        const files = (req.files as Express.Multer.File[] | undefined) ?? [];
        const kept: string[] = [];
        try {
          if (!files.length) throw badRequest(`请选择要上传的图片（字段 ${UPLOAD_FIELD}）`, 'NO_FILES');
          const ticket = await workableTicket(models, req.user!, params.id, permissions.ticketsRead);
          if (!canUploadReceipts(ticket.status)) {
            throw conflict(`工单当前状态为 ${STATUS_LABELS[ticket.status]}(${ticket.status})，不能上传回执`, 'UPLOAD_NOT_ALLOWED');
          }
          // check every file before keeping any: one bad file rejects the whole upload
          const checked: Array<{ file: Express.Multer.File; type: { ext: string; mime: string }; checksum: string }> = [];
          for (const file of files) {
            const type = await storage.sniff(file.path);
            if (!type) throw badRequest(`文件「${file.originalname}」不是允许的图片类型（${config.ALLOWED_IMAGE_TYPES.join('、')}）`, 'FILE_TYPE_NOT_ALLOWED');
            checked.push({ file, type, checksum: await storage.checksum(file.path) });
          }
          const existing = new Set((await models.TicketImage.findAll({ where: { ticket_id: ticket.id }, attributes: ['checksum_sha256'] })).map((i) => i.checksum_sha256));
          const split = splitDuplicates(checked, existing);
          const fresh = split.fresh;
          const duplicates = split.duplicates.map((c) => c.file.originalname);
          const rows: Array<Omit<InferCreationAttributes<TicketImage>, 'created_at'>> = [];
          for (const c of fresh) {
            const relativePath = await storage.keep(c.file.path, ticket.id, c.type.ext);
            kept.push(relativePath);
            rows.push({
              id: randomUUID(),
              ticket_id: ticket.id,
              type: 'RECEIPT' as const,
              file_path: relativePath,
              mime_type: c.type.mime,
              size_bytes: c.file.size,
              original_name: c.file.originalname.slice(0, 255),
              checksum_sha256: c.checksum,
              uploaded_by: req.user!.id,
            });
          }
          const images = await sequelize
            .transaction(async (transaction) => {
              const created = await models.TicketImage.bulkCreate(rows, { transaction });
              if (created.length) {
                await store.audit(transaction, ticket.id, 'IMAGES_UPLOADED', { userId: req.user!.id }, { count: created.length, image_ids: created.map((i) => i.id), duplicates });
              }
              return created;
            })
            .catch(conflictOnDuplicate('相同的图片正在被同时上传，请刷新后查看', 'DUPLICATE_UPLOAD'));
          kept.length = 0;
          return ok({ uploaded: images.map(imageView), duplicates }, images.length ? '上传成功' : '图片已存在，未重复保存');
        } finally {
          await storage.discard(kept);
          await Promise.all(files.map((f) => rm(f.path, { force: true })));
        }
      },
    })
    .route({
      method: 'get',
      path: '/api/files/ticket-receipt/:id',
      summary: '下载回执图片（按图片ID；需能查看该工单）',
      access: { anyOf: [permissions.ticketsRead, permissions.ticketsOwn] },
      params: z.object({ id: z.uuid({ error: '文件ID格式不正确' }) }),
      handler: async ({ params }, req, res) => {
        const image = await models.TicketImage.findByPk(params.id);
        if (!image) throw notFound('文件不存在', 'FILE_NOT_FOUND');
        await visibleTicket(models, req.user!, image.ticket_id);
        const path = storage.absolute(image.file_path);
        const info = path ? await stat(path).catch(() => null) : null;
        if (!path || !info?.isFile()) throw notFound('文件不存在', 'FILE_NOT_FOUND');
        res.writeHead(200, {
          'content-type': image.mime_type,
          'content-length': String(info.size),
          'x-content-type-options': 'nosniff',
          'content-disposition': `inline; filename="receipt-${image.id}.${image.mime_type.split('/')[1]}"`,
          'cache-control': 'private, max-age=3600',
        });
        await new Promise<void>((resolve, reject) => {
          createReadStream(path).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
        });
      },
    });
  return api.router;
}
