import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { httpDuration } from '../metrics.js';
import { errorHandler, notFoundHandler } from './errors.js';
import type { OpenApiDocument } from './openapi.js';
import { mountOperationalEndpoints, type ReadinessCheck } from './operations.js';
import { assignRequestId, enterRequestContext } from './request-id.js';
import { parseTrustProxy, SERVICE_TRUST_PROXY_DEFAULT, type TrustProxy } from './trust-proxy.js';
import './types.js';

export type { ReadinessCheck };
export * from './trust-proxy.js';

export interface AppOptions {
  service: string;
  logger: Logger;
  routers: Router[];
  docs?: OpenApiDocument;
  /** Named checks for /readyz (db, bus …). */
  readiness?: Record<string, ReadinessCheck>;
  /** Set false while shutting down so load balancers stop sending traffic. */
  isAcceptingTraffic?: () => boolean;
  bodyLimit?: string;
  /** Log every request (off in benchmarks). */
  accessLog?: boolean;
  /** Whose X-Forwarded-For to believe; without it TRUST_PROXY from the environment, else loopback only. */
  trustProxy?: TrustProxy;
}

/** The Express app every service uses: request id, logs, metrics, JSON limits, health, errors. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? parseTrustProxy(process.env.TRUST_PROXY ?? SERVICE_TRUST_PROXY_DEFAULT));
  app.set('etag', false);

  app.use(assignRequestId);
  if (options.accessLog !== false) {
    app.use(
      pinoHttp({
        logger: options.logger,
        genReqId: (req) => (req as express.Request).requestId,
        autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
        serializers: { req: (req) => ({ method: req.method, url: req.url }), res: (res) => ({ statusCode: res.statusCode }) },
      }),
    );
  }
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ service: options.service, method: req.method });
    res.on('finish', () => {
      // the route template, not the URL, so ids do not explode the label set
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      end({ route, status: String(res.statusCode) });
    });
    next();
  });

  mountOperationalEndpoints(app, options);
  if (options.docs) {
    const docs = options.docs;
    app.get('/openapi.json', (_req, res) => {
      res.json(docs.toJSON());
    });
  }

  app.use(express.json({ limit: options.bodyLimit ?? '1mb' }));
  app.use(enterRequestContext);
  for (const router of options.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
