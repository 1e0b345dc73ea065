import { badRequest, notFound, ok, permissions } from '@backoffice/contracts';
import { containsPattern, fields } from '@backoffice/kit';
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { rate, voucherStats } from '../db/stats.js';
import type { Voucher } from '../db/models.js';
import { fenToYuan } from '../domain/money.js';
import { addDays, businessDate, MESSAGES, VOUCHER_STATUS_NAMES, VOUCHER_TYPE_NAMES, type PlatformCode } from '../domain/rules.js';
import { serverTiming } from '../timing.js';
import { remember, replayed } from './replay.js';
import type { VouchersDeps } from './context.js';
import { operatorBody, operatorOf, voucherCode } from './operator.js';
import { platformVoucherView, voucherView } from './views.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const platformCode = z.enum(['meituan', 'douyin'], { error: '平台只能是 meituan 或 douyin' });

const filters = z.object({
  keyword: z.string().trim().max(50, '关键词不能超过50个字符').optional(),
  platform_id: fields.id.optional(),
  voucher_type: z.coerce.number().int().min(0).max(3).optional(),
  status: z.coerce.number().int().min(1, '状态只能是 1-4').max(4, '状态只能是 1-4').optional(),
  start_date: date.optional(),
  end_date: date.optional(),
});
const listQuery = filters.extend({ page: fields.page, page_size: fields.pageSize });
const statsQuery = z.object({ start_date: date.optional(), end_date: date.optional(), platform_id: fields.id.optional() });

/** Beijing dates → UTC instants. */
const startOf = (d: string) => new Date(`${d}T00:00:00+08:00`);
const endOf = (d: string) => new Date(`${d}T23:59:59.999+08:00`);

