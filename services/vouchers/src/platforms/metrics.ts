import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '@backoffice/kit';

export const platformCallSeconds = new Histogram({
  name: 'vouchers_platform_call_seconds',
  help: 'Calls to Meituan/Douyin by api and outcome (ok, refused, unknown, unavailable)',
  labelNames: ['platform', 'api', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [metricsRegistry],
});

export const verifications = new Counter({
  name: 'vouchers_verifications_total',
  help: 'Voucher verifications and cancels by platform and outcome',
  labelNames: ['platform', 'operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const reconciliationMismatches = new Gauge({
  name: 'vouchers_reconciliation_mismatches',
  help: 'Vouchers whose local state differs from the platform at the last reconciliation',
  labelNames: ['platform'] as const,
  registers: [metricsRegistry],
});
