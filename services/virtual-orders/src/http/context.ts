import type { ApiRouter } from '@backoffice/kit';
import type { Logger } from 'pino';
import type { VirtualOrdersConfig } from '../config.js';
import type { CsAccounts } from '../cs-accounts.js';
import type { PoolStore } from '../db/pool-store.js';
import type { Sql } from '../db/sql.js';
import type { SubsidyImports } from '../db/subsidy-import.js';
import type { Clock } from '../domain/dates.js';

/** What the virtual-orders routers share. */
export interface VirtualDeps {
  config: VirtualOrdersConfig;
  sql: Sql;
  pools: PoolStore;
  imports: SubsidyImports;
  cs: CsAccounts;
  clock: Clock;
  incomingDir: string;
  router: (tag: string) => ApiRouter;
  logger: Logger;
  /** Work that outlives its request (a large import); the service waits for it when stopping. */
  background: (work: Promise<unknown>) => void;
}

export const BASE = '/api/virtual-orders';
