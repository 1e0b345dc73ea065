import { ok, permissions } from '@backoffice/contracts';
import { z } from 'zod';
import { ACCOUNT_MESSAGE, ACCOUNT_PATTERN, ID_CARD_MESSAGE, ID_CARD_PATTERN, MOBILE_MESSAGE, MOBILE_PATTERN } from '../domain/cs-rows.js';
import { BASE, type VirtualDeps } from './context.js';
import { paging } from './inputs.js';

const name = z.string({ error: '请填写客服姓名' }).trim().min(1, '请填写客服姓名').max(50, '客服姓名不能超过50个字符');
const phone = z.string().trim().regex(MOBILE_PATTERN, MOBILE_MESSAGE).nullable().optional();
const idCard = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(ID_CARD_PATTERN, ID_CARD_MESSAGE))
  .nullable()
  .optional();
const idParams = z.object({ role_id: z.coerce.number({ error: '客服ID必须是正整数' }).int('客服ID必须是正整数').positive('客服ID必须是正整数') });

export function csRoutes(deps: VirtualDeps) {
  const { cs } = deps;
  const api = deps.router('虚拟订单 · 专用客服');
  api
    .route({
      method: 'post',
      path: `${BASE}/customer-service`,
      summary: '创建虚拟订单专用客服（level 6）。不给 initial_password 时生成一个，只在本次返回',
      access: { permission: permissions.virtualWrite },
      body: z.object({
        name,
        account: z.string({ error: '请填写客服账号' }).trim().regex(ACCOUNT_PATTERN, ACCOUNT_MESSAGE),
        phone_number: phone,
        id_card: idCard,
        initial_password: z.string().min(6, '初始密码至少6位').max(128, '初始密码不能超过128位').optional(),
      }),
      handler: async ({ body }, _req, res) => {
        const result = await cs.create({ name: body.name, account: body.account, phone: body.phone_number ?? null, idCard: body.id_card ?? null }, body.initial_password);
        if (result.outcome === 'existing') return ok({ ...result.account, created: false }, '账号已存在，未重复创建（密码未更改）');
        res.status(201).json(ok({ ...result.account, created: true, ...(result.initial_password ? { initial_password: result.initial_password } : {}) }, '创建成功'));
      },
    })
    .route({
      method: 'get',
      path: `${BASE}/customer-service`,
      summary: '虚拟客服列表（level=6；手机号、身份证号脱敏）',
      access: { permission: permissions.virtualRead },
      query: z.object(paging),
      handler: async ({ query }) => ok(await cs.list(query.page, query.size)),
    })
    .route({
      method: 'put',
      path: `${BASE}/customer-service/:role_id`,
      summary: '更新虚拟客服信息（role_id 为客服的账号ID）',
      access: { permission: permissions.virtualWrite },
      params: idParams,
      body: z.object({ name: name.optional(), phone_number: phone, id_card: idCard }),
      handler: async ({ params, body }) => ok(await cs.update(params.role_id, body), '更新成功'),
    })
    .route({
      method: 'delete',
      path: `${BASE}/customer-service/:role_id`,
      summary: '删除虚拟客服（软删除：账号停用，记录保留）',
      access: { permission: permissions.virtualWrite },
      params: idParams,
      handler: async ({ params }) => ok(await cs.remove(params.role_id), '删除成功'),
    });
  return api.router;
}
