import type { AreaParts } from './area.js';
import type { WritingDeps } from './http/context.js';

/** Paid orders (六), customer orders (八), settlement, commission, exports. */
export async function ordersArea(_deps: WritingDeps): Promise<AreaParts> {
  return { routers: [] };
}
