import type { Server } from 'node:http';
import type { Express, Router } from 'express';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { z } from 'zod';
import { connectBus } from './bus/index.js';
import type { EventBus, SubscribeOptions, Subscription } from './bus/types.js';
import { loadConfig, type BaseConfig } from './config.js';
import { ensureMysqlDatabase, openDatabase } from './db/database.js';
import { migrateUp, type Migration } from './db/migrator.js';
import { createApp, type ReadinessCheck } from './http/app.js';
import { Authenticator } from './http/auth.js';
import { closeServer, listen } from './http/listen.js';
import { OpenApiDocument } from './http/openapi.js';
import { createLogger } from './logger.js';
import { Outbox } from './outbox/outbox.js';
import { loadRetentionConfig, pruneJob } from './outbox/prune.js';
import { OutboxRelay } from './outbox/relay.js';
import { Scheduler, type ScheduledJob } from './scheduler.js';

/** What a service's `build` receives: everything opened and configured, nothing started yet. */
export interface ServiceContext<C extends BaseConfig> {
  config: C;
  logger: Logger;
  sequelize: Sequelize;
  bus: EventBus;
  outbox: Outbox;
  /** Verifies identity's tokens (from JWKS_URL); identity supplies its own. */
  auth?: Authenticator;
  docs: OpenApiDocument;
}

/** What a service contributes: its routes, the events it consumes, its scheduled jobs. */
export interface ServiceParts {
  routers: Router[];
  subscriptions?: SubscribeOptions[];
  jobs?: ScheduledJob[];
  readiness?: Record<string, ReadinessCheck>;
  close?: () => Promise<void>;
}

export interface ServiceModule<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  defaultPort: number;
  configSchema: S;
  migrations: readonly Migration[];
  build(ctx: ServiceContext<z.infer<S> & BaseConfig>): Promise<ServiceParts>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Share one bus between services (the single-process mode). */
  bus?: EventBus;
  /** Apply migrations before starting (default true). */
  migrate?: boolean;
  logger?: Logger;
  accessLog?: boolean;
  relayPollMs?: number;
}

export interface RunningService {
  name: string;
  port: number;
  url: string;
  app: Express;
  server: Server;
  sequelize: Sequelize;
  bus: EventBus;
  relay: OutboxRelay;
  scheduler: Scheduler;
  logger: Logger;
  stop(): Promise<void>;
}

export async function startService<S extends z.ZodObject>(mod: ServiceModule<S>, options: StartOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const config = loadConfig(mod.configSchema, env) as z.infer<S> & BaseConfig;
  const retention = loadRetentionConfig(env);
  const logger = options.logger ?? createLogger(mod.name, config.LOG_LEVEL);
  if (options.migrate !== false) await ensureMysqlDatabase(config.DATABASE_URL);
  const sequelize = openDatabase(config.DATABASE_URL);
  if (options.migrate !== false) {
    const applied = await migrateUp(sequelize, mod.migrations);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const bus = options.bus ?? (await connectBus(config.BUS_URL, mod.name));
  const ownsBus = !options.bus;
  const docs = new OpenApiDocument(mod.title);
  const outbox = new Outbox(sequelize, mod.name);
  const auth = config.JWKS_URL ? Authenticator.fromJwksUrl(config.JWKS_URL) : undefined;
  const parts = await mod.build({ config, logger, sequelize, bus, outbox, auth, docs });

  let accepting = true;
  const app = createApp({
    service: mod.name,
    trustProxy: config.TRUST_PROXY,
    logger,
    routers: parts.routers,
    docs,
    bodyLimit: config.JSON_BODY_LIMIT,
    accessLog: options.accessLog,
    isAcceptingTraffic: () => accepting,
    readiness: {
      db: async () => {
        await sequelize.query('SELECT 1');
      },
      bus: () => bus.ping(),
      ...parts.readiness,
    },
  });

  const relay = new OutboxRelay({ sequelize, bus, service: mod.name, logger, pollMs: options.relayPollMs });
  relay.start();
  const subscriptions: Subscription[] = [];
  for (const sub of parts.subscriptions ?? []) subscriptions.push(await bus.subscribe(sub));
  const scheduler = new Scheduler(sequelize, logger);
  for (const job of parts.jobs ?? []) scheduler.add(job);
  // every service keeps its outbox, inbox and tick claims bounded (see outbox/prune.ts)
  scheduler.add(pruneJob(sequelize, retention, (pruned) => logger.info({ pruned }, 'old outbox, inbox and job-lock rows pruned')));

  const { server, port } = await listen(app, config.PORT);
  logger.info({ port }, `${mod.name} listening`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      accepting = false;
      await closeServer(server);
      await Promise.allSettled(subscriptions.map((s) => s.close()));
      await scheduler.stop();
      await relay.stop();
      await relay.flush().catch((err) => logger.warn({ err }, 'outbox not fully flushed at shutdown'));
      await parts.close?.();
      if (ownsBus) await bus.close();
      await sequelize.close();
      logger.info(`${mod.name} stopped`);
    })());

  return { name: mod.name, port, url: `http://127.0.0.1:${port}`, app, server, sequelize, bus, relay, scheduler, logger, stop };
}

/** Stops everything on SIGTERM/SIGINT, once; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * A service's `main.ts`: `node dist/main.js` starts it; `migrate` applies migrations and exits;
 * `outbox:redrive` puts failed outbox rows back in line.
 */
export async function runMain<S extends z.ZodObject>(mod: ServiceModule<S>, argv = process.argv.slice(2)): Promise<void> {
  const command = argv[0] ?? 'start';
  const logger = createLogger(mod.name);
  try {
    if (command === 'migrate' || command === 'outbox:redrive') {
      const config = loadConfig(mod.configSchema, process.env) as BaseConfig;
      await ensureMysqlDatabase(config.DATABASE_URL);
      const sequelize = openDatabase(config.DATABASE_URL);
      if (command === 'migrate') logger.info({ applied: await migrateUp(sequelize, mod.migrations, logger) }, 'migrations done');
      else {
        const { redriveFailedOutbox } = await import('./outbox/relay.js');
        logger.info({ rows: await redriveFailedOutbox(sequelize) }, 'failed outbox rows re-driven');
      }
      await sequelize.close();
      return;
    }
    if (command !== 'start') throw new Error(`unknown command ${command}; use start, migrate or outbox:redrive`);
    const migrate = (process.env.MIGRATE_ON_START ?? (process.env.NODE_ENV === 'production' ? 'false' : 'true')) === 'true';
    const running = await startService(mod, { migrate, logger });
    stopOnSignals(running.stop, logger);
  } catch (err) {
    logger.fatal({ err }, `${mod.name} failed to start`);
    // a config error is for a person to read: print it plainly too
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
