import type { ApiRouter } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import { z } from 'zod';
import type { PddVerifyConfig } from '../config.js';
import type { PddEngine } from '../engine.js';

/** What the pdd-verify routers share. */
export interface PddDeps {
  config: PddVerifyConfig;
  sequelize: Sequelize;
  engine: PddEngine;
  router: (tag: string) => ApiRouter;
}

/** The seed's paging parameters: `page` and `page_size`. */
export const paging = {
  page: z.coerce.number({ error: '页码必须是正整数' }).int('页码必须是正整数').min(1, '页码最小为 1').default(1),
  page_size: z.coerce.number({ error: '每页条数必须是整数' }).int('每页条数必须是整数').min(1, '每页条数最小为 1').max(100, '每页条数最多 100').default(20),
};

export const orderSn = z.string({ error: '请填写订单号' }).trim().min(1, '请填写订单号').max(64, '订单号不能超过64个字符');

export const pageOf = <T>(total: number, list: T[], page: number, pageSize: number) => ({ total, list, page, page_size: pageSize });
