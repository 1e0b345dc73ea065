export { writingOrdersService } from './service.js';
