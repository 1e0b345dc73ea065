import { GATEWAY_TRUST_PROXY_DEFAULT, trustProxyVariable } from '@backoffice/kit';
import { z } from 'zod';
import { upstreamRoutes } from './routes.js';

const upstreamUrls = Object.fromEntries(
  upstreamRoutes.map((r) => [r.urlVariable, z.url({ error: `must be the base URL of the ${r.service} service` }).default(`http://127.0.0.1:${r.defaultPort}`)]),
);

export const gatewayConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** identity's public keys; defaults to IDENTITY_URL/.well-known/jwks.json. */
  JWKS_URL: z.url().optional(),
  /** Comma-separated origins allowed by CORS; `*` allows any. */
  CORS_ORIGINS: z.string().default('*'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  ACCESS_LOG: z.enum(['true', 'false']).default('true'),
  /**
   * The proxies in front of the gateway (an ingress, a load balancer) whose X-Forwarded-For names the
   * client: a hop count or CIDRs. Default: none, the connection's peer is the client.
   */
  TRUST_PROXY: trustProxyVariable(GATEWAY_TRUST_PROXY_DEFAULT),
  ...upstreamUrls,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & Record<string, unknown>;
