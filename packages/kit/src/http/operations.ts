import type { Express } from 'express';
import { metricsRegistry } from '../metrics.js';

export type ReadinessCheck = () => Promise<void>;

export interface OperationsOptions {
  service: string;
  /** Named checks for /readyz (db, bus …). */
  readiness?: Record<string, ReadinessCheck>;
  /** False while shutting down, so load balancers stop sending traffic. */
  isAcceptingTraffic?: () => boolean;
}

/** /healthz (alive), /readyz (dependencies reachable and not shutting down), /metrics. */
export function mountOperationalEndpoints(app: Express, options: OperationsOptions): void {
  app.get('/healthz', (_req, res) => {
    res.json({ code: 0, message: 'ok', data: { service: options.service } });
  });
  app.get('/readyz', async (_req, res) => {
    const results: Record<string, string> = {};
    let ready = options.isAcceptingTraffic?.() ?? true;
    if (!ready) results.shutdown = 'shutting down';
    for (const [name, check] of Object.entries(options.readiness ?? {})) {
      try {
        await check();
        results[name] = 'ok';
      } catch (err) {
        ready = false;
        results[name] = err instanceof Error ? err.message : String(err);
      }
    }
    res
      .status(ready ? 200 : 503)
      .json(ready ? { code: 0, message: 'ready', data: results } : { code: 503, message: '服务未就绪', reason: 'NOT_READY', details: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
}
