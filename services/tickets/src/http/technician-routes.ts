import { randomUUID } from 'node:crypto';
import { badRequest, notFound, ok, permissions, roleCodes, unprocessable } from '@backoffice/contracts';
import { conflictOnDuplicate, containsPattern, fields } from '@backoffice/kit';
import { Op } from 'sequelize';
import { z } from 'zod';
import { MAINLAND_MOBILE } from '../domain/booking-rules.js';
import type { TicketsDeps } from './context.js';
import { technicianView } from './views.js';

const techBody = z.object({
  name: z.string({ error: '请填写技师姓名' }).trim().min(1, '请填写技师姓名').max(50, '技师姓名不能超过50个字符'),
  phone: z.string({ error: '请填写手机号' }).trim().regex(MAINLAND_MOBILE, '请填写正确的11位手机号'),
  center_id: z.string().trim().min(1).max(50, '服务中心编号不能超过50个字符').nullable().optional(),
  skills: z.string().trim().max(255, '技能描述不能超过255个字符').nullable().optional(),
  user_id: z.number().int().positive().nullable().optional(),
});
const idParams = z.object({ id: z.uuid({ error: '技师ID格式不正确' }) });

export function technicianRoutes(deps: TicketsDeps) {
  const { models, phones } = deps;

  /** A linked account must be a technician that identity told us about (identity.user.* events). */
  const checkLinkedUser = async (userId: number | null | undefined) => {
    if (!userId) return;
    const user = await models.DirectoryUser.findByPk(userId);
    if (!user || user.deleted) throw badRequest('关联的用户不存在', 'USER_NOT_FOUND');
    if (user.role !== roleCodes.technician) throw unprocessable('关联的用户不是技师角色', 'USER_NOT_TECHNICIAN');
  };
  const rethrowLinked = conflictOnDuplicate('该用户已关联其他技师', 'USER_ALREADY_LINKED');
  const setActive = async (id: string, active: boolean) => {
    const technician = await models.Technician.findByPk(id);
    if (!technician) throw notFound('技师不存在', 'TECHNICIAN_NOT_FOUND');
    await technician.update({ is_active: active });
    return technician;
  };

  const api = deps.router('技师');
  api
    .route({
      method: 'get',
      path: '/api/technicians',
      summary: '技师列表（电话脱敏）',
      access: { permission: permissions.techniciansRead },
      query: z.object({
        center_id: z.string().max(50).optional(),
        is_active: fields.flag.optional(),
        keyword: z.string().trim().max(50).optional(),
        page: fields.page,
        pageSize: fields.pageSize,
      }),
      handler: async ({ query }) => {
        const where: Record<string | symbol, unknown> = {};
        if (query.center_id) where.center_id = query.center_id;
        if (query.is_active !== undefined) where.is_active = query.is_active;
        if (query.keyword) {
          const like = containsPattern(query.keyword);
          where[Op.or] = [{ name: { [Op.like]: like } }, { skills: { [Op.like]: like } }, ...(MAINLAND_MOBILE.test(query.keyword) ? [{ phone_hash: phones.hash(query.keyword) }] : [])];
        }
        const { rows, count } = await models.Technician.findAndCountAll({
          where,
          order: [['is_active', 'DESC'], ['name', 'ASC']],
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        });
        return ok({ total: count, list: rows.map(technicianView), page: query.page, pageSize: query.pageSize });
      },
    })
    .route({
      method: 'post',
      path: '/api/technicians',
      summary: '新增技师（可关联技师角色的登录账号）',
      access: { permission: permissions.techniciansWrite },
      body: techBody,
      status: 201,
      handler: async ({ body }) => {
        await checkLinkedUser(body.user_id);
        const phone = phones.protect(body.phone);
        const technician = await models.Technician.create({
          id: randomUUID(),
          name: body.name,
          phone_encrypted: phone.encrypted,
          phone_hash: phone.hash,
          phone_masked: phone.masked,
          center_id: body.center_id ?? null,
          skills: body.skills ?? null,
          is_active: true,
          user_id: body.user_id ?? null,
        }).catch(rethrowLinked);
        return ok(technicianView(technician), '创建成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/technicians/:id',
      summary: '更新技师信息',
      access: { permission: permissions.techniciansWrite },
      params: idParams,
      body: techBody.partial(),
      handler: async ({ params, body }) => {
        const technician = await models.Technician.findByPk(params.id);
        if (!technician) throw notFound('技师不存在', 'TECHNICIAN_NOT_FOUND');
        if (body.user_id !== undefined) await checkLinkedUser(body.user_id);
        const phone = body.phone ? phones.protect(body.phone) : undefined;
        await technician
          .update({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(phone ? { phone_encrypted: phone.encrypted, phone_hash: phone.hash, phone_masked: phone.masked } : {}),
            ...(body.center_id !== undefined ? { center_id: body.center_id } : {}),
            ...(body.skills !== undefined ? { skills: body.skills } : {}),
            ...(body.user_id !== undefined ? { user_id: body.user_id } : {}),
          })
          .catch(rethrowLinked);
        return ok(technicianView(technician), '更新成功');
      },
    })
    .route({
      method: 'post',
      path: '/api/technicians/:id/deactivate',
      summary: '停用技师（不再参与分配，已有工单保留）',
      access: { permission: permissions.techniciansWrite },
      params: idParams,
      handler: async ({ params }) => ok(technicianView(await setActive(params.id, false)), '已停用'),
    })
    .route({
      method: 'post',
      path: '/api/technicians/:id/activate',
      summary: '重新启用技师',
      access: { permission: permissions.techniciansWrite },
      params: idParams,
      handler: async ({ params }) => ok(technicianView(await setActive(params.id, true)), '已启用'),
    });
  return api.router;
}
