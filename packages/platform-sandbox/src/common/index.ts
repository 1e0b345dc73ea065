export * from './clock.js';
export * from './signing.js';
export * from './faults.js';
export * from './admin.js';
