import type { ApiRouter, Outbox } from '@backoffice/kit';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { WritingOrdersConfig } from '../config.js';

/** What every writing-orders router gets; each area adds its own models and stores on top. */
export interface WritingDeps {
  config: WritingOrdersConfig;
  sequelize: Sequelize;
  outbox: Outbox;
  logger: Logger;
  router: (tag: string) => ApiRouter;
}
