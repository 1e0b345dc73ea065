import { QueryTypes, type Sequelize } from 'sequelize';

export interface StatsRange {
  /** UTC instants covering the Beijing dates asked for. */
  from: Date;
  to: Date;
  platformId?: number;
}

const n = (v: unknown) => Number(v ?? 0);

/** The seed's statistics in a handful of grouped queries. Money is summed in fen (integers) on both dialects. */
export async function voucherStats(sequelize: Sequelize, r: StatsRange) {
  const sqlite = sequelize.getDialect() === 'sqlite';
  const day = sqlite ? "date(verified_at, '+8 hours')" : 'DATE(DATE_ADD(verified_at, INTERVAL 8 HOUR))';
  const fen = (col: string) => `SUM(CAST(ROUND(${col} * 100) AS ${sqlite ? 'INTEGER' : 'SIGNED'}))`;
  const platformFilter = r.platformId ? ' AND platform_id = ?' : '';
  const args = [r.from, r.to, ...(r.platformId ? [r.platformId] : [])];
  const byStatus = await sequelize.query<{ status: number; n: number }>(
    `SELECT status, COUNT(*) AS n FROM vouchers WHERE created_at BETWEEN ? AND ?${platformFilter} GROUP BY status`,
    { replacements: args, type: QueryTypes.SELECT },
  );
  const byPlatform = await sequelize.query<{ platform_id: number; platform_name: string; platform_code: string; n: number; verified: number; sales: number; verified_amount: number }>(
    `SELECT v.platform_id, p.platform_name, p.platform_code, COUNT(*) AS n, SUM(CASE WHEN v.status = 2 THEN 1 ELSE 0 END) AS verified,
            ${fen('v.paid_price')} AS sales, ${fen('CASE WHEN v.status = 2 THEN v.paid_price ELSE 0 END')} AS verified_amount
     FROM vouchers v JOIN third_party_platforms p ON p.id = v.platform_id
     WHERE v.created_at BETWEEN ? AND ?${platformFilter.replace('platform_id', 'v.platform_id')} GROUP BY v.platform_id, p.platform_name, p.platform_code ORDER BY v.platform_id`,
    { replacements: args, type: QueryTypes.SELECT },
  );
  const byType = await sequelize.query<{ voucher_type: number; n: number; verified: number }>(
    `SELECT voucher_type, COUNT(*) AS n, SUM(CASE WHEN status = 2 THEN 1 ELSE 0 END) AS verified
     FROM vouchers WHERE created_at BETWEEN ? AND ?${platformFilter} GROUP BY voucher_type ORDER BY voucher_type`,
    { replacements: args, type: QueryTypes.SELECT },
  );
  const trend = await sequelize.query<{ day: string; n: number; amount: number }>(
    `SELECT ${day} AS day, COUNT(*) AS n, ${fen('paid_price')} AS amount FROM vouchers
     WHERE status = 2 AND verified_at BETWEEN ? AND ?${platformFilter} GROUP BY ${day} ORDER BY day`,
    { replacements: args, type: QueryTypes.SELECT },
  );
  const counts = new Map(byStatus.map((s) => [n(s.status), n(s.n)]));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    total,
    counts,
    platforms: byPlatform.map((p) => ({ ...p, n: n(p.n), verified: n(p.verified), sales: n(p.sales), verified_amount: n(p.verified_amount) })),
    types: byType.map((t) => ({ voucher_type: n(t.voucher_type), n: n(t.n), verified: n(t.verified) })),
    trend: trend.map((t) => ({ day: String(t.day).slice(0, 10), n: n(t.n), amount: n(t.amount) })),
  };
}

/** Percentage with two decimals, in integer arithmetic. */
export const rate = (part: number, whole: number) => (whole ? Math.round((part * 10000) / whole) / 100 : 0);
