import { conflict, notFound, ok, permissions } from '@backoffice/contracts';
import { fields } from '@backoffice/kit';
import { z } from 'zod';
import type { Platform } from '../db/models.js';
import type { VouchersDeps } from './context.js';
import { platformView } from './views.js';

const settings = z.object({
  shop_id: z.string().trim().max(100).optional(),
  deals: z.record(z.string(), z.number().int().positive()).optional(),
});

const body = z.object({
  platform_name: z.string().trim().min(1, '请输入平台名称').max(50),
  platform_code: z.enum(['meituan', 'douyin'], { error: '平台编码只能是 meituan 或 douyin' }),
  app_id: z.string().trim().max(100).optional(),
  app_secret: z.string().min(1).max(200).optional(),
  api_url: z.url({ error: 'API地址格式不正确' }).max(255).optional(),
  status: z.union([z.literal(1), z.literal(2)], { error: '状态只能是 1（启用）或 2（停用）' }).optional(),
  config: settings.optional(),
});

/** /api/v1/platforms: Meituan/Douyin connection settings. The secret goes in encrypted and never comes out. */
export function platformRoutes(deps: VouchersDeps) {
  const { models, secrets, tokens, registry } = deps;
  const view = async (p: Platform | null) => {
    const token = await tokens.get(p!.id).catch(() => null);
    return platformView(p!, { token_expires_at: token?.expiresAt ?? null, breaker_state: p!.status === 1 && p!.api_url ? registry.forRow(p!).breakerState() : undefined });
  };
  const api = deps.router('第三方平台');
  api
    .route({
      method: 'get',
      path: '/api/v1/platforms',
      summary: '平台配置列表（不含密钥）',
      access: { permission: permissions.platformsManage },
      handler: async () => ok(await Promise.all((await models.Platform.findAll({ order: [['id', 'ASC']] })).map(view))),
    })
    .route({
      method: 'post',
      path: '/api/v1/platforms',
      summary: '新增平台配置',
      access: { permission: permissions.platformsManage },
      body,
      status: 201,
      handler: async ({ body: b }) => {
        if (await models.Platform.findOne({ where: { platform_code: b.platform_code } })) throw conflict('平台编码已存在', 'PLATFORM_EXISTS');
        const row = await models.Platform.create({
          platform_name: b.platform_name,
          platform_code: b.platform_code,
          app_id: b.app_id ?? null,
          app_secret: b.app_secret ? secrets.encrypt(b.app_secret) : null,
          api_url: b.api_url ?? null,
          status: b.status ?? 1,
          config: JSON.stringify(b.config ?? {}),
        });
        registry.invalidate();
        return ok(await view(row), '创建成功');
      },
    })
    .route({
      method: 'put',
      path: '/api/v1/platforms/:id',
      summary: '修改平台配置（不传 app_secret 则保留原密钥）',
      access: { permission: permissions.platformsManage },
      params: z.object({ id: fields.id }),
      body: body.partial().omit({ platform_code: true }),
      handler: async ({ params, body: b }) => {
        const row = await models.Platform.findByPk(params.id);
        if (!row) throw notFound('平台不存在', 'PLATFORM_NOT_FOUND');
        await row.update({
          ...(b.platform_name ? { platform_name: b.platform_name } : {}),
          ...(b.app_id !== undefined ? { app_id: b.app_id } : {}),
          ...(b.app_secret ? { app_secret: secrets.encrypt(b.app_secret) } : {}),
          ...(b.api_url ? { api_url: b.api_url } : {}),
          ...(b.status ? { status: b.status } : {}),
          ...(b.config ? { config: JSON.stringify({ ...JSON.parse(row.config ?? '{}'), ...b.config }) } : {}),
        });
        registry.invalidate();
        return ok(await view(row), '修改成功');
      },
    })
    .route({
      method: 'get',
      path: '/api/v1/platforms/products',
      summary: '门店产品（平台商品映射的目标）',
      access: { permission: permissions.platformsManage },
      handler: async () => ok(await models.GymProduct.findAll({ order: [['id', 'ASC']] })),
    });
  return api.router;
}
