import { ok, permissions } from '@backoffice/contracts';
import { QueryTypes } from 'sequelize';
import { sevenDays, toFen } from '../domain/statistics.js';
import { addDays, dayIn, startOfDay } from '../domain/time.js';
import type { WriterDeps } from './writer-context.js';

/** DATETIME values come back as Date (MySQL) or as text such as `2024-03-10 10:00:00.000 +00:00` (SQLite). */
function instant(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(Z|[+-]\d{2}:?\d{2})?$/.exec(String(value));
  const d = m ? new Date(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`) : new Date(String(value));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 七: counts from identity (null while it cannot answer) and from this service's writers and paid orders. */
export function statisticsRoutes(deps: WriterDeps) {
  const { sequelize, identity, config } = deps;
  const tz = config.BUSINESS_TIMEZONE;
  const select = <T extends object>(sql: string, replacements: unknown[] = []) => sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });

  const api = deps.router('统计');
  api.route({
    method: 'get',
    path: '/api/statistics',
    summary: '获取系统统计数据（最近7天以最后一笔订单的创建时间为截止，无订单的日子为0）',
    access: { permission: permissions.statisticsRead },
    handler: async () => {
      const [counts, [writers], [orders], channels] = await Promise.all([
        identity.counts(),
        select<{ n: number }>('SELECT COUNT(*) AS n FROM writers'),
        select<{ n: number; last: unknown }>('SELECT COUNT(*) AS n, MAX(create_time) AS last FROM orders'),
        select<{ channel: string | null; n: number }>('SELECT channel, COUNT(*) AS n FROM orders GROUP BY channel'),
      ]);
      const lastDay = dayIn(tz, instant(orders.last) ?? new Date());
      const rows = await select<{ create_time: unknown; amount: string | number | null }>(
        'SELECT create_time, amount FROM orders WHERE create_time >= ? AND create_time < ?',
        [startOfDay(addDays(lastDay, -6), tz), startOfDay(addDays(lastDay, 1), tz)],
      );
      const totals = new Map<string, number>();
      for (const row of rows) {
        const at = instant(row.create_time);
        if (!at) continue;
        const day = dayIn(tz, at);
        totals.set(day, (totals.get(day) ?? 0) + toFen(row.amount));
      }
      const channelOrders: Record<string, number> = {};
      for (const c of channels) {
        const name = c.channel?.trim() || '未知';
        channelOrders[name] = (channelOrders[name] ?? 0) + Number(c.n);
      }
      return ok(
        {
          userCount: counts?.userCount ?? null,
          menuCount: counts?.menuCount ?? null,
          roleCount: counts?.roleCount ?? null,
          writerCount: Number(writers.n),
          orderCount: Number(orders.n),
          sevenDaysAmount: sevenDays(lastDay, totals),
          channelOrders,
        },
        '获取成功',
      );
    },
  });
  return api.router;
}
