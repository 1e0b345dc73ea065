import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError, notFound, ok, permissions } from '@backoffice/contracts';
import { fields } from '@backoffice/kit';
import { z } from 'zod';
import type { CaseImageFields } from '../db/writer-store.js';
import { CASE_IMAGE_NAME } from '../domain/cases.js';
import { CASE_IMAGE_FIELD, caseUpload } from './case-upload.js';
import type { WriterDeps } from './writer-context.js';
import { caseImageUrl, caseView } from './writer-views.js';

const CASE_STAFF = '没有权限执行此操作，仅限超级管理员、主管、客服及质检人员';
const REQUIRED = '案例类型、标题和内容不能为空';
const idParams = z.object({ id: z.string().min(1).max(30, '案例不存在') });
const filled = (max: number, label: string) =>
  z.string({ error: REQUIRED }).trim().min(1, REQUIRED).max(max, `${label}不能超过${max}个字符`);

export function caseRoutes(deps: WriterDeps) {
  const { models, store, caseStorage: storage, config, logger } = deps;
  const tz = config.BUSINESS_TIMEZONE;
  const include = [{ model: models.CaseImage, as: 'images' }];
  const api = deps.router('案例管理');
  api
    .route({
      method: 'get',
      path: '/api/cases',
      summary: '获取案例列表（分页，可按类型筛选）',
      access: { permission: permissions.casesRead },
      deniedMessage: CASE_STAFF,
      query: z.object({ page: fields.page, pageSize: fields.pageSize, case_type: z.string().trim().max(50).optional() }),
      handler: async ({ query }) => {
        const where = query.case_type ? { case_type: query.case_type } : {};
        const total = await models.Case.count({ where });
        const rows = await models.Case.findAll({ where, include, order: [['seq', 'DESC']], limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        return ok({ total, list: rows.map((c) => caseView(c, tz)) }, '获取成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/cases/:id',
      summary: '获取案例详情',
      access: { permission: permissions.casesRead },
      deniedMessage: CASE_STAFF,
      params: idParams,
      handler: async ({ params }) => {
        const found = await models.Case.findByPk(params.id, { include });
        if (!found) throw notFound('案例不存在', 'CASE_NOT_FOUND');
        return ok(caseView(found, tz), '获取成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/cases',
      summary: `上传新案例（multipart：case_type、title、content，图片字段 ${CASE_IMAGE_FIELD} 最多10张、每张不超过${config.CASE_IMAGE_MAX_MB}MB，类型按文件内容判断）`,
      access: { permission: permissions.casesWrite },
      deniedMessage: CASE_STAFF,
      before: caseUpload(storage.incoming, config.CASE_IMAGE_MAX_MB),
      fileField: CASE_IMAGE_FIELD,
      body: z.object({ case_type: filled(50, '案例类型'), title: filled(200, '案例标题'), content: filled(20000, '案例内容') }),
      status: 201,
      handler: async ({ body }, req) => {
        const files = (req.files as Express.Multer.File[] | undefined) ?? [];
        // every file is checked before any is kept: one bad file refuses the whole case
        const types = [];
        for (const file of files) {
          const type = await storage.sniff(file.path);
          if (!type) throw new AppError(415, '图片上传失败: 只能上传图片文件!', 'NOT_AN_IMAGE', 1);
          types.push(type);
        }
        const kept: CaseImageFields[] = [];
        try {
          for (const [i, file] of files.entries()) {
            kept.push({ file_path: await storage.keep(file.path, types[i].ext), mime_type: types[i].mime, size_bytes: file.size });
          }
          const id = await store.createCase({ ...body, creator_id: req.user!.id, creator_name: req.user!.username }, kept);
          return ok({ id, images: kept.map((k) => caseImageUrl(id, k)) }, '创建成功');
        } catch (err) {
          await storage.discard(kept.map((k) => k.file_path));
          throw err;
        }
      },
    })
    .route({
      method: 'delete',
      path: '/api/cases/:id',
      summary: '删除案例及其图片文件',
      access: { permission: permissions.casesWrite },
      deniedMessage: CASE_STAFF,
      params: idParams,
      handler: async ({ params }) => {
        const paths = await store.deleteCase(params.id);
        if (!paths) throw notFound('案例不存在', 'CASE_NOT_FOUND');
        // the rows are gone first; a file that cannot be removed now is only logged (no row points to it)
        await storage.discard(paths).catch((err) => logger.warn({ err, case: params.id }, 'case image files not removed'));
        return ok(null, '删除成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/cases/:id/images/:name',
      summary: '查看案例图片',
      access: { permission: permissions.casesRead },
      deniedMessage: CASE_STAFF,
      params: z.object({ id: idParams.shape.id, name: z.string().regex(CASE_IMAGE_NAME, '文件不存在') }),
      handler: async ({ params }, _req, res) => {
        const images = await models.CaseImage.findAll({ where: { case_id: params.id } });
        const image = images.find((i) => i.file_path.split('/').pop() === params.name);
        const path = image ? storage.absolute(image.file_path) : null;
        const info = path ? await stat(path).catch(() => null) : null;
        if (!image || !path || !info?.isFile()) throw notFound('文件不存在', 'FILE_NOT_FOUND');
        res.writeHead(200, {
          'content-type': image.mime_type,
          'content-length': String(info.size),
          'x-content-type-options': 'nosniff',
          'content-disposition': `inline; filename="${params.name}"`,
          'cache-control': 'private, max-age=3600',
        });
        await new Promise<void>((resolve, reject) => {
          createReadStream(path).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
        });
      },
    });
  return api.router;
}

