import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, MemoryBus, stopOnSignals } from '@backoffice/kit';
import { identityService } from '@backoffice/identity';
import { ticketsService } from '@backoffice/tickets';
import { writingOrdersService } from '@backoffice/writing-orders';
import { virtualOrdersService } from '@backoffice/virtual-orders';
import { vouchersService } from '@backoffice/vouchers';
import { pddVerifyService } from '@backoffice/pdd-verify';
import { startSandboxes } from '@backoffice/platform-sandbox';
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
  const sandboxes = await startSandboxes({ ports: 'default', seed: true });
  const stack = await startStack({
    services: [identityService, ticketsService, writingOrdersService, virtualOrdersService, vouchersService, pddVerifyService],
    databaseUrl: (service) => `sqlite:${resolve(dataDir, `${service}.sqlite`)}`,
    bus,
    ports: 'default',
    gateway: true,
    env: {
      UPLOAD_ROOT: process.env.UPLOAD_ROOT ?? resolve(dataDir, 'uploads'),
      DATA_ENCRYPTION_KEY: process.env.DATA_ENCRYPTION_KEY ?? 'standalone-dev-only-key-change-me',
      MEITUAN_API_URL: process.env.MEITUAN_API_URL ?? sandboxes.meituan.url,
      DOUYIN_API_URL: process.env.DOUYIN_API_URL ?? sandboxes.douyin.url,
      PDD_API_URL: process.env.PDD_API_URL ?? sandboxes.pdd.url,
    },
    logger: (service) => createLogger(service, level),
  });
  const lines = [
    '',
    'Back office is running (single process, SQLite in ./data, in-memory bus):',
    `  ${'gateway'.padEnd(16)} ${stack.gateway!.url}  (API docs: ${stack.gateway!.url}/docs)`,
    ...Object.values(stack.services).map((s) => `  ${s.name.padEnd(16)} ${s.url}`),
    ...[sandboxes.meituan, sandboxes.douyin, sandboxes.pdd].map((s) => `  ${`${s.name} sandbox`.padEnd(16)} ${s.url}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
  stopOnSignals(async () => {
    await stack.stop();
    await sandboxes.stop();
    await bus.close();
  }, logger);
} catch (err) {
  logger.fatal({ err }, 'could not start');
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
