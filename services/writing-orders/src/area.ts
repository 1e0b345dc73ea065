import type { ServiceParts } from '@backoffice/kit';

/** The part of the service one area contributes. */
export type AreaParts = Pick<ServiceParts, 'routers' | 'subscriptions' | 'jobs' | 'readiness'>;
