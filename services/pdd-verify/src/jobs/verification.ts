import { conflict, notFound, unprocessable } from '@backoffice/contracts';
import { keyedHash, type SecretBox } from '@backoffice/kit';
import type { Logger } from 'pino';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Alerts } from '../alerts/alerts.js';
import type { PddModels } from '../db/models.js';
import type { Requester, VerificationStore } from '../db/verification-store.js';
import { afterFailure, backoffSeconds, verificationTransNo } from '../domain/rules.js';
import { errorCode, errorReason, isThrottled, isTransient } from '../platform/errors.js';
import type { PddClient } from '../platform/pdd-client.js';
import { ordersVerified, verificationsFailed } from '../metrics.js';
import { mapLimit } from './concurrency.js';

export type AttemptOutcome = 'verified' | 'retrying' | 'failed' | 'busy';

export interface VerifyResult {
  order_sn: string;
  outcome: AttemptOutcome;
  attempts: number;
  reason?: string;
}

export interface VerifierOptions {
  maxAttempts: number;
  backoffBaseSeconds: number;
  leaseSeconds: number;
  /** Keys the code hashes (DATA_ENCRYPTION_KEY). */
  hashSecret: string;
}

/**
 * Verification on the platform (`pdd.voucher.virtual.card.verification`, keyed by out_trans_no so a
 * repeat after a lost answer is accepted as the same verification). Each attempt that fails for a
 * passing reason is retried with backoff up to MAX_RETRY_TIMES; then, or at once when the platform
 * refuses for good, the order is `verify_failed`, an event is published and an alert raised.
 */
export class Verifier {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: PddModels,
    private readonly store: VerificationStore,
    private readonly client: PddClient,
    private readonly box: SecretBox,
    private readonly alerts: Alerts,
    private readonly options: VerifierOptions,
    private readonly logger: Logger,
  ) {}

  /** Orders whose automatic (or requested) verification is due. */
  async verifyDue(limit = 500, concurrency = 8): Promise<Record<AttemptOutcome, number>> {
    const rows = await this.sequelize.query<{ order_sn: string }>(
      `SELECT order_sn FROM pdd_orders WHERE status = 'delivered' AND next_verify_at IS NOT NULL AND next_verify_at <= ? ORDER BY next_verify_at LIMIT ${Number(limit)}`,
      { replacements: [new Date()], type: QueryTypes.SELECT },
    );
    const results = await mapLimit(rows, concurrency, (r) =>
      this.attempt(r.order_sn).catch((err): VerifyResult => {
        this.logger.error({ err, orderSn: r.order_sn }, 'verification step failed; retried in a later cycle');
        return { order_sn: r.order_sn, outcome: 'busy', attempts: 0 };
      }),
    );
    const tally: Record<AttemptOutcome, number> = { verified: 0, retrying: 0, failed: 0, busy: 0 };
    results.forEach((r) => (tally[r.outcome] += 1));
    return tally;
  }

  /** One attempt for a due order. */
  async attempt(orderSn: string): Promise<VerifyResult> {
    if (!(await this.store.lease(orderSn, this.options.leaseSeconds))) return { order_sn: orderSn, outcome: 'busy', attempts: 0 };
    const order = (await this.models.PddOrder.findOne({ where: { order_sn: orderSn } }))!;
    const card = (await this.models.CardCode.findByPk(order.card_code_id!))!;
    const record = await this.store.currentRecord(order, card.code_masked);
    const attempts = order.verify_attempts + 1;
    try {
      await this.client.call('pdd.voucher.virtual.card.verification', {
        order_sn: orderSn,
        voucher_data_list: [{ voucher_no: this.box.decrypt(card.code_encrypted), voucher_status: 1, voucher_time: Math.floor(Date.now() / 1000), out_trans_no: verificationTransNo(orderSn) }],
      });
    } catch (err) {
      const reason = errorReason(err);
      const code = errorCode(err);
      const transient = isTransient(err);
      if (transient && !isThrottled(err)) await this.alerts.raise({ kind: 'platform_outage', line: `核销 ${orderSn}：${reason}` });
      if (afterFailure(attempts, this.options.maxAttempts, !transient) === 'retry') {
        verificationsFailed.inc({ outcome: 'retry' });
        await this.store.retryLater(order, record, attempts, backoffSeconds(this.options.backoffBaseSeconds, attempts), code, reason);
        return { order_sn: orderSn, outcome: 'retrying', attempts, reason };
      }
      verificationsFailed.inc({ outcome: 'failed' });
      if (await this.store.failed(order, record, attempts, code, reason)) {
        await this.alerts.raise({ kind: 'verification_failed', line: `订单 ${orderSn}（${order.goods_name}）核销失败，已尝试 ${attempts} 次：${reason}` });
      }
      return { order_sn: orderSn, outcome: 'failed', attempts, reason };
    }
    await this.store.succeeded(order, record, attempts);
    ordersVerified.inc({ mode: record.mode });
    return { order_sn: orderSn, outcome: 'verified', attempts };
  }

  /**
   * A person verifies an order with the code the buyer shows: the code must be the one delivered to
   * this order; then the attempt runs at once (retries, if the platform is down, continue in the background).
   */
  async verifyByCode(orderSn: string, code: string, who: Requester): Promise<VerifyResult> {
    const order = await this.models.PddOrder.findOne({ where: { order_sn: orderSn } });
    if (!order) throw notFound('订单不存在', 'ORDER_NOT_FOUND');
    if (order.status === 'verified') throw conflict('该订单已核销，不能重复核销', 'ALREADY_VERIFIED');
    if (order.status !== 'delivered' && order.status !== 'verify_failed') throw unprocessable('订单尚未发货，不能核销', 'NOT_DELIVERED');
    const card = order.card_code_id ? await this.models.CardCode.findByPk(order.card_code_id) : null;
    if (!card || card.code_hash !== keyedHash(this.options.hashSecret, code.trim())) throw unprocessable('核销码不正确', 'CODE_MISMATCH');
    const record = await this.store.request(order, card.code_masked, who);
    if (!record) throw conflict('该订单正在核销中，请稍后再试', 'VERIFICATION_IN_PROGRESS');
    const result = await this.attempt(orderSn);
    if (result.outcome === 'busy') throw conflict('该订单正在核销中，请稍后再试', 'VERIFICATION_IN_PROGRESS');
    return result;
  }
}
