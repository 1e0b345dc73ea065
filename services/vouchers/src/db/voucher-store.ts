import { voucherCancelled, voucherVerified } from '@backoffice/contracts';
import { inTransaction, type Outbox } from '@backoffice/kit';
import { UniqueConstraintError, type InferCreationAttributes, type Optional, type Sequelize, type Transaction } from 'sequelize';
import type { NullishPropertiesOf } from 'sequelize/lib/utils';
import { fenToDecimal, toFen } from '../domain/money.js';
import { addDays, businessDate, membershipEffect, OPERATION, RESULT_TYPE, successMessage, VOUCHER_STATUS, type PlatformCode } from '../domain/rules.js';
import type { PlatformVoucher } from '../platforms/types.js';
import type { PhoneProtector } from '../privacy.js';
import type { ClaimStore } from './claims.js';
import { Voucher, type GymProduct, type Member, type VoucherModels } from './models.js';

export interface VerifiedResult {
  user_id: number;
  result_type: number;
  result_id: number;
  message: string;
  voucher_id: number;
}

export interface Completion {
  platform: { id: number; code: PlatformCode };
  voucher: PlatformVoucher;
  product: GymProduct;
  operatorId: number;
  verifyId: string | null;
  requestId: string;
  /** Read before the transaction: no local voucher row existed, and the member by phone (null: none). */
  known?: { voucherAbsent: boolean; member?: Member | null };
}

type VoucherInput = Optional<InferCreationAttributes<Voucher>, NullishPropertiesOf<InferCreationAttributes<Voucher>>>;

/** Columns of a voucher row as a platform describes it. */
export function voucherColumns(platformId: number, v: PlatformVoucher, product: GymProduct | null, phones: PhoneProtector): VoucherInput {
  const phone = v.phone ? phones.protect(v.phone) : null;
  return {
    voucher_no: v.code,
    platform_id: platformId,
    platform_order_no: v.orderNo,
    voucher_type: product?.product_type ?? 0,
    product_id: product?.id ?? null,
    product_name: product?.name ?? v.title,
    original_price: fenToDecimal(v.originalFen),
    paid_price: fenToDecimal(v.paidFen),
    user_phone: phone?.masked ?? null,
    user_phone_encrypted: phone?.encrypted ?? null,
    user_phone_hash: phone?.hash ?? null,
    user_name: v.name,
    status: v.status,
    expire_date: v.expireDate,
    platform_deal_id: v.dealId,
    platform_certificate_id: v.certificateId ?? null,
    // when it was bought (statistics by date range count purchases), not when we first saw it
    ...(v.createdAt && !Number.isNaN(v.createdAt.getTime()) ? { created_at: v.createdAt } : {}),
  };
}

/**
 * The gym-side effect of a voucher and its undoing, each in one transaction with the voucher row,
 * the verification log, the outbox event and the release of the claim.
 */
