import { affectedRows, inTransaction, type Outbox } from '@backoffice/kit';
import { pddOrderVerified, pddVerificationFailed } from '@backoffice/contracts';
import { QueryTypes, type Sequelize } from 'sequelize';
import { verificationTransNo, type VerifyMode } from '../domain/rules.js';
import type { PddModels, PddOrder, VerificationRecord } from './models.js';

export interface Requester {
  mode: VerifyMode;
  operatorUserId: number | null;
}

/** Verification state of orders and its records; every change in one transaction with its event. */
export class VerificationStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: PddModels,
    private readonly outbox: Outbox,
  ) {}

  /**
   * A person asks to verify now (manual or batch): the order becomes due at once with a fresh
   * attempt count and a new record; a record still running is superseded. Null if someone else holds it.
   */
  async request(order: PddOrder, codeMasked: string, who: Requester): Promise<VerificationRecord | null> {
    return inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      const record = await this.models.VerificationRecord.create(
        { order_sn: order.order_sn, goods_id: order.goods_id, mode: who.mode, code_masked: codeMasked, status: 'pending', attempts: 0, out_trans_no: verificationTransNo(order.order_sn), operator_user_id: who.operatorUserId },
        { transaction },
      );
      const [, meta] = await this.sequelize.query(
        `UPDATE pdd_orders SET status = 'delivered', verify_attempts = 0, verify_mode = ?, verify_record_id = ?, next_verify_at = ?, last_error = NULL, updated_at = ?
          WHERE order_sn = ? AND status IN ('delivered', 'verify_failed') AND (lease_until IS NULL OR lease_until <= ?)`,
        { type: QueryTypes.UPDATE, replacements: [who.mode, record.id, now, now, order.order_sn, now], transaction },
      );
      // throwing rolls the new record back with the rest
      if (!affectedRows(meta)) throw new BusyError();
      await this.sequelize.query("UPDATE verification_records SET status = 'superseded', updated_at = ? WHERE order_sn = ? AND status IN ('pending', 'retrying') AND id <> ?", { type: QueryTypes.UPDATE, replacements: [now, order.order_sn, record.id],
        transaction,
      });
      return record;
    }).catch((err) => {
      if (err instanceof BusyError) return null;
      throw err;
    });
  }

  /** Leases a due order for one attempt; false if another worker holds it or it is no longer due. */
  async lease(orderSn: string, seconds: number): Promise<boolean> {
    const now = new Date();
    const [, meta] = await this.sequelize.query(
      "UPDATE pdd_orders SET lease_until = ?, updated_at = ? WHERE order_sn = ? AND status = 'delivered' AND next_verify_at IS NOT NULL AND next_verify_at <= ? AND (lease_until IS NULL OR lease_until <= ?)",
      { type: QueryTypes.UPDATE, replacements: [new Date(now.getTime() + seconds * 1000), now, orderSn, now, now] },
    );
    return affectedRows(meta) > 0;
  }

  /** The record of the current series, created for automatic verification on its first attempt. */
  async currentRecord(order: PddOrder, codeMasked: string): Promise<VerificationRecord> {
    if (order.verify_record_id) {
      const record = await this.models.VerificationRecord.findByPk(order.verify_record_id);
      if (record) return record;
    }
    return inTransaction(this.sequelize, async (transaction) => {
      const record = await this.models.VerificationRecord.create(
        { order_sn: order.order_sn, goods_id: order.goods_id, mode: order.verify_mode ?? 'auto', code_masked: codeMasked, status: 'pending', attempts: 0, out_trans_no: verificationTransNo(order.order_sn), operator_user_id: null },
        { transaction },
      );
      await this.sequelize.query('UPDATE pdd_orders SET verify_record_id = ? WHERE order_sn = ?', { type: QueryTypes.UPDATE, replacements: [record.id, order.order_sn], transaction });
      return record;
    });
  }

  async succeeded(order: PddOrder, record: VerificationRecord, attempts: number): Promise<void> {
    await inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      const [, meta] = await this.sequelize.query(
        "UPDATE pdd_orders SET status = 'verified', verified_at = ?, verify_attempts = ?, next_verify_at = NULL, lease_until = NULL, last_error = NULL, updated_at = ? WHERE order_sn = ? AND status = 'delivered'",
        { type: QueryTypes.UPDATE, replacements: [now, attempts, now, order.order_sn], transaction },
      );
      if (!affectedRows(meta)) return;
      await this.models.VerificationRecord.update({ status: 'success', attempts, verified_at: now, error_code: null, reason: null }, { where: { id: record.id }, transaction });
      await this.outbox.add(transaction, pddOrderVerified, order.order_sn, {
        order_sn: order.order_sn,
        goods_id: order.goods_id,
        mode: record.mode,
        attempts,
        operator_user_id: record.operator_user_id,
        verified_at: now.toISOString(),
      });
    });
  }

  async retryLater(order: PddOrder, record: VerificationRecord, attempts: number, inSeconds: number, errorCode: string | null, reason: string): Promise<void> {
    await inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      await this.sequelize.query(
        "UPDATE pdd_orders SET verify_attempts = ?, next_verify_at = ?, lease_until = NULL, last_error = ?, updated_at = ? WHERE order_sn = ? AND status = 'delivered'",
        { type: QueryTypes.UPDATE, replacements: [attempts, new Date(now.getTime() + inSeconds * 1000), reason.slice(0, 500), now, order.order_sn], transaction },
      );
      await this.models.VerificationRecord.update({ status: 'retrying', attempts, error_code: errorCode, reason: reason.slice(0, 500) }, { where: { id: record.id }, transaction });
    });
  }

  async failed(order: PddOrder, record: VerificationRecord, attempts: number, errorCode: string | null, reason: string): Promise<boolean> {
    return inTransaction(this.sequelize, async (transaction) => {
      const now = new Date();
      const [, meta] = await this.sequelize.query(
        "UPDATE pdd_orders SET status = 'verify_failed', verify_attempts = ?, next_verify_at = NULL, lease_until = NULL, last_error = ?, updated_at = ? WHERE order_sn = ? AND status = 'delivered'",
        { type: QueryTypes.UPDATE, replacements: [attempts, reason.slice(0, 500), now, order.order_sn], transaction },
      );
      if (!affectedRows(meta)) return false;
      await this.models.VerificationRecord.update({ status: 'failed', attempts, error_code: errorCode, reason: reason.slice(0, 500) }, { where: { id: record.id }, transaction });
      await this.outbox.add(transaction, pddVerificationFailed, order.order_sn, { order_sn: order.order_sn, goods_id: order.goods_id, mode: record.mode, attempts, error_code: errorCode, reason });
      return true;
    });
  }
}

class BusyError extends Error {}
