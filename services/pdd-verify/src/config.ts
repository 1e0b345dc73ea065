import { baseConfigSchema } from '@backoffice/kit';

export const pddVerifyConfigSchema = baseConfigSchema({ port: 8086, service: 'pdd-verify' }).extend({});

export type PddVerifyConfig = ReturnType<typeof pddVerifyConfigSchema.parse>;
