import type { ApiRouter } from '@backoffice/kit';
import type { Sequelize } from 'sequelize';
import type { TicketsConfig } from '../config.js';
import type { TicketModels } from '../db/models.js';
import type { TicketStore } from '../db/ticket-store.js';
import type { ReceiptStorage } from '../files/receipt-storage.js';
import type { PhoneProtector } from '../privacy.js';

/** What the tickets routers share. */
export interface TicketsDeps {
  config: TicketsConfig;
  sequelize: Sequelize;
  models: TicketModels;
  store: TicketStore;
  phones: PhoneProtector;
  storage: ReceiptStorage;
  router: (tag: string) => ApiRouter;
}
