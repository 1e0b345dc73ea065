import { runMain } from '@backoffice/kit';
import { vouchersService } from './service.js';

await runMain(vouchersService);
