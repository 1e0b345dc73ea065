export { pddVerifyService } from './service.js';
