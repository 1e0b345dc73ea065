import { baseConfigSchema } from '@backoffice/kit';

export const virtualOrdersConfigSchema = baseConfigSchema({ port: 8083, service: 'virtual-orders' }).extend({});

export type VirtualOrdersConfig = ReturnType<typeof virtualOrdersConfigSchema.parse>;
