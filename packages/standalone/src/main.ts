import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, MemoryBus, stopOnSignals } from '@backoffice/kit';
import { identityService } from '@backoffice/identity';
import { ticketsService } from '@backoffice/tickets';
import { startStack } from './stack.js';

/**
 * `npm start`: every service in one process, SQLite files under ./data, the in-memory bus,
 * migrations applied, a super admin seeded. Ctrl-C stops it cleanly.
 */
const dataDir = resolve(process.env.DATA_DIR ?? 'data');
mkdirSync(dataDir, { recursive: true });
const level = process.env.LOG_LEVEL ?? 'warn';
const logger = createLogger('standalone', level);
const bus = new MemoryBus();

try {
  const stack = await startStack({
    services: [identityService, ticketsService],
    databaseUrl: (service) => `sqlite:${resolve(dataDir, `${service}.sqlite`)}`,
    bus,
    ports: 'default',
    gateway: true,
    env: {
      UPLOAD_ROOT: process.env.UPLOAD_ROOT ?? resolve(dataDir, 'uploads'),
      DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY ?? 'standalone-dev-only-key-change-me',
    },
    logger: (service) => createLogger(service, level),
  });
  const lines = [
    '',
    'Back office is running (single process, SQLite in ./data, in-memory bus):',
    `  gateway      ${stack.gateway!.url}        (API docs: ${stack.gateway!.url}/docs)`,
    ...Object.values(stack.services).map((s) => `  ${s.name.padEnd(12)} ${s.url}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
  stopOnSignals(async () => {
    await stack.stop();
    await bus.close();
  }, logger);
} catch (err) {
  logger.fatal({ err }, 'could not start');
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
