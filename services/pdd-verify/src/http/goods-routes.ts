import { rm } from 'node:fs/promises';
import { AppError, badRequest, notFound, ok, permissions } from '@backoffice/contracts';
import { fileTypeFromFile } from 'file-type';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { initialStatus, VERIFY_RULES } from '../domain/rules.js';
import { importCodes } from '../imports/card-import.js';
import { csvRows, xlsxRows } from '../imports/read-codes.js';
import { pageOf, paging, type PddDeps } from './context.js';
import { IMPORT_FIELD, codeFileUpload } from './upload.js';
import { codeView, goodsView } from './views.js';

const goodsId = z.string({ error: '请填写商品ID' }).trim().regex(/^[0-9A-Za-z_-]{1,32}$/, '商品ID应为1-32位字母、数字、下划线或短横线');
const CODE_STATUSES = ['available', 'claimed', 'delivered'] as const;

export function goodsRoutes(deps: PddDeps) {
  const { sequelize, config } = deps;
  const { models, orders, codes, delivery } = deps.engine;

  const stockOf = async (ids: string[]) => {
    const stock = new Map<string, { available: number; claimed: number; delivered: number }>();
    for (const id of ids) stock.set(id, { available: 0, claimed: 0, delivered: 0 });
    if (!ids.length) return stock;
    const rows = await sequelize.query<{ goods_id: string; status: 'available' | 'claimed' | 'delivered'; n: number }>(
      `SELECT goods_id, status, COUNT(*) AS n FROM card_codes WHERE goods_id IN (${ids.map(() => '?').join(',')}) GROUP BY goods_id, status`,
      { replacements: ids, type: QueryTypes.SELECT },
    );
    for (const r of rows) stock.get(r.goods_id)![r.status] = Number(r.n);
    return stock;
  };

  const api = deps.router('商品与卡密库存');
  api
    .route({
      method: 'get',
      path: '/api/pdd/goods',
      summary: '虚拟商品配置与卡密库存（可用/已占用/已发出，低库存标记）',
      access: { permission: permissions.pddRead },
      handler: async () => {
        const goods = await models.Goods.findAll({ order: [['goods_id', 'ASC']] });
        const stock = await stockOf(goods.map((g) => g.goods_id));
        return ok(goods.map((g) => goodsView(g, stock.get(g.goods_id)!)));
      },
    })
    .route({
      method: 'put',
      path: '/api/pdd/goods/:goods_id',
      summary: '设置商品：是否虚拟商品、发货方式（卡密）、核销规则（on_delivery 发货即核销 / after_delay 延迟核销 / manual 人工核销）、低库存预警值',
      access: { permission: permissions.pddManage },
      params: z.object({ goods_id: goodsId }),
      body: z
        .object({
          goods_name: z.string({ error: '请填写商品名称' }).trim().min(1, '请填写商品名称').max(100, '商品名称不能超过100个字符'),
          is_virtual: z.boolean({ error: 'is_virtual 必须是布尔值' }).default(true),
          delivery_method: z.literal('card_code', { error: '发货方式目前只支持 card_code（卡密）' }).default('card_code'),
          verify_rule: z.enum(VERIFY_RULES, { error: `核销规则只能是 ${VERIFY_RULES.join(', ')}` }).default('manual'),
          verify_delay_minutes: z.number({ error: '延迟核销分钟数必须是整数' }).int('延迟核销分钟数必须是整数').min(0, '延迟核销分钟数不能为负').max(30 * 1440, '延迟核销最多30天').default(0),
          low_stock_threshold: z.number({ error: '低库存预警值必须是整数' }).int('低库存预警值必须是整数').min(0, '低库存预警值不能为负').max(1_000_000).optional(),
        })
        .refine((b) => b.verify_rule !== 'after_delay' || b.verify_delay_minutes > 0, { message: '延迟核销需要填写大于0的 verify_delay_minutes', path: ['verify_delay_minutes'] }),
      handler: async ({ params, body }) => {
        const values = { ...body, goods_id: params.goods_id, low_stock_threshold: body.low_stock_threshold ?? config.LOW_STOCK_THRESHOLD };
        const existing = await models.Goods.findByPk(params.goods_id);
        const goods = existing ? await existing.update(values) : await models.Goods.create(values);
        // orders that arrived before the goods was set up start now
        const released = await orders.releaseUnconfigured(goods.goods_id, initialStatus(goods) === 'pending' ? 'pending' : 'ignored');
        const stock = await stockOf([goods.goods_id]);
        return ok({ ...goodsView(goods, stock.get(goods.goods_id)!), released_orders: released }, existing ? '更新成功' : '创建成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/pdd/goods/:goods_id/codes/import',
      summary: '导入卡密/兑换码（xlsx 或 csv，第一列；流式读取；重复的卡密拒绝并在结果中列出）',
      access: { permission: permissions.pddManage },
      params: z.object({ goods_id: goodsId }),
      before: [codeFileUpload(config.CARD_IMPORT_MAX_MB)],
      fileField: IMPORT_FIELD,
      status: 201,
      handler: async ({ params }, req) => {
        const file = req.file;
        if (!file) throw badRequest(`请使用 ${IMPORT_FIELD} 字段上传 xlsx 或 csv 文件`, 'FILE_REQUIRED');
        try {
          const goods = await models.Goods.findByPk(params.goods_id);
          if (!goods) throw notFound('商品不存在，请先设置商品', 'GOODS_NOT_FOUND');
          const detected = await fileTypeFromFile(file.path);
          const isCsv = !detected && /\.(csv|txt)$/i.test(file.originalname);
          if (detected?.ext !== 'xlsx' && !isCsv) throw new AppError(415, '仅支持 xlsx 或 csv 文件', 'UNSUPPORTED_FILE_TYPE', 1);
          const report = await importCodes(models, codes, config.DATA_ENCRYPTION_KEY, goods.goods_id, isCsv ? csvRows(file.path) : xlsxRows(file.path));
          await delivery.checkStock();
          const stock = (await stockOf([goods.goods_id])).get(goods.goods_id)!;
          return ok({ ...report, stock }, `导入完成：成功 ${report.imported} 条，重复 ${report.duplicates} 条，无效 ${report.invalid} 条`);
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw badRequest('文件无法读取，请确认是有效的 xlsx 或 UTF-8 编码的 csv 文件', 'UNREADABLE_FILE');
        } finally {
          await rm(file.path, { force: true });
        }
      },
    })
    .route({
      method: 'get',
      path: '/api/pdd/goods/:goods_id/codes',
      summary: '卡密列表（脱敏显示，按状态筛选，分页）',
      access: { permission: permissions.pddRead },
      params: z.object({ goods_id: goodsId }),
      query: z.object({ status: z.enum(CODE_STATUSES, { error: `状态只能是 ${CODE_STATUSES.join(', ')}` }).optional(), ...paging }),
      handler: async ({ params, query }) => {
        const { rows, count } = await models.CardCode.findAndCountAll({
          where: { goods_id: params.goods_id, ...(query.status ? { status: query.status } : {}) },
          order: [['id', 'ASC']],
          limit: query.page_size,
          offset: (query.page - 1) * query.page_size,
        });
        return ok(pageOf(count, rows.map(codeView), query.page, query.page_size));
      },
    });
  return api.router;
}
