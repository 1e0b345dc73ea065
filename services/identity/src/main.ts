import { runMain } from '@backoffice/kit';
import { identityService } from './service.js';

await runMain(identityService);
