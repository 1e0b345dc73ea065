import { metricsRegistry } from '@backoffice/kit';
import { Counter, Gauge } from 'prom-client';

export const ordersSeen = new Counter({ name: 'pdd_orders_seen_total', help: 'Orders returned by the increment order list (with overlaps)', registers: [metricsRegistry] });
export const ordersNew = new Counter({ name: 'pdd_orders_new_total', help: 'Orders stored for the first time', registers: [metricsRegistry] });
export const ordersDelivered = new Counter({ name: 'pdd_orders_delivered_total', help: 'Orders whose card code the platform accepted', registers: [metricsRegistry] });
export const ordersVerified = new Counter({ name: 'pdd_orders_verified_total', help: 'Orders verified on the platform, by mode', labelNames: ['mode'] as const, registers: [metricsRegistry] });
export const verificationsFailed = new Counter({
  name: 'pdd_verifications_failed_total',
  help: 'Verification attempts that failed, by outcome (retry, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
export const deliveryFailures = new Counter({ name: 'pdd_delivery_failures_total', help: 'Delivery attempts that failed, by kind', labelNames: ['kind'] as const, registers: [metricsRegistry] });
export const stockLeft = new Gauge({ name: 'pdd_card_stock_available', help: 'Unused card codes per goods', labelNames: ['goods_id'] as const, registers: [metricsRegistry] });
export const platformCalls = new Counter({
  name: 'pdd_platform_calls_total',
  help: 'PDD router calls by API type and outcome (ok, error_<code>, unavailable)',
  labelNames: ['api', 'outcome'] as const,
  registers: [metricsRegistry],
});
export const alertsRaised = new Counter({ name: 'pdd_alerts_raised_total', help: 'Alert occurrences by kind (grouped into fewer mails)', labelNames: ['kind'] as const, registers: [metricsRegistry] });
export const alertMails = new Counter({ name: 'pdd_alert_mails_total', help: 'Alert mails by outcome', labelNames: ['outcome'] as const, registers: [metricsRegistry] });
