import { AppError } from '@backoffice/contracts';
import { assignRequestId, Authenticator, errorHandler, httpDuration, mountOperationalEndpoints, notFoundHandler } from '@backoffice/kit';
import cors from 'cors';
import helmet from 'helmet';
import express, { type Express, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { GatewayConfig } from './config.js';
import { MergedOpenApi } from './openapi.js';
import { upstreamProxy } from './proxy.js';
import { PublicRoutes } from './public-routes.js';
import { matchesPrefix, upstreamRoutes } from './routes.js';

const tooMany = (message: string): RequestHandler => (_req, res) => {
  res.status(429).json({ code: 429, message, reason: 'RATE_LIMITED' });
};

/** The only public entry: CORS, per-IP limits, token check at the edge, then the route table. */
export function createGatewayApp(config: GatewayConfig, logger: Logger, isAcceptingTraffic: () => boolean = () => true): { app: Express; close: () => void } {
  const targets = Object.fromEntries(upstreamRoutes.map((r) => [r.service, config[r.urlVariable] as string]));
  const auth = Authenticator.fromJwksUrl(config.JWKS_URL ?? `${targets.identity}/.well-known/jwks.json`);
  const docs = new MergedOpenApi(targets);
  const publicRoutes = new PublicRoutes(docs, logger);
  publicRoutes.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(assignRequestId);
  if (config.ACCESS_LOG === 'true') {
    app.use(pinoHttp({ logger, genReqId: (req) => (req as express.Request).requestId, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  }
  app.use((req, res, next) => {
    const end = httpDuration.startTimer({ service: 'gateway', method: req.method });
    res.on('finish', () => {
      const route = upstreamRoutes.find((r) => r.prefixes.some((p) => matchesPrefix(req.path, p)))?.service ?? 'gateway';
      end({ route, status: String(res.statusCode) });
    });
    next();
  });
  // security headers on every answer; Swagger UI needs its inline styles, so /docs gets a looser CSP
  const secure = helmet({ crossOriginResourcePolicy: { policy: 'same-site' } });
  const secureDocs = helmet({ contentSecurityPolicy: { directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } } });
  app.use((req, res, next) => (req.path.startsWith('/docs') ? secureDocs : secure)(req, res, next));
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.use(
    cors({
      origin: origins.includes('*') ? true : origins,
      credentials: false,
      exposedHeaders: ['x-request-id'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'idempotency-key', 'if-match'],
      maxAge: 600,
    }),
  );

  mountOperationalEndpoints(app, { service: 'gateway', isAcceptingTraffic });
  app.get('/openapi.json', async (_req, res) => void res.json(await docs.build()));
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' }, customSiteTitle: 'Back office API' }));

  // IPv4 addresses are keys as they are; IPv6 ones are reduced to their /56 so one host cannot rotate
  // through its own addresses (parsing every address costs the gateway several percent of its CPU)
  const keyGenerator = (req: express.Request) => {
    const ip = req.ip ?? 'unknown';
    return ip.includes(':') && !ip.startsWith('::ffff:') ? ipKeyGenerator(ip) : ip;
  };
  const limit = (perMinute: number, message: string) =>
    rateLimit({
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator,
      // X-Forwarded-For from an untrusted peer is ignored on purpose (TRUST_PROXY)
      validate: { keyGeneratorIpFallback: false, xForwardedForHeader: false },
      handler: tooMany(message),
    });
  app.use(limit(config.RATE_LIMIT_PER_MINUTE, '请求过于频繁，请稍后再试'));
  const publicLimit = limit(config.PUBLIC_RATE_LIMIT_PER_MINUTE, '请求过于频繁，请稍后再试');
  const verify = auth.middleware();
  app.use('/api', (req, res, next) => {
    const path = `/api${req.path}`;
    const open = publicRoutes.check(req.method, path);
    if (open) return publicLimit(req, res, next);
    // just started: a request without a token waits (briefly) for the services' public routes
    if (open === undefined && !req.get('authorization')) {
      return void publicRoutes.firstLoad(3000).then(() => (publicRoutes.check(req.method, path) ? publicLimit(req, res, next) : verify(req, res, next)), next);
    }
    verify(req, res, next);
  });

  for (const route of upstreamRoutes) {
    app.use(upstreamProxy(route, targets[route.service], { timeoutMs: config.UPSTREAM_TIMEOUT_MS, logger }));
  }
  app.use('/internal', (_req, _res, next) => next(new AppError(404, '接口不存在', 'ROUTE_NOT_FOUND', 404)));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return {
    app,
    close: () => {
      publicRoutes.stop();
      docs.shutdown();
    },
  };
}
