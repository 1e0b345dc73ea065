import { runMain } from '@backoffice/kit';
import { writingOrdersService } from './service.js';

await runMain(writingOrdersService);
