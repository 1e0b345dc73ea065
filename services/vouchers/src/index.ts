export { vouchersService } from './service.js';
