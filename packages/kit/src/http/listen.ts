import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
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
  server.on('clientError', answerClientError);
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

/**
 * A request Node's HTTP parser rejects (headers over the limit, a malformed request line, a body that
 * overruns its Content-Length) never reaches Express; it still gets the envelope instead of Node's
 * bare status line.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message, reason] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, '请求头或地址过长', 'HEADERS_TOO_LARGE']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, '请求超时', 'REQUEST_TIMEOUT']
        : [400, '请求格式不正确', 'MALFORMED_REQUEST'];
  const body = JSON.stringify({ code: status, message, reason });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
