import { randomBytes } from 'node:crypto';
import { parseTrustProxy, startService, type EventBus, type RunningService, type ServiceModule } from '@backoffice/kit';
import { startGateway, upstreamRoutes, type RunningGateway } from '@backoffice/gateway';
import type { Logger } from 'pino';

export interface StackOptions {
  /** identity first: the others verify its tokens. */
  services: ServiceModule[];
  databaseUrl: (service: string) => string;
  /** One bus object shared by every service (memory), or a URL each service connects to itself. */
  bus?: EventBus;
  busUrl?: string;
  /** Fixed ports from each module's default, or 0 (any free port) for tests. */
  ports: 'default' | 'ephemeral';
  gateway?: boolean;
  gatewayPort?: number;
  env?: Record<string, string | undefined>;
  /** Per service extra environment. */
  serviceEnv?: Record<string, Record<string, string | undefined>>;
  logger?: (service: string) => Logger | undefined;
  accessLog?: boolean;
}

export interface RunningStack {
  services: Record<string, RunningService>;
  gateway?: RunningGateway;
  internalToken: string;
  stop(): Promise<void>;
}

/** Starts services (and optionally the gateway) wired to each other: used by `npm start` and by tests. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const internalToken = options.env?.INTERNAL_API_TOKEN ?? randomBytes(24).toString('base64url');
  const running: Record<string, RunningService> = {};
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    for (const mod of options.services) {
      const identity = running.identity;
      const env: Record<string, string | undefined> = {
        ...process.env,
        ...options.env,
        INTERNAL_API_TOKEN: internalToken,
        DATABASE_URL: options.databaseUrl(mod.name),
        BUS_URL: options.busUrl ?? 'memory://',
        PORT: options.ports === 'default' ? String(mod.defaultPort) : '0',
        // here every service sits behind the gateway on loopback; a TRUST_PROXY set for the gateway is not theirs
        TRUST_PROXY: 'loopback',
        ...(identity ? { JWKS_URL: `${identity.url}/.well-known/jwks.json`, IDENTITY_URL: identity.url } : {}),
        ...options.serviceEnv?.[mod.name],
      };
      const service = await startService(mod, { env, bus: options.bus, logger: options.logger?.(mod.name), accessLog: options.accessLog });
      service.app.set('trust proxy', parseTrustProxy(env.TRUST_PROXY!));
      running[mod.name] = service;
      started.push(service);
    }
    let gateway: RunningGateway | undefined;
    if (options.gateway) {
      const urls = Object.fromEntries(
        upstreamRoutes.map((r) => [r.urlVariable, running[r.service]?.url ?? `http://127.0.0.1:${options.ports === 'default' ? r.defaultPort : 9}`]),
      );
      gateway = await startGateway({
        env: {
          ...process.env,
          ...urls,
          ...options.env,
          PORT: String(options.gatewayPort ?? (options.ports === 'default' ? 8080 : 0)),
          ACCESS_LOG: options.accessLog === false ? 'false' : 'true',
        },
        logger: options.logger?.('gateway'),
      });
      started.push(gateway);
    }
    return { services: running, gateway, internalToken, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
