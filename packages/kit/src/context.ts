import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthUser } from '@backoffice/contracts';

/** What the current request (or the event being handled) is about; copied into the events it causes. */
export interface RequestContext {
  requestId: string;
  user?: AuthUser;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const runWithContext = <T>(ctx: RequestContext, fn: () => T): T => storage.run(ctx, fn);
export const currentContext = (): RequestContext | undefined => storage.getStore();
