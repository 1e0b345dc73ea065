import { currentContext } from '@backoffice/kit';

const spent = new WeakMap<object, Map<string, number>>();

/** Adds `ms` to the named phase of the current request (reported as Server-Timing). */
export function addTiming(name: string, ms: number): void {
  const ctx = currentContext();
  if (!ctx) return;
  const m = spent.get(ctx) ?? new Map<string, number>();
  m.set(name, (m.get(name) ?? 0) + ms);
  spent.set(ctx, m);
}

export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    addTiming(name, performance.now() - t0);
  }
}

/** `platform;dur=412.3, claim;dur=4.1, …` for the current request. */
export function serverTiming(): string {
  const ctx = currentContext();
  const m = ctx ? spent.get(ctx) : undefined;
  if (!m?.has('platform')) (m ?? new Map()).set('platform', 0);
  return [...(m ?? new Map([['platform', 0]])).entries()].map(([k, v]) => `${k};dur=${v.toFixed(1)}`).join(', ');
}
