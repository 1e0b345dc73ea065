export * from './sandbox.js';
export { startMeituanSandbox } from './meituan/index.js';
export { startDouyinSandbox } from './douyin/index.js';
export { startPddSandbox } from './pdd/index.js';
export { startSandboxes, sandboxDefaultPorts, type RunningSandboxes } from './start.js';
