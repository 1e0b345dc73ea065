import type { ApiRouter, Outbox } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { TokenIssuer } from '../auth/tokens.js';
import type { IdentityConfig } from '../config.js';
import type { IdentityModels } from '../db/models.js';
import type { UserEvents } from '../events/user-events.js';

/** What identity's routers share. */
export interface IdentityDeps {
  config: IdentityConfig;
  sequelize: Sequelize;
  models: IdentityModels;
  tokens: TokenIssuer;
  events: UserEvents;
  outbox: Outbox;
  router: (tag: string) => ApiRouter;
}
