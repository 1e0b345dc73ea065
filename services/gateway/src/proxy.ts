import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import type { Request } from 'express';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import { matchesPrefix, type UpstreamRoute } from './routes.js';

/**
 * One proxy per upstream service. The keep-alive agent matters: without it every proxied request opens
 * a new upstream connection (most of the gateway's cost under load).
 */
export function upstreamProxy(route: UpstreamRoute, target: string, options: { timeoutMs: number; logger: Logger }): RequestHandler {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, keepAliveMsecs: 10_000 });
  const fail = (res: ServerResponse | Socket, status: number, message: string, reason: string) => {
    if (!('writeHead' in res) || res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: status, message, reason }));
  };
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target,
    agent,
    // X-Forwarded-* are written below from what the gateway decided, never passed on from the client
    xfwd: false,
    proxyTimeout: options.timeoutMs,
    pathFilter: (path) => route.prefixes.some((p) => matchesPrefix(path, p)),
    ejectPlugins: true,
    plugins: [
      (proxy) => {
        // when each request was handed to the upstream: a failure after the timeout is a timeout
        const startedAt = new WeakMap<IncomingMessage, number>();
        proxy.on('proxyReq', (proxyReq, req) => {
          startedAt.set(req, Date.now());
          const request = req as Request;
          proxyReq.setHeader('x-request-id', request.requestId);
          // the services trust the gateway's hop: one address, the client as TRUST_PROXY resolved it
          proxyReq.setHeader('x-forwarded-for', request.ip ?? request.socket.remoteAddress ?? 'unknown');
          proxyReq.setHeader('x-forwarded-proto', request.protocol);
          if (request.get('host')) proxyReq.setHeader('x-forwarded-host', request.get('host')!);
          proxyReq.removeHeader('forwarded');
          proxyReq.removeHeader('x-real-ip');
        });
        proxy.on('error', (err, req, res) => {
          const waited = Date.now() - (startedAt.get(req) ?? Date.now());
          options.logger.warn({ err, upstream: route.service, waited, requestId: (req as Request).requestId }, 'upstream call failed');
          if (waited >= options.timeoutMs) fail(res, 504, `${route.service} 服务响应超时，请稍后重试`, 'UPSTREAM_TIMEOUT');
          else fail(res, 503, `${route.service} 服务暂不可用，请稍后重试`, 'UPSTREAM_UNAVAILABLE');
        });
      },
    ],
  });
}
