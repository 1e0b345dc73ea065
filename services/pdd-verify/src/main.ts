import { runMain } from '@backoffice/kit';
import { pddVerifyService } from './service.js';

await runMain(pddVerifyService);
