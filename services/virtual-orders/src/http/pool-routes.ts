import { ok, permissions } from '@backoffice/contracts';
import { containsPattern } from '@backoffice/kit';
import { z } from 'zod';
import { asDate } from '../db/sql.js';
import { overview, statsView } from '../db/stats.js';
import { dbFen, formatYuan } from '../domain/money.js';
import { BASE, type VirtualDeps } from './context.js';
import { paging } from './inputs.js';

interface PoolRow {
  id: number;
  student_id: number;
  student_name: string;
  info_json: string;
  total_amount: unknown;
  allocated_amount: unknown;
  completed_amount: unknown;
  remaining_amount: unknown;
  task_count: unknown;
  completed_count: unknown;
  status: string;
  valid_until: unknown;
  updated_at: unknown;
}

const poolView = (p: PoolRow) => ({
  id: Number(p.id),
  student_id: Number(p.student_id),
  student_name: p.student_name,
  student_info: JSON.parse(p.info_json || '{}') as Record<string, string>,
  total_amount: formatYuan(dbFen(p.total_amount)),
  allocated_amount: formatYuan(dbFen(p.allocated_amount)),
  completed_amount: formatYuan(dbFen(p.completed_amount)),
  remaining_amount: formatYuan(dbFen(p.remaining_amount)),
  task_count: Number(p.task_count),
  completed_count: Number(p.completed_count),
  status: p.status,
  valid_until: asDate(p.valid_until),
  updated_at: asDate(p.updated_at),
});

export function poolRoutes(deps: VirtualDeps) {
  const { sql } = deps;
  const api = deps.router('虚拟订单 · 补贴池与统计');
  api
    .route({
      method: 'get',
      path: `${BASE}/stats`,
      summary: '虚拟订单统计：总学生数、总补贴金额、生成任务数、完成任务数、完成率（%）',
      access: { permission: permissions.virtualRead },
      handler: async () => ok(statsView(await overview(sql))),
    })
    .route({
      method: 'get',
      path: `${BASE}/student-pools`,
      summary: '学生补贴池列表',
      access: { permission: permissions.virtualRead },
      query: z.object({
        status: z.enum(['active', 'completed', 'expired'], { error: '状态应为 active、completed 或 expired' }).optional(),
        keyword: z.string().trim().max(50).optional(),
        ...paging,
      }),
      handler: async ({ query }) => {
        const where: string[] = [];
        const values: unknown[] = [];
        if (query.status) where.push('p.status = ?') && values.push(query.status);
        if (query.keyword) where.push('s.name LIKE ?') && values.push(containsPattern(query.keyword));
        const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
        const from = 'FROM virtual_order_pool p JOIN virtual_students s ON s.id = p.student_id';
        const [{ n }] = await sql.select<{ n: unknown }>(`SELECT COUNT(*) AS n ${from}${clause}`, values);
        const rows = await sql.select<PoolRow>(
          `SELECT p.*, s.name AS student_name, s.info_json ${from}${clause} ORDER BY p.id LIMIT ${query.size} OFFSET ${(query.page - 1) * query.size}`,
          values,
        );
        return ok({ total: Number(n), list: rows.map(poolView), page: query.page, size: query.size });
      },
    });
  return api.router;
}
