import { randomBytes } from 'node:crypto';
import { conflict, hasPermission, notFound, ok, permissions, roleCodes, type AuthUser } from '@backoffice/contracts';
import { containsPattern, fields, maskPhone } from '@backoffice/kit';
import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { Writer } from '../db/writer-models.js';
import type { WriterFields } from '../db/writer-store.js';
import { WRITING_EXPERIENCES } from '../domain/writer-id.js';
import type { WriterDeps } from './writer-context.js';
import { writerCreateBody, writerUpdateBody, type WriterCreateBody } from './writer-schemas.js';
import { ratingView, writerView } from './writer-views.js';

const idParams = z.object({ id: fields.id });
const NOT_FOUND = '写手不存在';

/** The stored shape of a create body: personal data encrypted and masked. */
export function writerFields(deps: WriterDeps, body: WriterCreateBody, createdBy: string | null): WriterFields {
  const account = deps.privacy.alipayAccount(body.alipay_account);
  const idNumber = deps.privacy.idNumber(body.id_number);
  return {
    name: body.name,
    education: body.education,
    major: body.major,
    writing_experience: body.writing_experience,
    specialized_content: body.specialized_content ?? null,
    phone_1: body.phone_1 ?? null,
    phone_2: body.phone_2 ?? null,
    alipay_name: body.alipay_name ?? null,
    alipay_account_encrypted: account.encrypted,
    alipay_account_masked: account.masked,
    id_number_encrypted: idNumber.encrypted,
    id_number_masked: idNumber.masked,
    ip_address: body.ip_address ?? null,
    created_by: createdBy,
    last_modified_by: createdBy,
  };
}

