import type { AreaParts } from './area.js';
import { initWriterModels } from './db/writer-models.js';
import { WriterStore } from './db/writer-store.js';
import { CaseStorage } from './files/case-storage.js';
import { caseRoutes } from './http/case-routes.js';
import type { WritingDeps } from './http/context.js';
import { openRegistrationRoutes } from './http/open-registration-routes.js';
import { ratingRoutes } from './http/rating-routes.js';
import { statisticsRoutes } from './http/statistics-routes.js';
import type { WriterDeps } from './http/writer-context.js';
import { writerRoutes } from './http/writer-routes.js';
import { IdentityClient } from './identity-client.js';
import { WriterPrivacy } from './writer-privacy.js';

/** Writers (五), ratings (九), cases (十), statistics (七). */
export async function writersArea(base: WritingDeps): Promise<AreaParts> {
  const { config, sequelize } = base;
  const models = initWriterModels(sequelize);
  const caseStorage = new CaseStorage(config.UPLOAD_ROOT, config.CASE_IMAGE_DIR);
  await caseStorage.init();
  const deps: WriterDeps = {
    ...base,
    models,
    store: new WriterStore(sequelize, models, config.BUSINESS_TIMEZONE),
    privacy: new WriterPrivacy(config.DATA_ENCRYPTION_KEY),
    identity: new IdentityClient(config.IDENTITY_URL, config.INTERNAL_API_TOKEN),
    caseStorage,
  };
  // the open registration and the rating routes under /api/writers/... come before /api/writers/:id
  return {
    routers: [openRegistrationRoutes(deps), ratingRoutes(deps), writerRoutes(deps), caseRoutes(deps), statisticsRoutes(deps)],
  };
}
