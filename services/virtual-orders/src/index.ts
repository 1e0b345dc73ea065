export { virtualOrdersService } from './service.js';
