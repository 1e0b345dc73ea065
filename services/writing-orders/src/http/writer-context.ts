import type { WriterModels } from '../db/writer-models.js';
import type { WriterStore } from '../db/writer-store.js';
import type { CaseStorage } from '../files/case-storage.js';
import type { IdentityClient } from '../identity-client.js';
import type { WriterPrivacy } from '../writer-privacy.js';
import type { WritingDeps } from './context.js';

/** What the writers area's routers share on top of the service's common deps. */
export interface WriterDeps extends WritingDeps {
  models: WriterModels;
  store: WriterStore;
  privacy: WriterPrivacy;
  identity: IdentityClient;
  caseStorage: CaseStorage;
}
