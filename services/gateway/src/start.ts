import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, loadConfig, type Logger } from '@backoffice/kit';
import { createGatewayApp } from './app.js';
import { gatewayConfigSchema, type GatewayConfig } from './config.js';

export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export async function startGateway(options: { env?: Record<string, string | undefined>; logger?: Logger } = {}): Promise<RunningGateway> {
  const config = loadConfig(gatewayConfigSchema, options.env ?? process.env) as GatewayConfig;
  const logger = options.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const { app, close } = createGatewayApp(config, logger);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      close();
    },
  };
}
