import { badRequest, ok, permissions } from '@backoffice/contracts';
import { z } from 'zod';
import { businessDate, effectPreview, PLATFORM_NAMES, type PlatformCode } from '../domain/rules.js';
import { serverTiming } from '../timing.js';
import { remember, replayed } from './replay.js';
import type { VouchersDeps } from './context.js';
import { operatorBody, operatorOf, voucherCode } from './operator.js';
import { platformVoucherView } from './views.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

/** /api/v1/meituan/* and /api/v1/douyin/*: the seed's per-platform routes. */
export function channelRoutes(deps: VouchersDeps, platform: PlatformCode) {
  const { verification, registry, models } = deps;
  const name = PLATFORM_NAMES[platform];
  const base = `/api/v1/${platform}`;
  const api = deps.router(`${name}对接`);
  api
    .route({
      method: 'post',
      path: `${base}/auth`,
      summary: platform === 'meituan' ? '美团授权（用 auth_code 换取 session，存库）' : '抖音授权（获取 client_token，存库）',
      access: { permission: permissions.platformsManage },
      body: z.object({ auth_code: z.string().trim().min(1).max(200).optional() }),
      handler: async ({ body }) => {
        const { client } = await registry.client(platform);
        return ok(await client.authorize(body.auth_code), '授权成功');
      },
    })
    .route({
      method: 'get',
      path: `${base}/voucher/:code`,
      summary: `查询${name}券信息（并按手机号匹配会员）`,
      access: { permission: permissions.vouchersRead },
      params: z.object({ code: voucherCode }),
      handler: async ({ params }) => {
        const { voucher, product } = await verification.preview(params.code, platform);
        const member = voucher.phone ? await models.Member.findOne({ where: { phone_hash: deps.phones.hash(voucher.phone) } }) : null;
        const card = member ? await models.MemberCard.findOne({ where: { member_id: member.id, status: 1 }, order: [['end_date', 'DESC']] }) : null;
        return ok({
          ...platformVoucherView(platform, voucher, product),
          effect: product ? effectPreview(product, businessDate(new Date()), card) : null,
          member: member ? { exists: true, id: member.id, name: member.name, phone: member.phone_masked } : { exists: false, hint: '该手机号尚无会员，核销时将自动创建' },
        });
      },
    })
    .route({
      method: 'post',
      path: `${base}/verify`,
      summary: `核销${name}券`,
      access: { permission: permissions.vouchersVerify },
      body: z.object(operatorBody),
      handler: async ({ body }, req, res) => {
        const operator = operatorOf(req, body.operator_id);
        const earlier = await replayed(deps.sequelize, req);
        if (earlier) return earlier;
        const r = await verification.verify(body.voucher_code, operator, platform).finally(() => res.setHeader('server-timing', serverTiming()));
        const answer = ok(r, r.message);
        await remember(deps.sequelize, req, answer);
        return answer;
      },
    })
    .route({
      method: 'post',
      path: `${base}/cancel`,
      summary: `撤销核销${name}券（${platform === 'meituan' ? '10分钟' : '1小时'}内）`,
      access: { permission: permissions.vouchersCancel },
      body: z.object(operatorBody),
      handler: async ({ body }, req) => {
        const r = await verification.cancel(body.voucher_code, operatorOf(req, body.operator_id));
        return ok(r, r.message);
      },
    })
    .route({
      method: 'get',
      path: `${base}/orders`,
      summary: `${name}订单列表（平台实时查询，日期按北京时间）`,
      access: { permission: permissions.vouchersRead },
      query: z.object({ start_date: date.optional(), end_date: date.optional() }),
      handler: async ({ query }) => {
        const { client, settings } = await registry.client(platform);
        const today = businessDate(new Date());
        const span = (Date.parse(query.end_date ?? today) - Date.parse(query.start_date ?? today)) / 86_400_000;
        if (span < 0) throw badRequest('开始日期不能晚于结束日期', 'BAD_RANGE');
        if (span > 31) throw badRequest('一次最多查询31天的订单', 'RANGE_TOO_LONG');
        const from = new Date(`${query.start_date ?? today}T00:00:00+08:00`);
        const to = new Date(`${query.end_date ?? today}T23:59:59+08:00`);
        const products = new Map((await models.GymProduct.findAll()).map((p) => [p.id, p]));
        const list = [];
        for await (const page of client.listOrders(from, to)) {
          for (const v of page) list.push({ ...platformVoucherView(platform, v, products.get(settings.deals?.[v.dealId] ?? 0)), created_at: v.createdAt });
          if (list.length >= 1000) break;
        }
        return ok({ total: list.length, list });
      },
    });
  return api.router;
}
