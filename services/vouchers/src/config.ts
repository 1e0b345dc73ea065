import { baseConfigSchema } from '@backoffice/kit';

export const vouchersConfigSchema = baseConfigSchema({ port: 8084, service: 'vouchers' }).extend({});

export type VouchersConfig = ReturnType<typeof vouchersConfigSchema.parse>;
