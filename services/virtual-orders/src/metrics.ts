import { metricsRegistry } from '@backoffice/kit';
import { Counter, Gauge } from 'prom-client';
import type { Observer } from './db/pool-store.js';
import type { Overview } from './db/stats.js';

/** Seed 000 监控指标: tasks generated, completion rate, expiries, pool state. */
const generated = new Counter({ name: 'virtual_tasks_generated_total', help: 'Virtual tasks generated', registers: [metricsRegistry] });
const expired = new Counter({ name: 'virtual_tasks_expired_total', help: 'Virtual tasks deleted after 24 h unaccepted (amount returned to the pool)', registers: [metricsRegistry] });
const completed = new Counter({ name: 'virtual_tasks_completed_total', help: 'Virtual tasks completed', registers: [metricsRegistry] });

let source: (() => Promise<Overview>) | undefined;

/** The figures for one scrape; a database hiccup leaves the gauges as they were rather than failing /metrics. */
let cached: { at: number; value: Promise<Overview | undefined> } | undefined;
function figures(): Promise<Overview | undefined> {
  // the four gauges of one scrape share one read
  if (cached && Date.now() - cached.at < 1000) return cached.value;
  const read = source;
  const value = read ? read().catch(() => undefined) : Promise.resolve(undefined);
  cached = { at: Date.now(), value };
  return value;
}

new Gauge({
  name: 'virtual_task_completion_ratio',
  help: 'Completed virtual tasks / all current virtual tasks',
  registers: [metricsRegistry],
  async collect() {
    const o = await figures();
    if (!o) return;
    this.set(o.total_tasks ? o.completed_tasks / o.total_tasks : 0);
  },
});
new Gauge({
  name: 'virtual_tasks',
  help: 'Current virtual tasks by status',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
  async collect() {
    const o = await figures();
    if (!o) return;
    this.set({ status: 'open' }, o.open_tasks);
    this.set({ status: 'accepted' }, o.accepted_tasks);
    this.set({ status: 'completed' }, o.completed_tasks);
  },
});
new Gauge({
  name: 'virtual_pools',
  help: 'Subsidy pools by status',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
  async collect() {
    const o = await figures();
    if (!o) return;
    for (const [status, n] of Object.entries(o.pools)) this.set({ status }, n);
  },
});
new Gauge({
  name: 'virtual_pool_amount_yuan',
  help: 'Subsidy pool amounts: total, completed (paid as income), unpaid',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
  async collect() {
    const o = await figures();
    if (!o) return;
    this.set({ kind: 'total' }, o.total_subsidy_fen / 100);
    this.set({ kind: 'completed' }, o.completed_fen / 100);
    this.set({ kind: 'unpaid' }, o.remaining_fen / 100);
  },
});

export const metricsObserver: Observer = {
  generated: (n) => n > 0 && generated.inc(n),
  expired: (n) => n > 0 && expired.inc(n),
  completed: (n) => n > 0 && completed.inc(n),
} as Observer;

/** The gauges read the figures of the (last started) service in this process when scraped. */
export function useMetricsSource(read: (() => Promise<Overview>) | undefined) {
  source = read;
  cached = undefined;
}
