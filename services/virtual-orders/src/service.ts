import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiRouter, pruneIdempotencyKeys, type ScheduledJob, type ServiceModule } from '@backoffice/kit';
import { taskTemplate, virtualOrdersConfigSchema } from './config.js';
import { CsAccounts } from './cs-accounts.js';
import { migrations } from './db/migrations.js';
import { PoolStore } from './db/pool-store.js';
import { takeSnapshot } from './db/reports.js';
import { Sql } from './db/sql.js';
import { overview } from './db/stats.js';
import { SubsidyImports } from './db/subsidy-import.js';
import { TaskWriter } from './db/task-writer.js';
import type { RandomSource } from './domain/allocation.js';
import { addDays, businessDay, systemClock, type Clock } from './domain/dates.js';
import { newOrderNumber, type OrderNumberSource } from './domain/order-number.js';
import { reallocationSubscription } from './events/reallocation.js';
import type { VirtualDeps } from './http/context.js';
import { csRoutes } from './http/cs-routes.js';
import { importRoutes } from './http/import-routes.js';
import { incomeRoutes } from './http/income-routes.js';
import { poolRoutes } from './http/pool-routes.js';
import { reportRoutes } from './http/report-routes.js';
import { taskRoutes } from './http/task-routes.js';
import { IdentityClient } from './identity-client.js';
import { metricsObserver, useMetricsSource } from './metrics.js';
import { PersonalData } from './privacy.js';

export const EXPIRY_JOB = 'virtual-orders.expire-tasks';
export const REPORT_JOB = 'virtual-orders.daily-report';

/** What tests (and benchmarks) may replace: time, randomness, order numbers; and a look at the parts. */
export interface VirtualOrdersOptions {
  clock?: Clock;
  random?: RandomSource;
  orderNumber?: OrderNumberSource;
  onBuilt?: (parts: { pools: PoolStore; imports: SubsidyImports; sql: Sql; writer: TaskWriter; jobs: ScheduledJob[] }) => void;
}

/** virtual-orders: student subsidies, virtual tasks, expiry and re-allocation, dedicated CS (seed 000). */
export function createVirtualOrdersService(options: VirtualOrdersOptions = {}): ServiceModule<typeof virtualOrdersConfigSchema> {
  const clock = options.clock ?? systemClock;
  return {
    name: 'virtual-orders',
    title: '虚拟订单 (virtual-orders)',
    defaultPort: 8083,
    configSchema: virtualOrdersConfigSchema,
    migrations,
    async build({ config, sequelize, outbox, auth, docs, logger }) {
      const sql = new Sql(sequelize);
      const writer = new TaskWriter(sql, taskTemplate(config), config.VIRTUAL_TASK_MAX_YUAN * 100, options.random ?? Math.random, options.orderNumber ?? newOrderNumber);
      const pools = new PoolStore(sql, outbox, writer, clock, { expiryHours: config.TASK_EXPIRY_HOURS, offset: config.BUSINESS_UTC_OFFSET }, metricsObserver);
      const imports = new SubsidyImports(
        sql,
        outbox,
        writer,
        clock,
        { maxFen: config.MAX_SUBSIDY_YUAN * 100, validDays: config.POOL_VALID_DAYS, offset: config.BUSINESS_UTC_OFFSET },
        metricsObserver,
      );
      const identity = new IdentityClient(config.IDENTITY_URL, config.INTERNAL_API_TOKEN);
      const incomingDir = join(config.UPLOAD_ROOT, 'virtual-orders-incoming');
      await mkdir(incomingDir, { recursive: true });
      const running = new Set<Promise<unknown>>();
      const deps: VirtualDeps = {
        config,
        sql,
        pools,
        imports,
        cs: new CsAccounts(sql, identity, new PersonalData(config.DATA_ENCRYPTION_KEY)),
        clock,
        incomingDir,
        logger,
        router: (tag) => new ApiRouter(auth, docs, tag),
        background: (work) => {
          running.add(work);
          void work.finally(() => running.delete(work));
        },
      };
      const readOverview = () => overview(sql);
      useMetricsSource(readOverview);
      const jobs: ScheduledJob[] = [
        // seed 000 过期处理: every hour, tasks unaccepted 24 h after creation go back to the pool
        {
          name: EXPIRY_JOB,
          cron: '0 0 * * * *',
          run: async () => {
            const result = await pools.expireOverdue();
            if (result.tasks) logger.info(result, 'expired virtual tasks returned to their pools');
          },
        },
        // shortly after midnight in Shanghai (16:05 UTC): yesterday's figures
        { name: REPORT_JOB, cron: '0 5 16 * * *', run: async () => void (await takeSnapshot(sql, businessDay(addDays(clock(), -1), config.BUSINESS_UTC_OFFSET), clock())) },
        { name: 'virtual-orders.prune-idempotency-keys', cron: '0 27 3 * * *', run: async () => void (await pruneIdempotencyKeys(sequelize, 48)) },
      ];
      options.onBuilt?.({ pools, imports, sql, writer, jobs });
      return {
        routers: [importRoutes(deps), taskRoutes(deps), poolRoutes(deps), incomeRoutes(deps), csRoutes(deps), reportRoutes(deps)],
        subscriptions: [reallocationSubscription(sequelize, pools, metricsObserver)],
        jobs: config.VIRTUAL_SCHEDULED_JOBS ? jobs : [],
        close: async () => {
          await Promise.allSettled([...running]);
          identity.shutdown();
          useMetricsSource(undefined);
        },
      };
    },
  };
}

export const virtualOrdersService = createVirtualOrdersService();
