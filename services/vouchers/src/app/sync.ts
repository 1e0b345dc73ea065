import type { Logger } from 'pino';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import type { Platform, VoucherModels } from '../db/models.js';
import { voucherColumns } from '../db/voucher-store.js';
import { businessDate, VOUCHER_STATUS, type PlatformCode } from '../domain/rules.js';
import { reconciliationMismatches } from '../platforms/metrics.js';
import { parseSettings, type PlatformRegistry } from '../platforms/registry.js';
import type { PlatformVoucher } from '../platforms/types.js';
import type { PhoneProtector } from '../privacy.js';

export interface SyncSummary {
  platform: PlatformCode;
  sync_log_id: number;
  fetched: number;
  created: number;
  updated: number;
  mismatches?: number;
}

const DAY_MS = 86_400_000;

/**
 * Order sync (every 15 minutes), expiry (hourly) and reconciliation (nightly). Set-based: one
 * multi-row insert that ignores codes already present, one UPDATE per status change, so running
 * twice changes nothing the second time.
 */
export class SyncService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: VoucherModels,
    private readonly registry: PlatformRegistry,
    private readonly phones: PhoneProtector,
    private readonly logger: Logger,
  ) {}

  async enabledPlatforms(code?: PlatformCode): Promise<Platform[]> {
    return this.models.Platform.findAll({ where: { status: 1, ...(code ? { platform_code: code } : {}) } });
  }

  private async products() {
    return new Map((await this.models.GymProduct.findAll()).map((p) => [p.id, p]));
  }

  /** Inserts what is new and applies the platform's refunds/expiries; returns (created, updated). */
  private async apply(row: Platform, page: PlatformVoucher[], products: Awaited<ReturnType<SyncService['products']>>) {
    const deals = parseSettings(row).deals ?? {};
    const codes = page.map((v) => v.code);
    const existing = new Set((await this.models.Voucher.findAll({ attributes: ['voucher_no'], where: { voucher_no: codes } })).map((v) => v.voucher_no));
    const fresh = page.filter((v) => !existing.has(v.code));
    if (fresh.length) {
      await this.models.Voucher.bulkCreate(
        fresh.map((v) => voucherColumns(row.id, v, products.get(deals[v.dealId]) ?? null, this.phones)),
        { ignoreDuplicates: true },
      );
    }
    let updated = 0;
    for (const [status, from] of [
      [VOUCHER_STATUS.refunded, [VOUCHER_STATUS.unused, VOUCHER_STATUS.expired]],
      [VOUCHER_STATUS.expired, [VOUCHER_STATUS.unused]],
    ] as const) {
      const which = page.filter((v) => v.status === status && existing.has(v.code)).map((v) => v.code);
      if (!which.length) continue;
      const [count] = await this.models.Voucher.update({ status }, { where: { voucher_no: which, status: [...from], platform_id: row.id } });
      updated += count;
    }
    return { created: fresh.length, updated };
  }

  private async startLog(platformId: number, kind: 'sync' | 'reconcile') {
    const now = new Date();
    const [id] = await this.sequelize.query('INSERT INTO voucher_sync_logs (platform_id, kind, started_at, status) VALUES (?, ?, ?, ?)', {
      replacements: [platformId, kind, now, 'running'],
      type: QueryTypes.INSERT,
    });
    return Number(id);
  }

  private async finishLog(id: number, summary: Partial<SyncSummary>, error?: unknown) {
    await this.sequelize.query('UPDATE voucher_sync_logs SET finished_at = ?, fetched = ?, created = ?, updated = ?, mismatches = ?, status = ?, error = ? WHERE id = ?', {
      replacements: [new Date(), summary.fetched ?? 0, summary.created ?? 0, summary.updated ?? 0, summary.mismatches ?? 0, error ? 'failed' : 'ok', error ? String((error as Error).message ?? error).slice(0, 500) : null, id],
    });
  }

  /** Syncs one platform's orders created in the window (default: the last two days). */
  async sync(row: Platform, from = new Date(Date.now() - 2 * DAY_MS), to = new Date(), kind: 'sync' | 'reconcile' = 'sync', seen?: Map<string, number>): Promise<SyncSummary> {
    const logId = await this.startLog(row.id, kind);
    const summary: SyncSummary = { platform: row.platform_code as PlatformCode, sync_log_id: logId, fetched: 0, created: 0, updated: 0 };
    try {
      const client = this.registry.forRow(row);
      const products = await this.products();
      for await (const page of client.listOrders(from, to)) {
        summary.fetched += page.length;
        for (const v of page) seen?.set(v.code, v.status);
        const r = await this.apply(row, page, products);
        summary.created += r.created;
        summary.updated += r.updated;
      }
      if (kind === 'sync') await this.finishLog(logId, summary);
      return summary;
    } catch (err) {
      await this.finishLog(logId, summary, err);
      this.logger.error({ err, platform: row.platform_code }, 'voucher sync failed');
      throw err;
    }
  }

  /** 已过期: unused vouchers whose date has passed, in one statement. */
  async expire(): Promise<number> {
    const [count] = await this.models.Voucher.update(
      { status: VOUCHER_STATUS.expired },
      { where: { status: VOUCHER_STATUS.unused, expire_date: { [Op.lt]: businessDate(new Date()) } } },
    );
    return count;
  }

  /**
   * Local against platform state over the last `days`: after syncing, every code whose status still
   * differs (e.g. redeemed on the platform but not here) is recorded against this run and counted.
   */
  async reconcile(row: Platform, days = 7): Promise<SyncSummary> {
    const seen = new Map<string, number>();
    const summary = await this.sync(row, new Date(Date.now() - days * DAY_MS), new Date(), 'reconcile', seen);
    const codes = [...seen.keys()];
    const local = new Map<string, number>();
    for (let i = 0; i < codes.length; i += 500) {
      const rows = await this.models.Voucher.findAll({ attributes: ['voucher_no', 'status'], where: { voucher_no: codes.slice(i, i + 500), platform_id: row.id } });
      for (const r of rows) local.set(r.voucher_no, r.status);
    }
    const issues = codes
      .filter((c) => local.get(c) !== seen.get(c))
      .map((c) => ({ sync_log_id: summary.sync_log_id, platform_id: row.id, voucher_no: c, local_status: local.get(c) ?? null, platform_status: seen.get(c)!, created_at: new Date() }));
    if (issues.length) await this.sequelize.getQueryInterface().bulkInsert('voucher_reconciliation_issues', issues);
    summary.mismatches = issues.length;
    reconciliationMismatches.set({ platform: row.platform_code }, issues.length);
    // 异常订单告警: the metric drives the alert; the log names the codes
    if (issues.length) this.logger.warn({ platform: row.platform_code, mismatches: issues.slice(0, 50).map((i) => i.voucher_no) }, 'voucher reconciliation found mismatches');
    await this.finishLog(summary.sync_log_id, summary);
    return summary;
  }

  /** The latest reconciliation of each platform with its mismatches. */
  async latestReconciliation() {
    const runs = await this.sequelize.query<{ id: number; platform_id: number; started_at: Date; finished_at: Date | null; fetched: number; mismatches: number; status: string }>(
      `SELECT l.id, l.platform_id, l.started_at, l.finished_at, l.fetched, l.mismatches, l.status FROM voucher_sync_logs l
       WHERE l.kind = 'reconcile' AND l.id = (SELECT MAX(id) FROM voucher_sync_logs x WHERE x.kind = 'reconcile' AND x.platform_id = l.platform_id)`,
      { type: QueryTypes.SELECT },
    );
    const out = [];
    for (const run of runs) {
      const issues = await this.sequelize.query<{ voucher_no: string; local_status: number | null; platform_status: number }>(
        'SELECT voucher_no, local_status, platform_status FROM voucher_reconciliation_issues WHERE sync_log_id = ? ORDER BY voucher_no',
        { replacements: [run.id], type: QueryTypes.SELECT },
      );
      out.push({ ...run, mismatches: Number(run.mismatches), issues });
    }
    return out;
  }
}

