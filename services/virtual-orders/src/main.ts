import { runMain } from '@backoffice/kit';
import { virtualOrdersService } from './service.js';

await runMain(virtualOrdersService);
