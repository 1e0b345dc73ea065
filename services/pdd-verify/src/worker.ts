import { connectBus, createLogger, ensureMysqlDatabase, loadConfig, migrateUp, openDatabase, Outbox, OutboxRelay, Scheduler, stopOnSignals } from '@backoffice/kit';
import { pddVerifyConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';
import { intervalCron } from './domain/schedule.js';
import { createPddEngine, type CycleStep } from './engine.js';

export const WORKER_COMMANDS = {
  /** One full cycle, then exit (cron, tests). */
  once: ['monitor', 'deliver', 'verify'],
  /** Pull orders and deliver them, every ORDER_CHECK_INTERVAL seconds; no web API. */
  monitor: ['monitor', 'deliver'],
  /** Verify what is due, every ORDER_CHECK_INTERVAL seconds; no web API. */
  verify: ['verify'],
} as const satisfies Record<string, readonly CycleStep[]>;

export type WorkerCommand = keyof typeof WORKER_COMMANDS;

/**
 * The seed's run modes without the web server: the same engine, database, outbox relay and scheduler
 * lock as the service. `once` prints its report as one JSON line and exits non-zero if the cycle failed.
 */
export async function runWorker(command: WorkerCommand, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(pddVerifyConfigSchema, env);
  const logger = createLogger(`pdd-verify:${command}`, config.LOG_LEVEL);
  const migrate = (env.MIGRATE_ON_START ?? (config.NODE_ENV === 'production' ? 'false' : 'true')) === 'true';
  if (migrate) await ensureMysqlDatabase(config.DATABASE_URL);
  const sequelize = openDatabase(config.DATABASE_URL);
  if (migrate) await migrateUp(sequelize, migrations);
  const bus = await connectBus(config.BUS_URL, 'pdd-verify');
  const outbox = new Outbox(sequelize, 'pdd-verify');
  const relay = new OutboxRelay({ sequelize, bus, service: 'pdd-verify', logger });
  const engine = createPddEngine({ config, sequelize, outbox, logger });
  const steps = WORKER_COMMANDS[command];
  const shutdown = async () => {
    await engine.close();
    await relay.flush().catch((err) => logger.warn({ err }, 'outbox not fully flushed'));
    await bus.close();
    await sequelize.close();
  };
  if (command === 'once') {
    try {
      const report = await engine.runCycle(steps);
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } finally {
      await shutdown();
    }
    return;
  }
  relay.start();
  const scheduler = new Scheduler(sequelize, logger);
  scheduler.add({
    name: `pdd.${command}`,
    cron: intervalCron(config.ORDER_CHECK_INTERVAL),
    run: async () => void (await engine.runCycle(steps)),
  });
  logger.info({ every: config.ORDER_CHECK_INTERVAL }, `pdd-verify ${command} worker running`);
  stopOnSignals(async () => {
    await scheduler.stop();
    await relay.stop();
    await shutdown();
  }, logger);
}
