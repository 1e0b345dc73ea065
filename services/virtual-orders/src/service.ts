import type { ServiceModule } from '@backoffice/kit';
import { virtualOrdersConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';

/** virtual-orders: student subsidies and virtual tasks (seed 000) (scaffold: routes arrive with the service's issue). */
export const virtualOrdersService: ServiceModule<typeof virtualOrdersConfigSchema> = {
  name: 'virtual-orders',
  title: '虚拟订单 (virtual-orders)',
  defaultPort: 8083,
  configSchema: virtualOrdersConfigSchema,
  migrations,
  async build() {
    return { routers: [] };
  },
};
