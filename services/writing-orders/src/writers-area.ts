import type { AreaParts } from './area.js';
import type { WritingDeps } from './http/context.js';

/** Writers (五), ratings (九), cases (十), statistics (七). */
export async function writersArea(_deps: WritingDeps): Promise<AreaParts> {
  return { routers: [] };
}
