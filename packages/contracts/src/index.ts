export * from './envelope.js';
export * from './errors.js';
export * from './events/index.js';
export * from './permissions.js';
export * from './roles.js';
export * from './claims.js';
