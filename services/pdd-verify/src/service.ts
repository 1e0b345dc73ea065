import type { ServiceModule } from '@backoffice/kit';
import { pddVerifyConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';

/** pdd-verify: Pinduoduo virtual goods delivery and verification (seed 003) (scaffold: routes arrive with the service's issue). */
export const pddVerifyService: ServiceModule<typeof pddVerifyConfigSchema> = {
  name: 'pdd-verify',
  title: '拼多多核销 (pdd-verify)',
  defaultPort: 8086,
  configSchema: pddVerifyConfigSchema,
  migrations,
  async build() {
    return { routers: [] };
  },
};
