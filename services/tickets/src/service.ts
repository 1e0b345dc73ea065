import { ApiRouter, pruneIdempotencyKeys, type ServiceModule } from '@backoffice/kit';
import { ticketsConfigSchema } from './config.js';
import { migrations } from './db/migrations.js';
import { initModels } from './db/models.js';
import { TicketStore } from './db/ticket-store.js';
import { userDirectorySubscription } from './events/user-directory.js';
import { ReceiptStorage } from './files/receipt-storage.js';
import { bookingRoutes } from './http/booking-routes.js';
import type { TicketsDeps } from './http/context.js';
import { imageRoutes } from './http/image-routes.js';
import { technicianRoutes } from './http/technician-routes.js';
import { ticketRoutes } from './http/ticket-routes.js';
import { PhoneProtector } from './privacy.js';

/** tickets: fault tickets from public booking to completion, technicians, receipts, audit (seed 002). */
export const ticketsService: ServiceModule<typeof ticketsConfigSchema> = {
  name: 'tickets',
  title: '故障工单 (tickets)',
  defaultPort: 8085,
  configSchema: ticketsConfigSchema,
  migrations,
  async build({ config, sequelize, outbox, auth, docs }) {
    const models = initModels(sequelize);
    const storage = new ReceiptStorage(config.UPLOAD_ROOT, config.TICKET_RECEIPT_DIR, config.ALLOWED_IMAGE_TYPES);
    await storage.init();
    const deps: TicketsDeps = {
      config,
      sequelize,
      models,
      store: new TicketStore(sequelize, models, outbox),
      phones: new PhoneProtector(config.DATA_ENCRYPTION_KEY),
      storage,
      router: (tag) => new ApiRouter(auth, docs, tag),
    };
    return {
      routers: [bookingRoutes(deps), ticketRoutes(deps), imageRoutes(deps), technicianRoutes(deps)],
      subscriptions: [userDirectorySubscription(sequelize, models)],
      jobs: [
        // booking retries arrive within minutes; keys older than two days only take space
        { name: 'tickets.prune-idempotency-keys', cron: '0 17 3 * * *', run: async () => void (await pruneIdempotencyKeys(sequelize, 48)) },
      ],
    };
  },
};
