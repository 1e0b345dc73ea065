import type { Server } from 'node:http';
import { closeServer, createLogger, listen, loadConfig, type Logger } from '@backoffice/kit';
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
  let accepting = true;
  const { app, close } = createGatewayApp(config, logger, () => accepting);
  const { server, port } = await listen(app, config.PORT);
  logger.info({ port }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    stop: async () => {
      accepting = false;
      await closeServer(server);
      close();
    },
  };
}
