import { ok, permissions } from '@backoffice/contracts';
import { z } from 'zod';
import { incomeSummary } from '../db/stats.js';
import { businessDay } from '../domain/dates.js';
import { writeIncomeWorkbook } from '../files/income-export.js';
import { BASE, type VirtualDeps } from './context.js';
import { dateField, dateRange } from './inputs.js';

export function incomeRoutes(deps: VirtualDeps) {
  const { sql } = deps;
  const api = deps.router('虚拟订单 · 学生收入');
  api
    .route({
      method: 'get',
      path: `${BASE}/student-income/export`,
      summary: '导出学生收入（xlsx：学生收入统计 + 使用说明；补贴金额列留空，填写后可作为补贴表导入）',
      access: { permission: permissions.virtualRead },
      handler: async (_input, _req, res) => {
        const name = `学生收入统计_${businessDay(deps.clock(), deps.config.BUSINESS_UTC_OFFSET).replaceAll('-', '')}.xlsx`;
        res.status(200);
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.setHeader('Content-Disposition', `attachment; filename="student-income.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`);
        res.setHeader('Cache-Control', 'no-store');
        try {
          await writeIncomeWorkbook(sql, res);
        } catch (err) {
          // the headers are gone: all that is left is to cut the download short so it is not taken for whole
          deps.logger.error({ err }, 'income export failed');
          res.destroy(err as Error);
          return;
        }
        res.end();
      },
    })
    .route({
      method: 'get',
      path: `${BASE}/student-income/summary`,
      summary: '学生收入汇总：学生总数、任务总数和总金额、完成任务数和完成金额、完成率（按任务生成日期筛选）',
      access: { permission: permissions.virtualRead },
      query: z.object({ start_date: dateField('开始日期'), end_date: dateField('结束日期') }),
      handler: async ({ query }) => {
        const { from, to } = dateRange(query.start_date, query.end_date, deps.config.BUSINESS_UTC_OFFSET);
        return ok({ start_date: query.start_date ?? null, end_date: query.end_date ?? null, ...(await incomeSummary(sql, from, to)) });
      },
    });
  return api.router;
}
