import type { ApiRouter } from '@backoffice/kit';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import type { SecretBox } from '@backoffice/kit';
import type { SyncService } from '../app/sync.js';
import type { VerificationService } from '../app/verification.js';
import type { VoucherModels } from '../db/models.js';
import type { PlatformRegistry } from '../platforms/registry.js';
import type { TokenStore } from '../platforms/token-store.js';
import type { PhoneProtector } from '../privacy.js';

export interface VouchersDeps {
  sequelize: Sequelize;
  models: VoucherModels;
  registry: PlatformRegistry;
  tokens: TokenStore;
  secrets: SecretBox;
  phones: PhoneProtector;
  verification: VerificationService;
  sync: SyncService;
  logger: Logger;
  router: (tag: string) => ApiRouter;
}
