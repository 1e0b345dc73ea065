import type { ServiceModule } from '@backoffice/kit';
import { vouchersConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';

/** vouchers: Meituan/Douyin voucher verification for the gym (seed 001) (scaffold: routes arrive with the service's issue). */
export const vouchersService: ServiceModule<typeof vouchersConfigSchema> = {
  name: 'vouchers',
  title: '团购券核销 (vouchers)',
  defaultPort: 8084,
  configSchema: vouchersConfigSchema,
  migrations,
  async build() {
    return { routers: [] };
  },
};
