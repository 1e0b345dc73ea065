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

/**
 * Stops accepting connections and waits for requests in flight. Keep-alive connections are closed
 * as soon as they fall idle (not after the 65 s keep-alive); after `graceMs` the rest are cut.
 */
export async function closeServer(server: Server, graceMs = 20_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  server.closeIdleConnections();
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
