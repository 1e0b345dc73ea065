export { startGateway, type RunningGateway } from './start.js';
export { upstreamRoutes, isPublicPath } from './routes.js';
export { gatewayConfigSchema } from './config.js';
