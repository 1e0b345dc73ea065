import { AppError, ok, permissions, unprocessable } from '@backoffice/contracts';
import { z } from 'zod';
import { mapLimit } from '../jobs/concurrency.js';
import type { VerifyResult } from '../jobs/verification.js';
import { orderSn, type PddDeps } from './context.js';

const verificationCode = z.string({ error: '请填写核销码' }).trim().min(1, '请填写核销码').max(128, '核销码不能超过128个字符');
const item = z.object({ order_sn: orderSn, verification_code: verificationCode });
const MAX_BATCH = 100;

const MESSAGES: Record<VerifyResult['outcome'], string> = {
  verified: '核销成功',
  retrying: '平台暂时不可用，已安排自动重试',
  failed: '核销失败',
  busy: '该订单正在核销中，请稍后再试',
};

export function verifyRoutes(deps: PddDeps) {
  const { verifier } = deps.engine;
  const api = deps.router('核销');
  api
    .route({
      method: 'post',
      path: '/api/pdd/verify',
      summary: '手动核销：订单号 + 买家出示的核销码（须与该订单发出的卡密一致）；平台暂不可用时返回 202 并自动重试',
      access: { permission: permissions.pddVerify },
      body: item,
      handler: async ({ body }, req, res) => {
        const result = await verifier.verifyByCode(body.order_sn, body.verification_code, { mode: 'manual', operatorUserId: req.user!.id });
        if (result.outcome === 'failed') throw unprocessable(`核销失败：${result.reason}`, 'VERIFICATION_FAILED');
        if (result.outcome === 'retrying') return void res.status(202).json(ok(result, MESSAGES.retrying));
        return ok(result, MESSAGES.verified);
      },
    })
    .route({
      method: 'post',
      path: '/api/pdd/verify/batch',
      summary: `批量核销（最多 ${MAX_BATCH} 条）：逐条返回结果，一条失败不影响其他`,
      access: { permission: permissions.pddVerify },
      body: z.object({
        items: z.array(item, { error: '请提供核销列表 items' }).min(1, '核销列表不能为空').max(MAX_BATCH, `一次最多核销 ${MAX_BATCH} 条`),
      }),
      handler: async ({ body }, req) => {
        const results = await mapLimit(body.items, 4, async (it) => {
          try {
            const r = await verifier.verifyByCode(it.order_sn, it.verification_code, { mode: 'batch', operatorUserId: req.user!.id });
            return { order_sn: it.order_sn, success: r.outcome === 'verified', status: r.outcome, attempts: r.attempts, message: r.outcome === 'failed' ? `核销失败：${r.reason}` : MESSAGES[r.outcome] };
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            return { order_sn: it.order_sn, success: false, status: 'rejected', reason: err.reason, message: err.message };
          }
        });
        const succeeded = results.filter((r) => r.success).length;
        const retrying = results.filter((r) => r.status === 'retrying').length;
        return ok({ total: results.length, succeeded, retrying, failed: results.length - succeeded - retrying, results }, `批量核销完成：成功 ${succeeded} 条，失败 ${results.length - succeeded - retrying} 条`);
      },
    });
  return api.router;
}