export function voucherRoutes(deps: VouchersDeps) {
  const { models, verification, sync, phones, sequelize } = deps;
  const platformsById = async () => new Map((await models.Platform.findAll()).map((p) => [p.id, p]));

  const where = (q: z.infer<typeof filters>): WhereOptions<Voucher> => {
    const w: Record<string | symbol, unknown> = {};
    if (q.platform_id) w.platform_id = q.platform_id;
    if (q.voucher_type !== undefined) w.voucher_type = q.voucher_type;
    if (q.status) w.status = q.status;
    if (q.start_date || q.end_date) w.created_at = { ...(q.start_date ? { [Op.gte]: startOf(q.start_date) } : {}), ...(q.end_date ? { [Op.lte]: endOf(q.end_date) } : {}) };
    if (q.keyword) {
      // 券号 (part of it) or the buyer's full phone (looked up by its keyed hash; phones are not stored in clear)
      w[Op.or] = [{ voucher_no: { [Op.like]: containsPattern(q.keyword) } }, ...(/^1\d{10}$/.test(q.keyword) ? [{ user_phone_hash: phones.hash(q.keyword) }] : [])];
    }
    return w as WhereOptions<Voucher>;
  };

  const range = (q: { start_date?: string; end_date?: string }) => {
    const end = q.end_date ?? businessDate(new Date());
    const start = q.start_date ?? addDays(end, -29);
    if (start > end) throw badRequest('开始日期不能晚于结束日期', 'BAD_RANGE');
    return { start, end, from: startOf(start), to: endOf(end) };
  };

  const stats = async (q: z.infer<typeof statsQuery>) => {
    const r = range(q);
    const s = await voucherStats(sequelize, { from: r.from, to: r.to, platformId: q.platform_id });
    const verified = s.counts.get(2) ?? 0;
    return {
      start_date: r.start,
      end_date: r.end,
      summary: {
        total: s.total,
        verified,
        unused: s.counts.get(1) ?? 0,
        expired: s.counts.get(3) ?? 0,
        refunded: s.counts.get(4) ?? 0,
        verification_rate: rate(verified, s.total),
      },
      platforms: s.platforms.map((p) => ({
        platform_id: p.platform_id,
        platform_name: p.platform_name,
        platform_code: p.platform_code,
        count: p.n,
        verified: p.verified,
        verification_rate: rate(p.verified, p.n),
        sales: fenToYuan(p.sales),
        verified_amount: fenToYuan(p.verified_amount),
      })),
      types: s.types.map((t) => ({ voucher_type: t.voucher_type, name: VOUCHER_TYPE_NAMES[t.voucher_type] ?? '未关联产品', count: t.n, verified: t.verified, verification_rate: rate(t.verified, t.n) })),
      trend: s.trend.map((t) => ({ date: t.day, verified_count: t.n, verified_amount: fenToYuan(t.amount) })),
    };
  };

  const xlsx = (res: Response, filename: string) => {
    res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
    return new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: false, useSharedStrings: false });
  };

  const api = deps.router('券管理');
  api
    .route({
      method: 'get',
      path: '/api/v1/vouchers',
      summary: '券列表（关键词=券号或手机号、平台、类型、状态、日期范围；分页）',
      access: { permission: permissions.vouchersRead },
      query: listQuery,
      handler: async ({ query }) => {
        const { rows, count } = await models.Voucher.findAndCountAll({ where: where(query), order: [['id', 'DESC']], limit: query.page_size, offset: (query.page - 1) * query.page_size });
        const platforms = await platformsById();
        return ok({ total: count, list: rows.map((v) => voucherView(v, platforms.get(v.platform_id))), page: query.page, page_size: query.page_size });
      },
    })
    .route({
      method: 'get',
      path: '/api/v1/vouchers/stats',
      summary: '券统计：总体、平台分布（数量/核销率/销售额）、类型分布、每日核销趋势',
      access: { permission: permissions.vouchersStats },
      query: statsQuery,
      handler: async ({ query }) => ok(await stats(query)),
    })
    .route({
      method: 'get',
      path: '/api/v1/vouchers/stats/export',
      summary: '导出统计报表（xlsx）',
      access: { permission: permissions.vouchersStats },
      query: statsQuery,
      handler: async ({ query }, _req, res) => {
        const s = await stats(query);
        const book = xlsx(res, `券统计_${s.start_date}_${s.end_date}.xlsx`);
        const sheet = (name: string, header: string[], rows: unknown[][]) => {
          const ws = book.addWorksheet(name);
          ws.addRow(header).commit();
          for (const r of rows) ws.addRow(r).commit();
          ws.commit();
        };
        const m = s.summary;
        sheet('总体', ['总券数', '已核销', '未核销', '已过期', '已退款', '核销率(%)'], [[m.total, m.verified, m.unused, m.expired, m.refunded, m.verification_rate]]);
        sheet('平台分布', ['平台', '券数量', '已核销', '核销率(%)', '销售额', '核销金额'], s.platforms.map((p) => [p.platform_name, p.count, p.verified, p.verification_rate, p.sales, p.verified_amount]));
        sheet('类型分布', ['券类型', '券数量', '已核销', '核销率(%)'], s.types.map((t) => [t.name, t.count, t.verified, t.verification_rate]));
        sheet('核销趋势', ['日期', '核销数量', '核销金额'], s.trend.map((t) => [t.date, t.verified_count, t.verified_amount]));
        await book.commit();
      },
    })
    .route({
      method: 'get',
      path: '/api/v1/vouchers/export',
      summary: '批量导出券列表（xlsx，按列表的筛选条件，流式写出）',
      access: { permission: permissions.vouchersRead },
      query: filters,
      handler: async ({ query }, _req, res) => {
        const platforms = await platformsById();
        const book = xlsx(res, `券列表_${businessDate(new Date())}.xlsx`);
        const ws = book.addWorksheet('券列表');
        ws.addRow(['券号', '平台', '券类型', '产品名称', '原价', '实付价', '购买用户', '手机号', '状态', '过期日期', '核销时间']).commit();
        const base = where(query);
        // keyset pages: constant memory however many rows match
        for (let lastId = Number.MAX_SAFE_INTEGER; ; ) {
          const rows = await models.Voucher.findAll({ where: { [Op.and]: [base, { id: { [Op.lt]: lastId } }] }, order: [['id', 'DESC']], limit: 500 });
          for (const v of rows) {
            const view = voucherView(v, platforms.get(v.platform_id));
            ws.addRow([view.voucher_no, view.platform_name, view.voucher_type_name, view.product_name, view.original_price, view.paid_price, view.user_name, view.user_phone, VOUCHER_STATUS_NAMES[v.status], view.expire_date, v.verified_at ? new Date(v.verified_at).toISOString() : '']).commit();
          }
          if (rows.length < 500) break;
          lastId = rows[rows.length - 1].id;
        }
        ws.commit();
        await book.commit();
      },
    })
    .route({
      method: 'get',
      path: '/api/v1/vouchers/reconciliation',
      summary: '最近一次对账结果（本地与平台状态不一致的券）',
      access: { permission: permissions.vouchersStats },
      handler: async () => ok(await sync.latestReconciliation()),
    })
    .route({
      method: 'post',
      path: '/api/v1/vouchers/reconciliation',
      summary: '立即对账（最近7天）',
      access: { permission: permissions.platformsManage },
      body: z.object({ platform: platformCode.optional() }),
      handler: async ({ body }) => {
        const out = [];
        for (const row of await sync.enabledPlatforms(body.platform)) out.push(await sync.reconcile(row));
        return ok(out, '对账完成');
      },
    })
    .route({
      method: 'post',
      path: '/api/v1/vouchers/sync',
      summary: '手动同步平台订单（最近2天）',
      access: { permission: permissions.platformsManage },
      body: z.object({ platform: platformCode.optional() }),
      handler: async ({ body }) => {
        const out = [];
        for (const row of await sync.enabledPlatforms(body.platform)) out.push(await sync.sync(row));
        return ok(out, '同步完成');
      },
    })
    .route({
      method: 'post',
      path: '/api/v1/vouchers/verify',
      summary: '核销券（平台按券号识别，或传 platform）',
      access: { permission: permissions.vouchersVerify },
      body: z.object({ ...operatorBody, platform: platformCode.optional() }),
      handler: async ({ body }, req, res) => {
        const operator = operatorOf(req, body.operator_id);
        const earlier = await replayed(deps.sequelize, req);
        if (earlier) return earlier;
        const r = await verification.verify(body.voucher_code, operator, body.platform).finally(() => res.setHeader('server-timing', serverTiming()));
        const answer = ok(r, r.message);
        await remember(deps.sequelize, req, answer);
        return answer;
      },
    })
    .route({
      method: 'post',
      path: '/api/v1/vouchers/cancel',
      summary: '撤销核销（美团10分钟内、抖音1小时内）',
      access: { permission: permissions.vouchersCancel },
      body: z.object(operatorBody),
      handler: async ({ body }, req) => {
        const r = await verification.cancel(body.voucher_code, operatorOf(req, body.operator_id));
        return ok(r, r.message);
      },
    })
    .route({
      method: 'get',
      path: '/api/v1/vouchers/no/:code',
      summary: '根据券号查询（本地记录；尚未同步的券向平台查询）',
      access: { permission: permissions.vouchersRead },
      params: z.object({ code: voucherCode }),
      handler: async ({ params }) => {
        const v = await models.Voucher.findOne({ where: { voucher_no: params.code } });
        if (v) return ok(voucherView(v, await models.Platform.findByPk(v.platform_id)));
        // not synced yet: ask the platform the code's prefix names (券码错误 when none does)
        if (!/^(MT|DY)/i.test(params.code)) throw notFound(MESSAGES.notFound, 'VOUCHER_NOT_FOUND');
        const preview = await verification.preview(params.code);
        return ok({ id: null, ...platformVoucherView(preview.platform.platform_code as PlatformCode, preview.voucher, preview.product) });
      },
    })
    .route({
      method: 'get',
      path: '/api/v1/vouchers/:id',
      summary: '券详情（含核销记录）',
      access: { permission: permissions.vouchersRead },
      params: z.object({ id: fields.id }),
      handler: async ({ params }) => {
        const v = await models.Voucher.findByPk(params.id);
        if (!v) throw notFound('券不存在', 'VOUCHER_NOT_FOUND');
        const logs = await models.VerificationLog.findAll({ where: { voucher_id: v.id }, order: [['id', 'ASC']] });
        return ok({ ...voucherView(v, await models.Platform.findByPk(v.platform_id)), logs });
      },
    });
  return api.router;
}
