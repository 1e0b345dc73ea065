/** Which service answers which path prefix (ARCHITECTURE.md, "Gateway routes"). */
export interface UpstreamRoute {
  service: string;
  /** Environment variable holding the service's base URL. */
  urlVariable: string;
  defaultPort: number;
  prefixes: string[];
}

export const upstreamRoutes: UpstreamRoute[] = [
  { service: 'identity', urlVariable: 'IDENTITY_URL', defaultPort: 8081, prefixes: ['/api/auth', '/api/users', '/api/roles', '/api/menus'] },
  {
    service: 'writing-orders',
    urlVariable: 'WRITING_ORDERS_URL',
    defaultPort: 8082,
    prefixes: ['/api/writers', '/api/orders', '/api/customer-orders', '/api/writer-ratings', '/api/cases', '/api/statistics'],
  },
  { service: 'virtual-orders', urlVariable: 'VIRTUAL_ORDERS_URL', defaultPort: 8083, prefixes: ['/api/virtual-orders'] },
  { service: 'vouchers', urlVariable: 'VOUCHERS_URL', defaultPort: 8084, prefixes: ['/api/v1/vouchers', '/api/v1/meituan', '/api/v1/douyin', '/api/v1/platforms'] },
  { service: 'tickets', urlVariable: 'TICKETS_URL', defaultPort: 8085, prefixes: ['/api/public/booking', '/api/tickets', '/api/technicians', '/api/files'] },
  { service: 'pdd-verify', urlVariable: 'PDD_VERIFY_URL', defaultPort: 8086, prefixes: ['/api/pdd'] },
];

/** Reachable without a token; everything else under /api needs a valid access token at the edge. */
export const publicPaths = ['/api/auth/login', '/api/auth/refresh', '/api/writers/open', '/api/writers/quick-search'];
export const publicPrefixes = ['/api/public/'];

export const isPublicPath = (path: string) => publicPaths.includes(path) || publicPrefixes.some((p) => path.startsWith(p));

/** A prefix matches the path itself and anything below it, not `/api/orders-archive`. */
export const matchesPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
