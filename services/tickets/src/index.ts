export { ticketsService } from './service.js';
