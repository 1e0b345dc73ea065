import type { Server } from 'node:http';
import type { Express } from 'express';

/** One running platform imitation: a real HTTP server on loopback. */
export interface RunningSandbox {
  name: 'meituan' | 'douyin' | 'pdd';
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Seed a set of demo data (npm start). */
  seed?: boolean;
}

/** Listens on 127.0.0.1 and returns the running sandbox. */
export async function listenSandbox(name: RunningSandbox['name'], app: Express, port: number): Promise<RunningSandbox> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    name,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
