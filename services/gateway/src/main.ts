import { createLogger, stopOnSignals } from '@backoffice/kit';
import { startGateway } from './start.js';

const logger = createLogger('gateway');
try {
  const gateway = await startGateway({ logger });
  stopOnSignals(gateway.stop, logger);
} catch (err) {
  logger.fatal({ err }, 'gateway failed to start');
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
