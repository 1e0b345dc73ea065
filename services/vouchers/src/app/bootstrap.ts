import type { SecretBox } from '@backoffice/kit';
import type { VouchersConfig } from '../config.js';
import type { VoucherModels } from '../db/models.js';

/** Deal → product maps matching the sandboxes' demo deals (a shop edits its own through /api/v1/platforms). */
const DEMO_DEALS = {
  meituan: { '610001': 1, '610002': 2, '610003': 3, '610004': 4 },
  douyin: { '7100001': 1, '7100002': 3, '7100003': 5 },
};

/** At first start, a platform row for each platform whose API URL is configured. Existing rows are left alone. */
export async function bootstrapPlatforms(models: VoucherModels, box: SecretBox, config: VouchersConfig): Promise<void> {
  const wanted = [
    { code: 'meituan', name: '美团', url: config.MEITUAN_API_URL, appId: config.MEITUAN_APP_KEY, secret: config.MEITUAN_APP_SECRET, shop: config.MEITUAN_SHOP_UUID },
    { code: 'douyin', name: '抖音', url: config.DOUYIN_API_URL, appId: config.DOUYIN_CLIENT_KEY, secret: config.DOUYIN_CLIENT_SECRET, shop: config.DOUYIN_POI_ID },
  ] as const;
  for (const w of wanted) {
    if (!w.url || (await models.Platform.findOne({ where: { platform_code: w.code } }))) continue;
    await models.Platform.create({
      platform_name: w.name,
      platform_code: w.code,
      app_id: w.appId,
      app_secret: box.encrypt(w.secret),
      api_url: w.url,
      status: 1,
      config: JSON.stringify({ shop_id: w.shop, deals: DEMO_DEALS[w.code] }),
    }).catch(() => undefined); // another replica created it first
  }
}
