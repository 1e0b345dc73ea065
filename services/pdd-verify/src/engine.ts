import { ResilientHttpClient, SecretBox, type Outbox } from '@backoffice/kit';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import { Alerts } from './alerts/alerts.js';
import { smtpMailer, type Mailer } from './alerts/mailer.js';
import type { PddVerifyConfig } from './config.js';
import { CardStore } from './db/card-store.js';
import { initModels, type PddModels } from './db/models.js';
import { OrderStore } from './db/order-store.js';
import { VerificationStore } from './db/verification-store.js';
import { Deliverer } from './jobs/delivery.js';
import { OrderMonitor } from './jobs/monitor.js';
import { Verifier } from './jobs/verification.js';
import { errorReason, isThrottled, isTransient, PddApiError } from './platform/errors.js';
import { PddClient } from './platform/pdd-client.js';
import { PddTokenStore } from './platform/token-store.js';

export type CycleStep = 'monitor' | 'deliver' | 'verify';
export const ALL_STEPS: readonly CycleStep[] = ['monitor', 'deliver', 'verify'];

export interface CycleReport {
  monitor?: Awaited<ReturnType<OrderMonitor['pull']>> | { error: string };
  deliver?: Awaited<ReturnType<Deliverer['deliverDue']>>;
  verify?: Awaited<ReturnType<Verifier['verifyDue']>>;
  alerts?: Awaited<ReturnType<Alerts['flush']>>;
}

export interface PddEngine {
  models: PddModels;
  client: PddClient;
  http: ResilientHttpClient;
  tokens: PddTokenStore;
  orders: OrderStore;
  cards: CardStore;
  alerts: Alerts;
  monitor: OrderMonitor;
  delivery: Deliverer;
  verifier: Verifier;
  codes: SecretBox;
  /** One cycle: pull orders, deliver what is due, verify what is due, mail alerts. One at a time per process. */
  runCycle(steps?: readonly CycleStep[]): Promise<CycleReport>;
  close(): Promise<void>;
}

/** Everything the service does, wired from its configuration: used by the web service, the worker modes and tests. */
export function createPddEngine(deps: { config: PddVerifyConfig; sequelize: Sequelize; outbox: Outbox; logger: Logger; mailer?: Mailer }): PddEngine {
  const { config, sequelize, outbox, logger } = deps;
  const models = initModels(sequelize);
  const http = new ResilientHttpClient({
    name: 'pdd',
    baseURL: config.PDD_API_URL,
    timeoutMs: config.PDD_TIMEOUT_MS,
    retries: config.PDD_HTTP_RETRIES,
    breaker: { resetTimeoutMs: config.PDD_BREAKER_RESET_MS },
  });
  const tokens = new PddTokenStore(sequelize, config.DATA_ENCRYPTION_KEY, { access: config.PDD_ACCESS_TOKEN, refresh: config.PDD_REFRESH_TOKEN }, logger);
  const client = new PddClient(http, { clientId: config.PDD_APP_ID, clientSecret: config.PDD_APP_SECRET }, tokens);
  tokens.refresher = async (refreshToken) => {
    const body = await client.callAnonymous<Record<string, { access_token: string; refresh_token: string; expires_in?: number; expires_at?: number }>>('pdd.pop.auth.token.refresh', {
      refresh_token: refreshToken,
    });
    return body.pop_auth_token_refresh_response ?? body.pop_auth_token_create_response;
  };
  const mailer = deps.mailer ?? smtpMailer(config);
  const alerts = new Alerts(sequelize, models, mailer, config.ALERT_WINDOW_MINUTES, logger);
  const codes = new SecretBox(config.DATA_ENCRYPTION_KEY, 'pdd-card-code');
  const orders = new OrderStore(sequelize, models);
  const cards = new CardStore(sequelize, models, outbox);
  const monitor = new OrderMonitor(client, orders, { lagSeconds: config.ORDER_SYNC_LAG_SECONDS, overlapSeconds: config.ORDER_SYNC_OVERLAP_SECONDS, lookbackMinutes: config.ORDER_SYNC_LOOKBACK_MINUTES }, logger);
  const delivery = new Deliverer(cards, models, client, codes, alerts, { leaseSeconds: config.DELIVERY_LEASE_SECONDS, retrySeconds: config.RETRY_BACKOFF_SECONDS, lowStockDefault: config.LOW_STOCK_THRESHOLD }, logger);
  const verifier = new Verifier(
    sequelize,
    models,
    new VerificationStore(sequelize, models, outbox),
    client,
    codes,
    alerts,
    { maxAttempts: config.MAX_RETRY_TIMES, backoffBaseSeconds: config.RETRY_BACKOFF_SECONDS, leaseSeconds: config.DELIVERY_LEASE_SECONDS, hashSecret: config.DATA_ENCRYPTION_KEY },
    logger,
  );

  let running: Promise<CycleReport> | undefined;
  const cycle = async (steps: readonly CycleStep[]): Promise<CycleReport> => {
    const report: CycleReport = {};
    if (steps.includes('monitor')) {
      try {
        report.monitor = await monitor.pull();
      } catch (err) {
        const reason = errorReason(err);
        report.monitor = { error: reason };
        logger.warn({ err }, 'order pull failed; the cursor stays and the next cycle continues from it');
        if (err instanceof PddApiError && err.code === 10019) await alerts.raise({ kind: 'auth_failed', line: `拉取订单：${reason}` });
        else if (!isThrottled(err) && (isTransient(err) || !(err instanceof PddApiError))) await alerts.raise({ kind: 'platform_outage', line: `拉取订单：${reason}` });
      }
    }
    if (steps.includes('deliver')) report.deliver = await delivery.deliverDue();
    if (steps.includes('verify')) report.verify = await verifier.verifyDue();
    report.alerts = await alerts.flush();
    return report;
  };
  return {
    models,
    client,
    http,
    tokens,
    orders,
    cards,
    alerts,
    monitor,
    delivery,
    verifier,
    codes,
    runCycle(steps = ALL_STEPS) {
      return (running ??= cycle(steps).finally(() => (running = undefined)));
    },
    async close() {
      await running?.catch(() => undefined);
      http.shutdown();
      mailer.close();
    },
  };
}
