export { ADMIN_PASSWORD, USER_PASSWORD, startHarness, type Harness, type HarnessOptions } from './harness.js';