export function writerRoutes(deps: WriterDeps) {
  const { models, store, privacy, identity, config } = deps;
  const tz = config.BUSINESS_TIMEZONE;
  const reveals = (user: AuthUser | undefined) => !!user && hasPermission(user.permissions, permissions.writersSensitive);
  const find = async (id: number) => {
    const writer = await models.Writer.findByPk(id);
    if (!writer) throw notFound(NOT_FOUND, 'WRITER_NOT_FOUND');
    return writer;
  };

  const api = deps.router('写手管理');
  api
    .route({
      method: 'get',
      path: '/api/writers/list',
      summary: '获取写手简要列表（用于下拉选择）',
      access: { permission: permissions.writersRead },
      handler: async () => {
        const rows = await models.Writer.findAll({ attributes: ['id', 'writer_id', 'name', 'phone_1', 'user_id'], order: [['id', 'ASC']] });
        return ok(rows.map((w) => ({ id: w.id, writer_id: w.writer_id, name: w.name, phone_1: w.phone_1, is_activated: w.user_id ? 1 : 0 })), 'success');
      },
    })
    .route({
      method: 'get',
      path: '/api/writers/quick-search',
      summary: '快速模糊搜索写手（仅按写手编号，无需登录；手机号脱敏）',
      access: 'public',
      query: z.object({
        keyword: z.string().trim().max(20, '关键字不能超过20个字符').optional(),
        page: fields.page,
        pageSize: z.coerce.number().int().min(1, '每页条数最小为 1').default(10).transform((v) => Math.min(v, 20)),
      }),
      handler: async ({ query }) => {
        if (!query.keyword || query.keyword.length < 2) return ok([], 'success');
        const rows = await models.Writer.findAll({
          where: { writer_id: { [Op.like]: containsPattern(query.keyword) } },
          attributes: ['id', 'writer_id', 'name', 'phone_1', 'user_id'],
          order: [['writer_id', 'ASC']],
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        });
        // anyone may call this: the phone is shown masked
        return ok(rows.map((w) => ({ id: w.id, writer_id: w.writer_id, name: w.name, phone_1: maskPhone(w.phone_1), is_activated: w.user_id ? 1 : 0 })), 'success');
      },
    })
    .route({
      method: 'get',
      path: '/api/writers',
      summary: '获取写手列表（分页与筛选；身份证号、支付宝账号脱敏，持 writers.sensitive 者可见原文）',
      access: { permission: permissions.writersRead },
      query: z.object({
        page: fields.page,
        pageSize: fields.pageSize,
        writer_id: z.string().trim().max(16).optional(),
        name: z.string().trim().max(50).optional(),
        education: z.string().trim().max(50).optional(),
        major: z.string().trim().max(100).optional(),
        writing_experience: z.enum(WRITING_EXPERIENCES, { error: `写作水平必须是以下之一：${WRITING_EXPERIENCES.join('/')}` }).optional(),
        starred: fields.flag.optional(),
        processed: fields.flag.optional(),
      }),
      handler: async ({ query }, req) => {
        const where: WhereOptions<Writer> = {};
        if (query.writer_id) where.writer_id = query.writer_id;
        if (query.name) where.name = { [Op.like]: containsPattern(query.name) };
        if (query.education) where.education = query.education;
        if (query.major) where.major = { [Op.like]: containsPattern(query.major) };
        if (query.writing_experience) where.writing_experience = query.writing_experience;
        if (query.starred !== undefined) where.starred = query.starred;
        if (query.processed !== undefined) where.processed = query.processed;
        const { rows, count } = await models.Writer.findAndCountAll({ where, order: [['id', 'DESC']], limit: query.pageSize, offset: (query.page - 1) * query.pageSize });
        const reveal = reveals(req.user);
        return ok({ total: count, list: rows.map((w) => writerView(w, tz, privacy, reveal)) }, '获取成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/writers/:id',
      summary: '获取写手详情（含最新评分 latest_rating）',
      access: { permission: permissions.writersRead },
      params: idParams,
      handler: async ({ params }, req) => {
        const writer = await find(params.id);
        const latest = await models.WriterRating.findOne({ where: { writer_id: writer.id }, order: [['date', 'DESC']] });
        return ok({ ...writerView(writer, tz, privacy, reveals(req.user)), latest_rating: latest ? ratingView(latest, tz) : null }, '获取成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/writers',
      summary: '新增写手（写手ID = w + 年月日 + 当日两位序号）',
      access: { permission: permissions.writersWrite },
      body: writerCreateBody,
      status: 201,
      handler: async ({ body }, req) => {
        const writer = await store.createWriter(writerFields(deps, body, req.user!.username));
        return ok({ id: writer.id, writer_id: writer.writer_id }, '添加成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/writers/:id',
      summary: '更新写手信息',
      access: { permission: permissions.writersWrite },
      params: idParams,
      body: writerUpdateBody,
      handler: async ({ params, body }, req) => {
        const writer = await find(params.id);
        const changes: Partial<Writer> = { last_modified_by: req.user!.username };
        for (const key of ['name', 'education', 'major', 'writing_experience', 'specialized_content', 'phone_1', 'phone_2', 'alipay_name', 'starred', 'processed'] as const) {
          if (body[key] !== undefined) (changes as Record<string, unknown>)[key] = body[key];
        }
        if (body.alipay_account !== undefined) {
          const p = privacy.alipayAccount(body.alipay_account);
          Object.assign(changes, { alipay_account_encrypted: p.encrypted, alipay_account_masked: p.masked });
        }
        if (body.id_number !== undefined) {
          const p = privacy.idNumber(body.id_number);
          Object.assign(changes, { id_number_encrypted: p.encrypted, id_number_masked: p.masked });
        }
        writer.set(changes);
        writer.changed('last_modified_time', true);
        await writer.save();
        return ok(null, '更新成功');
      },
    })
    .route({
      method: 'delete',
      path: '/api/writers/:id',
      summary: '删除写手（连同其评分记录）',
      access: { permission: permissions.writersWrite },
      params: idParams,
      handler: async ({ params }) => {
        if ((await store.deleteWriters([params.id])) === 0) throw notFound(NOT_FOUND, 'WRITER_NOT_FOUND');
        return ok(null, '删除成功');
      },
    })
    .route({
      method: 'delete',
      path: '/api/writers',
      summary: '批量删除写手（请求体 ids）',
      access: { permission: permissions.writersWrite },
      body: z.object({
        ids: z.array(fields.id, { error: '请提供要删除的写手ID列表' }).min(1, '请提供要删除的写手ID列表').max(1000, '一次最多删除1000个写手'),
      }),
      handler: async ({ body }) => {
        const deleted = await store.deleteWriters([...new Set(body.ids)]);
        return ok({ deleted }, '删除成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/writers/:id/account',
      summary: '为写手开通登录账号（通过身份服务；用户名默认为写手ID，未给密码时生成一次性显示的初始密码）',
      access: { permission: permissions.writersWrite },
      params: idParams,
      body: z.object({
        username: z.string().trim().regex(/^[A-Za-z0-9_.@-]{3,50}$/, '用户名须为 3-50 位字母、数字或 _ . @ -').optional(),
        password: z.string().min(6, '密码长度不能少于6个字符').max(128, '密码不能超过128个字符').optional(),
      }),
      status: 201,
      handler: async ({ params, body }) => {
        const writer = await find(params.id);
        if (writer.user_id) throw conflict('该写手已开通账号', 'ALREADY_ACTIVATED');
        const username = body.username ?? writer.writer_id;
        const generated = body.password ? null : randomBytes(9).toString('base64url');
        const account = await identity.openAccount({ username, password: body.password ?? generated!, real_name: writer.name, role_code: roleCodes.writer });
        if (!account.created) {
          // an earlier attempt that opened the account but failed to link it may be finished; anyone else's name is taken
          const holder = await models.Writer.findOne({ where: { user_id: account.id }, attributes: ['id'] });
          if (holder?.id === writer.id) throw conflict('该写手已开通账号', 'ALREADY_ACTIVATED');
          if (holder || username !== writer.writer_id) throw conflict('用户名已存在', 'USERNAME_TAKEN');
        }
        if (!(await store.linkAccount(writer.id, account.id))) throw conflict('该写手已开通账号', 'ALREADY_ACTIVATED');
        return ok({ id: writer.id, writer_id: writer.writer_id, user_id: account.id, username: account.username, is_activated: 1, ...(generated && account.created ? { initial_password: generated } : {}) }, '开通成功');
      },
    });
  return api.router;
}