export class VoucherStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: VoucherModels,
    private readonly outbox: Outbox,
    private readonly phones: PhoneProtector,
    private readonly claims: ClaimStore,
  ) {}

  /** The member with this phone, if there is one (read before the transaction, off its critical path). */
  async findMember(v: PlatformVoucher): Promise<Member | null> {
    return this.models.Member.findOne({ where: { phone_hash: this.phones.hash(v.phone ?? `voucher:${v.code}`) } });
  }

  /**
   * The member with this phone, or a new one (`created` then: no cards to look for). `known` is the
   * member read before the transaction (undefined: not read). Members are never deleted, so a member
   * read there still exists; one created since by a concurrent verification shows up as a duplicate key.
   * No savepoint around the INSERT: MariaDB and SQLite undo only the failed statement, not the transaction.
   */
  private async member(v: PlatformVoucher, transaction: Transaction, known?: Member | null): Promise<{ member: Member; created: boolean }> {
    const phone = this.phones.protect(v.phone ?? `voucher:${v.code}`);
    const existing = known !== undefined ? known : await this.models.Member.findOne({ where: { phone_hash: phone.hash }, transaction });
    if (existing) return { member: existing, created: false };
    try {
      const created = await this.models.Member.create(
        { name: v.name, phone_hash: phone.hash, phone_encrypted: phone.encrypted, phone_masked: v.phone ? phone.masked : '-', source: 'voucher' },
        { transaction },
      );
      return { member: created, created: true };
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
      return { member: (await this.models.Member.findOne({ where: { phone_hash: phone.hash }, transaction }))!, created: false };
    }
  }

  private async applyEffect(member: Member, newMember: boolean, product: GymProduct, voucherId: number, transaction: Transaction) {
    const today = businessDate(new Date());
    if (product.product_type === 1) {
      const days = product.duration_days ?? 30;
      const current = newMember
        ? null
        : await this.models.MemberCard.findOne({
            where: { member_id: member.id, status: 1 },
            order: [['end_date', 'DESC']],
            transaction,
            lock: transaction.LOCK.UPDATE,
          });
      const effect = membershipEffect(today, days, current);
      if (effect.kind === 'renew') {
        await current!.update({ end_date: effect.end_date }, { transaction });
        return { resultType: RESULT_TYPE.cardRenewed, resultId: current!.id, days, endDate: effect.end_date };
      }
      const card = await this.models.MemberCard.create(
        { member_id: member.id, product_id: product.id, card_name: product.name, start_date: effect.start_date, end_date: effect.end_date },
        { transaction },
      );
      return { resultType: RESULT_TYPE.cardOpened, resultId: card.id, days, endDate: effect.end_date };
    }
    if (product.product_type === 2) {
      const sessions = product.sessions ?? 1;
      const order = await this.models.CourseOrder.create(
        { member_id: member.id, product_id: product.id, course_name: product.name, sessions_total: sessions, sessions_left: sessions, voucher_id: voucherId },
        { transaction },
      );
      return { resultType: RESULT_TYPE.courseBought, resultId: order.id, days: null, endDate: undefined };
    }
    const booking = await this.models.ClassBooking.create(
      { member_id: member.id, product_id: product.id, class_name: product.class_name ?? product.name, voucher_id: voucherId },
      { transaction },
    );
    return { resultType: RESULT_TYPE.classBooked, resultId: booking.id, days: null, endDate: undefined };
  }

  /** Seed steps 5–9 after the platform redeemed the code: member, effect, voucher row, log, event. */
  async completeVerification(c: Completion): Promise<VerifiedResult> {
    return inTransaction(this.sequelize, async (transaction) => {
      const { member, created } = await this.member(c.voucher, transaction, c.known?.member);
      const verifiedAt = new Date();
      const verifiedColumns = {
        status: VOUCHER_STATUS.verified,
        verified_at: verifiedAt,
        verified_by: c.operatorId,
        user_id: member.id,
        voucher_type: c.product.product_type,
        product_id: c.product.id,
        product_name: c.product.name,
        platform_verify_id: c.verifyId,
      };
      // a code with no local row (never synced) is inserted already verified: no locking read first. A
      // row that appeared meanwhile (sync, resolver) is a duplicate key; then it is read and locked below.
      let voucher: Voucher | null = null;
      if (c.known?.voucherAbsent) {
        voucher = await this.models.Voucher.create({ ...voucherColumns(c.platform.id, c.voucher, c.product, this.phones), ...verifiedColumns }, { transaction }).catch((err) => {
          if (err instanceof UniqueConstraintError) return null;
          throw err;
        });
      }
      if (!voucher) {
        voucher = await this.models.Voucher.findOne({ where: { voucher_no: c.voucher.code }, transaction, lock: transaction.LOCK.UPDATE });
        if (voucher?.status === VOUCHER_STATUS.verified) {
          // finished already (by the resolver or a replayed request): answer with what was done
          await this.claims.release(c.voucher.code, c.requestId, transaction);
          const log = await this.models.VerificationLog.findOne({ where: { voucher_id: voucher.id, operation_type: OPERATION.verify }, order: [['id', 'DESC']], transaction });
          return { user_id: voucher.user_id!, result_type: log?.result_type ?? 0, result_id: log?.result_id ?? 0, message: '核销成功', voucher_id: voucher.id };
        }
        if (!voucher) voucher = await this.models.Voucher.create({ ...voucherColumns(c.platform.id, c.voucher, c.product, this.phones), ...verifiedColumns }, { transaction });
        else await voucher.update({ ...verifiedColumns, platform_certificate_id: c.voucher.certificateId ?? voucher.platform_certificate_id }, { transaction });
      }
      const effect = await this.applyEffect(member, created, c.product, voucher.id, transaction);
      const message = successMessage(effect.resultType, c.product.name, effect.endDate);
      await this.models.VerificationLog.create(
        { voucher_id: voucher.id, operation_type: OPERATION.verify, operator_id: c.operatorId, result_type: effect.resultType, result_id: effect.resultId, remark: message, effect_days: effect.days },
        { transaction },
      );
      await this.outbox.add(transaction, voucherVerified, voucher.id, {
        voucher_id: voucher.id,
        voucher_no: voucher.voucher_no,
        platform_code: c.platform.code,
        voucher_type: c.product.product_type,
        product_id: c.product.id,
        member_id: member.id,
        result_type: effect.resultType,
        result_id: effect.resultId,
        paid_price_fen: toFen(voucher.paid_price),
        operator_id: c.operatorId,
        verified_at: verifiedAt.toISOString(),
      });
      await this.claims.release(c.voucher.code, c.requestId, transaction);
      return { user_id: member.id, result_type: effect.resultType, result_id: effect.resultId, message, voucher_id: voucher.id };
    });
  }

  /** 撤销核销 after the platform reversed it: the effect undone, voucher usable again, log (2), event. */
  async completeCancel(voucherNo: string, platformCode: PlatformCode, operatorId: number, requestId: string): Promise<{ voucher_id: number; message: string }> {
    return inTransaction(this.sequelize, async (transaction) => {
      const voucher = (await this.models.Voucher.findOne({ where: { voucher_no: voucherNo }, transaction, lock: transaction.LOCK.UPDATE })) as Voucher;
      if (voucher.status !== VOUCHER_STATUS.verified) {
        await this.claims.release(voucherNo, requestId, transaction);
        return { voucher_id: voucher.id, message: '撤销核销成功' };
      }
      const log = await this.models.VerificationLog.findOne({ where: { voucher_id: voucher.id, operation_type: OPERATION.verify }, order: [['id', 'DESC']], transaction });
      const resultType = log?.result_type ?? 0;
      const resultId = log?.result_id ?? 0;
      if (resultType === RESULT_TYPE.cardOpened) await this.models.MemberCard.update({ status: 2 }, { where: { id: resultId }, transaction });
      if (resultType === RESULT_TYPE.cardRenewed) {
        const card = await this.models.MemberCard.findByPk(resultId, { transaction, lock: transaction.LOCK.UPDATE });
        if (card) await card.update({ end_date: addDays(card.end_date, -(log?.effect_days ?? 0)) }, { transaction });
      }
      if (resultType === RESULT_TYPE.courseBought) await this.models.CourseOrder.update({ status: 2 }, { where: { id: resultId }, transaction });
      if (resultType === RESULT_TYPE.classBooked) await this.models.ClassBooking.update({ status: 2 }, { where: { id: resultId }, transaction });
      const memberId = voucher.user_id ?? 0;
      await voucher.update({ status: VOUCHER_STATUS.unused, verified_at: null, verified_by: null, platform_verify_id: null }, { transaction });
      await this.models.VerificationLog.create(
        { voucher_id: voucher.id, operation_type: OPERATION.cancel, operator_id: operatorId, result_type: resultType || null, result_id: resultId || null, remark: '撤销核销', effect_days: log?.effect_days ?? null },
        { transaction },
      );
      await this.outbox.add(transaction, voucherCancelled, voucher.id, {
        voucher_id: voucher.id,
        voucher_no: voucher.voucher_no,
        platform_code: platformCode,
        voucher_type: Math.min(3, Math.max(1, voucher.voucher_type)),
        product_id: voucher.product_id,
        member_id: memberId,
        result_type: Math.max(1, resultType),
        result_id: resultId,
        paid_price_fen: toFen(voucher.paid_price),
        operator_id: operatorId,
        cancelled_at: new Date().toISOString(),
      });
      await this.claims.release(voucherNo, requestId, transaction);
      return { voucher_id: voucher.id, message: '撤销核销成功' };
    });
  }
}
