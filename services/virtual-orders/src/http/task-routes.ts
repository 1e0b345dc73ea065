import { hasPermission, ok, permissions } from '@backoffice/contracts';
import { z } from 'zod';
import { asDate } from '../db/sql.js';
import { dbFen, formatYuan } from '../domain/money.js';
import { ORDER_NUMBER_PATTERN } from '../domain/order-number.js';
import { BASE, type VirtualDeps } from './context.js';
import { dateField, dateRange, paging } from './inputs.js';

const orderParams = z.object({ order_number: z.string().regex(ORDER_NUMBER_PATTERN, '任务编号应为10位（0-9、a-f）') });
const taskStatus = z.enum(['open', 'accepted', 'completed'], { error: '任务状态应为 open、accepted 或 completed' });

interface TaskRow {
  id: number;
  order_number: string;
  is_virtual: unknown;
  source: string;
  summary: string;
  requirement: string;
  amount: unknown;
  commission_unit: string;
  student_id: number;
  student_name: string;
  pool_id: number;
  status: string;
  accepted_by: number | null;
  accepted_at: unknown;
  completed_at: unknown;
  end_date: unknown;
  delivery_date: unknown;
  created_at: unknown;
}

export const taskView = (t: TaskRow) => ({
  order_number: t.order_number,
  is_virtual: Boolean(Number(t.is_virtual)),
  source: t.source,
  summary: t.summary,
  requirement: t.requirement,
  amount: formatYuan(dbFen(t.amount)),
  commission_unit: t.commission_unit,
  student_id: Number(t.student_id),
  student_name: t.student_name,
  status: t.status,
  accepted_by: t.accepted_by === null ? null : Number(t.accepted_by),
  accepted_at: asDate(t.accepted_at),
  completed_at: asDate(t.completed_at),
  end_date: asDate(t.end_date),
  delivery_date: asDate(t.delivery_date),
  created_at: asDate(t.created_at),
});

const TASK_SELECT = 'SELECT t.*, s.name AS student_name FROM tasks t JOIN virtual_students s ON s.id = t.student_id';

export function taskRoutes(deps: VirtualDeps) {
  const { sql, pools } = deps;
  const workers = [permissions.virtualOwnTasks, permissions.virtualWrite];
  const findTask = async (orderNumber: string) => taskView((await sql.select<TaskRow>(`${TASK_SELECT} WHERE t.order_number = ?`, [orderNumber]))[0]);

  const api = deps.router('虚拟订单 · 任务');
  api
    .route({
      method: 'get',
      path: `${BASE}/tasks`,
      summary: '虚拟任务列表（专用客服只看到待接取的任务和自己接取的任务）',
      access: { anyOf: [permissions.virtualRead, permissions.virtualOwnTasks] },
      query: z.object({
        status: taskStatus.optional(),
        student_id: z.coerce.number().int().positive('学生ID必须是正整数').optional(),
        order_number: z.string().max(10).optional(),
        accepted_by: z.coerce.number().int().positive().optional(),
        mine: z.enum(['true', 'false']).optional(),
        start_date: dateField('开始日期'),
        end_date: dateField('结束日期'),
        ...paging,
      }),
      handler: async ({ query }, req) => {
        const user = req.user!;
        const where: string[] = [];
        const values: unknown[] = [];
        if (!hasPermission(user.permissions, permissions.virtualRead)) {
          where.push(`(t.status = 'open' OR t.accepted_by = ?)`);
          values.push(user.id);
        }
        if (query.mine === 'true') where.push('t.accepted_by = ?') && values.push(user.id);
        if (query.status) where.push('t.status = ?') && values.push(query.status);
        if (query.student_id) where.push('t.student_id = ?') && values.push(query.student_id);
        if (query.order_number) where.push('t.order_number = ?') && values.push(query.order_number);
        if (query.accepted_by) where.push('t.accepted_by = ?') && values.push(query.accepted_by);
        const { from, to } = dateRange(query.start_date, query.end_date, deps.config.BUSINESS_UTC_OFFSET);
        if (from) where.push('t.created_at >= ?') && values.push(from);
        if (to) where.push('t.created_at < ?') && values.push(to);
        const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
        const [{ n }] = await sql.select<{ n: unknown }>(`SELECT COUNT(*) AS n FROM tasks t${clause}`, values);
        const rows = await sql.select<TaskRow>(`${TASK_SELECT}${clause} ORDER BY t.id DESC LIMIT ${query.size} OFFSET ${(query.page - 1) * query.size}`, values);
        return ok({ total: Number(n), list: rows.map(taskView), page: query.page, size: query.size });
      },
    })
    .route({
      method: 'post',
      path: `${BASE}/tasks/:order_number/accept`,
      summary: '接取任务（同时接取时只有一人成功，其他人 409）',
      access: { anyOf: workers },
      params: orderParams,
      handler: async ({ params }, req) => {
        await pools.accept(params.order_number, req.user!.id);
        return ok(await findTask(params.order_number), '接取成功');
      },
    })
    .route({
      method: 'post',
      path: `${BASE}/tasks/:order_number/complete`,
      summary: '完成任务（金额计入学生收入）',
      access: { anyOf: workers },
      params: orderParams,
      handler: async ({ params }, req) => {
        const user = req.user!;
        await pools.complete(params.order_number, { id: user.id, any: hasPermission(user.permissions, permissions.virtualWrite) });
        return ok(await findTask(params.order_number), '任务已完成');
      },
    })
    .route({
      method: 'post',
      path: `${BASE}/reallocate/:student_id`,
      summary: '重新分配学生任务：过期未接取的任务退回补贴池，剩余金额重新生成任务',
      access: { permission: permissions.virtualWrite },
      params: z.object({ student_id: z.coerce.number({ error: '学生ID必须是正整数' }).int('学生ID必须是正整数').positive('学生ID必须是正整数') }),
      handler: async ({ params }) => {
        const result = await pools.reallocateStudent(params.student_id);
        return ok(result, result.tasks_generated ? `已重新分配 ${result.reallocated_amount} 元，生成 ${result.tasks_generated} 个任务` : '没有需要重新分配的金额');
      },
    });
  return api.router;
}
