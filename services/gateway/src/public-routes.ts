import type { Logger } from 'pino';
import type { MergedOpenApi } from './openapi.js';
import { isPublicPath } from './routes.js';

interface PublicOperation {
  method: string;
  pattern: RegExp;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/x/{id}` → a regex matching one path segment per parameter. */
const templatePattern = (template: string) =>
  new RegExp(`^${template.split(/\{[^}]+\}/).map(escape).join('[^/]+')}$`);

/**
 * Which requests may pass the edge without a token: the fixed list (routes.ts) plus every operation a
 * service declares `public` in its OpenAPI document (`x-access`), so a service's new public route (a
 * platform callback, say) needs no gateway change. The services check again either way; this only
 * decides whether the gateway asks for a token first. Refreshed every `refreshMs`.
 */
export class PublicRoutes {
  private operations: PublicOperation[] = [];
  private loaded: Promise<void> | undefined;
  private isLoaded = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly docs: MergedOpenApi,
    private readonly logger: Logger,
    private readonly refreshMs = 30_000,
  ) {}

  /** Loads the table now and keeps it fresh. */
  start(): void {
    this.loaded = this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    try {
      const doc = await this.docs.build();
      const found: PublicOperation[] = [];
      for (const [path, item] of Object.entries(doc.paths ?? {}) as Array<[string, Record<string, { 'x-access'?: unknown }>]>) {
        for (const method of METHODS) if (item[method]?.['x-access'] === 'public') found.push({ method: method.toUpperCase(), pattern: templatePattern(path) });
      }
      // a service that was down keeps the routes it had; one that is back adds its own
      if (found.length || !this.operations.length) this.operations = found;
    } catch (err) {
      this.logger.warn({ err }, 'could not read the public routes of the services');
    } finally {
      this.isLoaded = true;
    }
  }

  /** Decided without waiting; `undefined` while the first table is still loading and the path is not fixed-public. */
  check(method: string, path: string): boolean | undefined {
    if (isPublicPath(path)) return true;
    const m = method === 'HEAD' ? 'GET' : method;
    if (this.operations.some((op) => op.method === m && op.pattern.test(path))) return true;
    return this.isLoaded ? false : undefined;
  }

  /** Waits for the first table, at most `ms`. */
  async firstLoad(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loaded, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }
}
