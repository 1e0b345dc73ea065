export * from './sandbox.js';
export { startMeituanSandbox } from './meituan/index.js';
export { startDouyinSandbox } from './douyin/index.js';
export { startPddSandbox } from './pdd/index.js';
export { startSandboxes, sandboxDefaultPorts, type RunningSandboxes } from './start.js';
export { MEITUAN_DEMO, MEITUAN_DEALS, MEITUAN_CODES } from './meituan/index.js';
export { DOUYIN_DEMO, DOUYIN_SKUS, DOUYIN_CODES, encryptCode } from './douyin/index.js';
export * as sandboxCommon from './common/index.js';
