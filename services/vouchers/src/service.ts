import { ApiRouter, pruneIdempotencyKeys, SecretBox, type ServiceModule } from '@backoffice/kit';
import { bootstrapPlatforms } from './app/bootstrap.js';
import { SyncService } from './app/sync.js';
import { VerificationService } from './app/verification.js';
import { vouchersConfigSchema } from './config.js';
import { ClaimStore } from './db/claims.js';
import { migrations } from './db/migrations.js';
import { initModels } from './db/models.js';
import { VoucherStore } from './db/voucher-store.js';
import { channelRoutes } from './http/channel-routes.js';
import type { VouchersDeps } from './http/context.js';
import { platformRoutes } from './http/platform-routes.js';
import { voucherRoutes } from './http/voucher-routes.js';
import { retryAfterOnThrottle } from './platforms/call.js';
import { PlatformRegistry } from './platforms/registry.js';
import { TokenStore } from './platforms/token-store.js';
import { PhoneProtector } from './privacy.js';

/** vouchers: Meituan/Douyin voucher verification for the gym, the memberships they buy, sync, stats (seed 001). */
export const vouchersService: ServiceModule<typeof vouchersConfigSchema> = {
  name: 'vouchers',
  title: '团购券核销 (vouchers)',
  defaultPort: 8084,
  configSchema: vouchersConfigSchema,
  migrations,
  async build({ config, sequelize, outbox, auth, docs, logger }) {
    const models = initModels(sequelize);
    const secrets = new SecretBox(config.DATA_ENCRYPTION_KEY, 'vouchers-secrets');
    const phones = new PhoneProtector(config.DATA_ENCRYPTION_KEY);
    const tokens = new TokenStore(sequelize, secrets);
    const registry = new PlatformRegistry(models, secrets, tokens, config);
    const claims = new ClaimStore(sequelize);
    const store = new VoucherStore(sequelize, models, outbox, phones, claims);
    const verification = new VerificationService(models, registry, claims, store, logger, config.PENDING_CLAIM_STALE_MS);
    const sync = new SyncService(sequelize, models, registry, phones, logger);
    await bootstrapPlatforms(models, secrets, config);
    const deps: VouchersDeps = { sequelize, models, registry, tokens, secrets, phones, verification, sync, logger, router: (tag) => new ApiRouter(auth, docs, tag) };

    const eachPlatform = (code: 'meituan' | 'douyin', work: (row: Awaited<ReturnType<typeof sync.enabledPlatforms>>[number]) => Promise<unknown>) => async () => {
      for (const row of await sync.enabledPlatforms(code)) await work(row);
    };
    return {
      routers: [platformRoutes(deps), channelRoutes(deps, 'meituan'), channelRoutes(deps, 'douyin'), voucherRoutes(deps)].map((r) => r.use(retryAfterOnThrottle)),
      jobs: [
        { name: 'vouchers.sync.meituan', cron: '0 */15 * * * *', run: eachPlatform('meituan', (row) => sync.sync(row)) },
        { name: 'vouchers.sync.douyin', cron: '0 */15 * * * *', run: eachPlatform('douyin', (row) => sync.sync(row)) },
        { name: 'vouchers.expire', cron: '0 5 * * * *', run: async () => void (await sync.expire()) },
        { name: 'vouchers.reconcile.meituan', cron: '0 30 2 * * *', run: eachPlatform('meituan', (row) => sync.reconcile(row)) },
        { name: 'vouchers.reconcile.douyin', cron: '0 40 2 * * *', run: eachPlatform('douyin', (row) => sync.reconcile(row)) },
        { name: 'vouchers.prune-idempotency-keys', cron: '0 23 3 * * *', run: async () => void (await pruneIdempotencyKeys(sequelize, 48)) },
        { name: 'vouchers.resolve-pending', cron: '30 * * * * *', run: async () => void (await verification.resolveStale()) },
      ],
      close: async () => registry.shutdown(),
    };
  },
};
