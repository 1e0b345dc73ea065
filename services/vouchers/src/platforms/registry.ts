import { unprocessable } from '@backoffice/contracts';
import type { SecretBox } from '@backoffice/kit';
import type { VouchersConfig } from '../config.js';
import type { Platform, VoucherModels } from '../db/models.js';
import { PLATFORM_NAMES, type PlatformCode } from '../domain/rules.js';
import { DouyinClient } from './douyin-client.js';
import { MeituanClient } from './meituan-client.js';
import type { TokenStore } from './token-store.js';
import type { PlatformClient } from './types.js';

/** `third_party_platforms.config`: the shop on the platform and which gym product each deal is. */
export interface PlatformSettings {
  shop_id?: string;
  /** platform deal/sku id → gym_products.id */
  deals?: Record<string, number>;
}

export const parseSettings = (row: Pick<Platform, 'config'>): PlatformSettings => {
  try {
    return row.config ? (JSON.parse(row.config) as PlatformSettings) : {};
  } catch {
    return {};
  }
};

const ROW_TTL_MS = 5000;

/** One client (and so one breaker) per configured platform, rebuilt when its configuration changes. */
export class PlatformRegistry {
  private readonly clients = new Map<number, { stamp: string; client: PlatformClient }>();
  /** Platform rows are read on every call; a few seconds of staleness is fine (edits here invalidate at once). */
  private readonly rows = new Map<string, { row: Platform | null; at: number }>();

  constructor(
    private readonly models: VoucherModels,
    private readonly box: SecretBox,
    private readonly tokens: TokenStore,
    private readonly config: VouchersConfig,
  ) {}

  invalidate() {
    this.rows.clear();
  }

  async row(code: PlatformCode): Promise<Platform> {
    let cached = this.rows.get(code);
    if (!cached || Date.now() - cached.at > ROW_TTL_MS) {
      cached = { row: await this.models.Platform.findOne({ where: { platform_code: code } }), at: Date.now() };
      this.rows.set(code, cached);
    }
    const row = cached.row;
    if (!row || row.status !== 1 || !row.api_url) throw unprocessable(`${PLATFORM_NAMES[code]}平台未配置或已停用`, 'PLATFORM_DISABLED');
    return row;
  }

  async client(code: PlatformCode): Promise<{ client: PlatformClient; row: Platform; settings: PlatformSettings }> {
    const row = await this.row(code);
    return { client: this.forRow(row), row, settings: parseSettings(row) };
  }

  forRow(row: Platform): PlatformClient {
    const stamp = `${row.api_url}|${row.app_id}|${row.app_secret}|${row.config}`;
    const cached = this.clients.get(row.id);
    if (cached?.stamp === stamp) return cached.client;
    cached?.client.shutdown();
    const secret = row.app_secret ? this.box.decrypt(row.app_secret) : '';
    const settings = parseSettings(row);
    const common = { platformId: row.id, baseUrl: row.api_url!, timeoutMs: this.config.PLATFORM_TIMEOUT_MS, breakerResetMs: this.config.PLATFORM_BREAKER_RESET_MS };
    const client: PlatformClient =
      row.platform_code === 'meituan'
        ? new MeituanClient({ ...common, appKey: row.app_id ?? '', appSecret: secret, shopUuid: settings.shop_id ?? '' }, this.tokens)
        : new DouyinClient({ ...common, clientKey: row.app_id ?? '', clientSecret: secret, poiId: settings.shop_id ?? '' }, this.tokens);
    this.clients.set(row.id, { stamp, client });
    return client;
  }

  shutdown() {
    for (const { client } of this.clients.values()) client.shutdown();
    this.clients.clear();
  }
}
