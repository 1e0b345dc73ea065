import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process. In the single-process mode several services share it, so every
 * series carries a `service` label.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route template and status',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const outboxBacklog = new Gauge({
  name: 'outbox_backlog',
  help: 'Outbox rows not yet published, by status',
  labelNames: ['service', 'status'] as const,
  registers: [metricsRegistry],
});

export const outboxOldestAge = new Gauge({
  name: 'outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest pending outbox row',
  labelNames: ['service'] as const,
  registers: [metricsRegistry],
});

export const outboxPublished = new Counter({
  name: 'outbox_published_total',
  help: 'Outbox rows published to the bus',
  labelNames: ['service'] as const,
  registers: [metricsRegistry],
});

export const consumerEvents = new Counter({
  name: 'bus_consumer_events_total',
  help: 'Events handled by consumers, by outcome (ok, retry, dead_letter, duplicate)',
  labelNames: ['group', 'type', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const consumerLag = new Gauge({
  name: 'bus_consumer_lag_seconds',
  help: 'Age of the last event a consumer handled, at the time it handled it',
  labelNames: ['group', 'type'] as const,
  registers: [metricsRegistry],
});

export const upstreamCalls = new Counter({
  name: 'http_client_calls_total',
  help: 'Outgoing HTTP calls by upstream and outcome (success, failure, rejected, timeout)',
  labelNames: ['upstream', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const breakerState = new Gauge({
  name: 'circuit_breaker_state',
  help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
  labelNames: ['upstream'] as const,
  registers: [metricsRegistry],
});

export const jobRuns = new Counter({
  name: 'scheduled_job_runs_total',
  help: 'Scheduled job ticks by outcome (ran, skipped_locked, failed)',
  labelNames: ['job', 'outcome'] as const,
  registers: [metricsRegistry],
});
