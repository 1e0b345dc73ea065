import { ResilientHttpClient } from '@backoffice/kit';
import { upstreamRoutes } from './routes.js';

interface ServiceDoc {
  paths?: Record<string, unknown>;
  components?: { securitySchemes?: Record<string, unknown> };
}

/**
 * Builds one OpenAPI document from every service's own /openapi.json, keeping only the paths the
 * gateway routes to that service. A service that is down is listed as missing, not fatal.
 */
export class MergedOpenApi {
  private readonly clients = new Map<string, ResilientHttpClient>();

  constructor(targets: Record<string, string>) {
    for (const r of upstreamRoutes) {
      this.clients.set(r.service, new ResilientHttpClient({ name: `${r.service}-docs`, baseURL: targets[r.service], timeoutMs: 2000, retries: 0 }));
    }
  }

  async build() {
    const paths: Record<string, unknown> = {};
    const missing: string[] = [];
    await Promise.all(
      upstreamRoutes.map(async (r) => {
        try {
          const { data } = await this.clients.get(r.service)!.request<ServiceDoc>({ url: '/openapi.json' });
          for (const [path, item] of Object.entries(data.paths ?? {})) {
            if (r.prefixes.some((p) => path === p || path.startsWith(`${p}/`))) paths[path] = item;
          }
        } catch {
          missing.push(r.service);
        }
      }),
    );
    return {
      openapi: '3.1.0',
      info: {
        title: 'Back office API',
        version: '1.0.0',
        description: missing.length ? `Not reachable while this document was built: ${missing.sort().join(', ')}` : 'All services reachable.',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
      paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  shutdown() {
    for (const c of this.clients.values()) c.shutdown();
  }
}
