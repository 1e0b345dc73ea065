import { startDouyinSandbox } from './douyin/index.js';
import { startMeituanSandbox } from './meituan/index.js';
import { startPddSandbox } from './pdd/index.js';
import type { RunningSandbox } from './sandbox.js';

export const sandboxDefaultPorts = { meituan: 8090, douyin: 8091, pdd: 8092 } as const;

export interface RunningSandboxes {
  meituan: RunningSandbox;
  douyin: RunningSandbox;
  pdd: RunningSandbox;
  stop(): Promise<void>;
}

/** All three platform imitations, on their default ports or on free ones (tests). */
export async function startSandboxes(options: { ports: 'default' | 'ephemeral'; seed?: boolean }): Promise<RunningSandboxes> {
  const port = (name: keyof typeof sandboxDefaultPorts) => (options.ports === 'default' ? sandboxDefaultPorts[name] : 0);
  const meituan = await startMeituanSandbox({ port: port('meituan'), seed: options.seed });
  const douyin = await startDouyinSandbox({ port: port('douyin'), seed: options.seed });
  const pdd = await startPddSandbox({ port: port('pdd'), seed: options.seed });
  return {
    meituan,
    douyin,
    pdd,
    stop: async () => {
      await Promise.all([meituan.stop(), douyin.stop(), pdd.stop()]);
    },
  };
}
