import { runMain } from '@backoffice/kit';
import { ticketsService } from './service.js';

await runMain(ticketsService);
