import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/**
 * Listens and resolves once bound (port 0 picks a free port). Keep-alive outlives a typical load
 * balancer's 60 s idle timeout so the balancer, not us, closes idle connections.
 */
export async function listen(app: Express, port: number): Promise<{ server: Server; port: number }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return { server, port: (server.address() as AddressInfo).port };
}
