import { badRequest, commissionRecalculated, conflict, customerOrderSettled, customerOrderWriterSettled, forbidden, notFound, unprocessable } from '@backoffice/contracts';
import { affectedRows, inTransaction, type Outbox } from '@backoffice/kit';
import { Op, QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import { rateText } from '../domain/commission.js';
import { moneyText, toFen } from '../domain/money.js';
import {
  allowed,
  exportFlagsOn,
  isSettlementStatus,
  lockAction,
  SETTLED,
  statusForFixed,
  target,
  transitionRefusal,
  UNSETTLED,
  type SettlementStatus,
} from '../domain/settlement.js';
import { currentRule, recalculateCommissions, RECALC_SCOPE } from './commission-sql.js';
import { writersById } from './lookups.js';
import type { CustomerOrder, OrderModels } from './order-models.js';

export interface Actor {
  userId: number;
  /** May edit any order and change 定稿 of orders with fee ≥ 100 (管理/财务). */
  manages: boolean;
  /** May change locked orders (超级管理员/财务). */
  settles: boolean;
  superAdmin: boolean;
}

/** Fields customer service enters (seed 八 1), already validated; money as "12.30" strings. */
export type OrderFields = Partial<
  Pick<
    CustomerOrder,
    | 'order_id'
    | 'date'
    | 'is_fixed'
    | 'order_content'
    | 'word_count'
    | 'fee'
    | 'customer_id'
    | 'writer_id'
    | 'fee_2'
    | 'writer_id_2'
    | 'dispatch_id'
    | 'exchange_time'
    | 'payment_channel'
    | 'store_name'
    | 'new_customer'
    | 'customer_name'
    | 'order_amount'
    | 'refund_amount'
    | 'special_situation'
    | 'fee_per_1000'
  >
>;

export const MSG = {
  orderExists: '订单号已存在',
  dispatchExists: '派单编号已存在',
  writerMissing: '指定的写手不存在',
  writer2Missing: '指定的第二个写手不存在',
  notFound: '订单不存在',
  lockedEdit: '订单已被锁定，仅限超级管理员和财务角色可以修改',
  notEntrant: '只有录入客服可以修改订单',
  orderIdImmutable: '订单号不允许修改，如需修改请删除后重新录入',
  fixedNeedsManager: '稿费大于等于100的订单，只有管理/财务可以修改定稿状态',
  deleteSuperOnly: '只有超级管理员可以删除客服订单',
  deleteUnsettledOnly: '只有未结算状态的订单可以删除',
  deleteLocked: '已锁定的订单不允许删除',
  someMissing: '部分订单不存在',
  nothingToMerge: '没有符合条件的订单需要合并',
} as const;

const FIXED_FEE_LIMIT_FEN = 10_000;
const writerFeesFen = (o: Pick<CustomerOrder, 'fee' | 'fee_2'>) => (toFen(o.fee) ?? 0) + (toFen(o.fee_2) ?? 0);
const numbers = (rows: Array<Pick<CustomerOrder, 'order_id'>>) => rows.map((r) => r.order_id).join(',');

export interface LockResult {
  locked_count: number;
  locked_orders: Array<{ id: number; order_id: string }>;
}
export interface UnlockResult {
  unlocked_count: number;
  kept_locked_count: number;
  unlocked_orders: Array<{ id: number; order_id: string }>;
  kept_locked_orders: Array<{ id: number; order_id: string }>;
}

/**
 * Every write to customer orders: one transaction per action, rows locked (FOR UPDATE on MariaDB) and
 * updates conditional on the state read, an audit row per order, events through the outbox.
 */
export class CustomerOrderStore {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: OrderModels,
    private readonly outbox: Outbox,
  ) {}

  private within<T>(outer: Transaction | undefined, work: (transaction: Transaction) => Promise<T>): Promise<T> {
    return outer ? work(outer) : inTransaction(this.sequelize, work);
  }

  private async audit(transaction: Transaction, rows: Array<Pick<CustomerOrder, 'id' | 'order_id'>>, action: string, actor: number | null, details?: Record<string, unknown>) {
    if (!rows.length) return;
    const now = new Date();
    await this.sequelize.getQueryInterface().bulkInsert(
      'customer_order_audit',
      rows.map((r) => ({ customer_order_id: r.id, order_id: r.order_id, action, actor_user_id: actor, details_json: details ? JSON.stringify(details) : null, created_at: now })),
      { transaction },
    );
  }

  private async checkWriters(fields: OrderFields, transaction: Transaction) {
    const known = await writersById(this.sequelize, [fields.writer_id, fields.writer_id_2], transaction);
    if (fields.writer_id && !known.has(fields.writer_id)) throw badRequest(MSG.writerMissing, 'WRITER_NOT_FOUND');
    if (fields.writer_id_2 && !known.has(fields.writer_id_2)) throw badRequest(MSG.writer2Missing, 'WRITER_NOT_FOUND');
  }

  private async checkUnique(fields: OrderFields, exceptId: number | null, transaction: Transaction) {
    const notMe = exceptId === null ? {} : { id: { [Op.ne]: exceptId } };
    if (fields.order_id && (await this.models.CustomerOrder.count({ where: { order_id: fields.order_id, ...notMe }, transaction }))) {
      throw conflict(MSG.orderExists, 'ORDER_ID_EXISTS');
    }
    if (fields.dispatch_id && (await this.models.CustomerOrder.count({ where: { dispatch_id: fields.dispatch_id, ...notMe }, transaction }))) {
      throw conflict(MSG.dispatchExists, 'DISPATCH_ID_EXISTS');
    }
  }

  /** The unique keys decide races the pre-checks could not see. */
  private duplicate(err: unknown): never {
    if (err instanceof UniqueConstraintError) {
      const onDispatch = Object.keys(err.fields ?? {}).some((f) => f.includes('dispatch')) || /dispatch/.test(String(err.parent?.message ?? ''));
      throw onDispatch ? conflict(MSG.dispatchExists, 'DISPATCH_ID_EXISTS') : conflict(MSG.orderExists, 'ORDER_ID_EXISTS');
    }
    throw err;
  }

  async create(fields: OrderFields & Pick<CustomerOrder, 'order_id' | 'date' | 'is_fixed'>, actor: Actor): Promise<CustomerOrder> {
    return inTransaction(this.sequelize, async (transaction) => {
      await this.checkUnique(fields, null, transaction);
      await this.checkWriters(fields, transaction);
      const bill = await this.models.PaidOrder.findByPk(fields.order_id, { attributes: ['amount', 'refund_amount', 'fee'], transaction });
      const order = await this.models.CustomerOrder.create(
        {
          ...fields,
          ...(bill ? { bill_amount: bill.amount, bill_refund_amount: bill.refund_amount, bill_fee: bill.fee } : {}),
          customer_id: fields.customer_id ?? actor.userId,
          new_customer: fields.new_customer ?? 0,
          settlement_status: statusForFixed(fields.is_fixed === 1),
          created_by: actor.userId,
        } as CustomerOrder,
        { transaction },
      ).catch((err) => this.duplicate(err));
      await this.audit(transaction, [order], 'CREATED', actor.userId);
      return order;
    });
  }

  async update(id: number, fields: OrderFields, actor: Actor): Promise<CustomerOrder> {
    return inTransaction(this.sequelize, async (transaction) => {
      const order = await this.models.CustomerOrder.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!order) throw notFound(MSG.notFound, 'ORDER_NOT_FOUND');
      if (order.is_locked && !actor.settles) throw forbidden(MSG.lockedEdit, 'ORDER_LOCKED');
      if (order.created_by !== actor.userId && !actor.manages && !actor.settles) throw forbidden(MSG.notEntrant, 'NOT_ENTRANT');
      if (fields.order_id !== undefined && fields.order_id !== order.order_id) throw badRequest(MSG.orderIdImmutable, 'ORDER_ID_IMMUTABLE');
      const changes: Partial<CustomerOrder> = { ...fields };
      delete changes.order_id;
      if (fields.is_fixed !== undefined && fields.is_fixed !== order.is_fixed) {
        const feesAfter = writerFeesFen({ fee: fields.fee !== undefined ? fields.fee : order.fee, fee_2: fields.fee_2 !== undefined ? fields.fee_2 : order.fee_2 });
        const feesBefore = writerFeesFen(order);
        if (Math.max(feesAfter, feesBefore) >= FIXED_FEE_LIMIT_FEN && !actor.manages) throw forbidden(MSG.fixedNeedsManager, 'FIXED_NEEDS_MANAGER');
        const from = order.settlement_status;
        const to = target(from, fields.is_fixed === 1 ? 'fix' : 'unfix');
        if (order.is_locked || !to) {
          // a locked or settled order keeps its state; un-fixing it would undo a payout decision
          if (fields.is_fixed === 0) throw conflict(transitionRefusal(from, 'Pending'), 'TRANSITION_REFUSED');
        } else changes.settlement_status = to;
      }
      await this.checkUnique({ dispatch_id: fields.dispatch_id ?? undefined }, order.id, transaction);
      await this.checkWriters(fields, transaction);
      const before = order.get({ plain: true });
      await order.update(changes, { transaction }).catch((err) => this.duplicate(err));
      const changed = Object.fromEntries(Object.keys(changes).filter((k) => String(before[k as keyof typeof before]) !== String(order.get(k))).map((k) => [k, order.get(k)]));
      await this.audit(transaction, [order], 'UPDATED', actor.userId, changed);
      return order;
    });
  }

  async remove(id: number, actor: Actor): Promise<void> {
    await inTransaction(this.sequelize, async (transaction) => {
      const order = await this.models.CustomerOrder.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!order) throw notFound(MSG.notFound, 'ORDER_NOT_FOUND');
      if (!actor.superAdmin) throw forbidden(MSG.deleteSuperOnly, 'SUPER_ADMIN_ONLY');
      if (SETTLED.includes(order.settlement_status)) throw conflict(MSG.deleteUnsettledOnly, 'ORDER_SETTLED');
      if (order.is_locked || !UNSETTLED.includes(order.settlement_status)) throw conflict(MSG.deleteLocked, 'ORDER_LOCKED');
      await order.destroy({ transaction });
      await this.audit(transaction, [order], 'DELETED', actor.userId, { settlement_status: order.settlement_status });
    });
  }

  /** Rows by id in id order, locked for this transaction; 404 when any id is unknown. */
  private async lockRows(ids: number[], transaction: Transaction): Promise<CustomerOrder[]> {
    const unique = [...new Set(ids)];
    const rows = await this.models.CustomerOrder.findAll({ where: { id: unique }, order: [['id', 'ASC']], transaction, lock: transaction.LOCK.UPDATE });
    if (rows.length !== unique.length) throw notFound(MSG.someMissing, 'ORDERS_NOT_FOUND');
    return rows;
  }

  /** A conditional UPDATE that must hit every row it names, or the whole action is refused (lost race). */
  private async guardedUpdate(set: Record<string, unknown>, ids: number[], where: string, whereArgs: unknown[], transaction: Transaction, raceMessage: string) {
    if (!ids.length) return;
    const cols = Object.keys(set);
    const [, meta] = await this.sequelize.query(`UPDATE customer_orders SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id IN (?) AND ${where}`, {
      replacements: [...cols.map((c) => set[c]), ids, ...whereArgs],
      type: QueryTypes.UPDATE,
      transaction,
    });
    const touched = affectedRows(meta);
    if (touched !== ids.length) throw conflict(raceMessage, 'CONCURRENT_CHANGE');
  }

  /** `outer`: the caller's transaction (an idempotent request records its key in the same one). */
  async lock(ids: number[], actor: Actor, outer?: Transaction): Promise<LockResult> {
    return this.within(outer, async (transaction) => {
      const rows = await this.lockRows(ids, transaction);
      const locked = rows.filter((r) => r.is_locked);
      if (locked.length) throw conflict(`以下订单已被锁定，无法重复锁定: ${numbers(locked)}`, 'ALREADY_LOCKED');
      const settled = rows.filter((r) => !UNSETTLED.includes(r.settlement_status));
      if (settled.length) throw conflict(`以下订单已结算，无需锁定: ${numbers(settled)}`, 'ALREADY_SETTLED');
      const unfixed = rows.filter((r) => r.is_fixed !== 1);
      if (unfixed.length) throw unprocessable(`以下订单未定稿，建议先定稿再锁定: ${numbers(unfixed)}`, 'NOT_FIXED');
      const now = new Date();
      for (const action of ['lock', 'lock-self'] as const) {
        const group = rows.filter((r) => lockAction(writerFeesFen(r)) === action);
        const to = target('Eligible', action)!;
        await this.guardedUpdate(
          { is_locked: 1, locked_by: actor.userId, locked_at: now, settlement_status: to, updated_at: now },
          group.map((r) => r.id),
          'is_locked = 0 AND is_fixed = 1 AND settlement_status IN (?)',
          [UNSETTLED],
          transaction,
          `以下订单已被锁定，无法重复锁定: ${numbers(group)}`,
        );
        await this.audit(transaction, group, 'LOCKED', actor.userId, { to });
      }
      return { locked_count: rows.length, locked_orders: rows.map((r) => ({ id: r.id, order_id: r.order_id })) };
    });
  }

  async unlock(ids: number[], actor: Actor): Promise<UnlockResult> {
    return inTransaction(this.sequelize, async (transaction) => {
      const rows = await this.lockRows(ids, transaction);
      const notLocked = rows.filter((r) => !r.is_locked);
      if (notLocked.length) throw conflict(`以下订单未被锁定，无法解锁: ${numbers(notLocked)}`, 'NOT_LOCKED');
      const kept = rows.filter((r) => SETTLED.includes(r.settlement_status));
      const unlock = rows.filter((r) => !SETTLED.includes(r.settlement_status));
      const now = new Date();
      for (const fixed of [0, 1]) {
        const group = unlock.filter((r) => (r.is_fixed === 1 ? 1 : 0) === fixed);
        const to = statusForFixed(fixed === 1);
        await this.guardedUpdate(
          { is_locked: 0, locked_by: null, locked_at: null, settlement_status: to, updated_at: now },
          group.map((r) => r.id),
          'is_locked = 1 AND settlement_status NOT IN (?)',
          [SETTLED],
          transaction,
          `以下订单未被锁定，无法解锁: ${numbers(group)}`,
        );
        await this.audit(transaction, group, 'UNLOCKED', actor.userId, { to });
      }
      const brief = (r: CustomerOrder) => ({ id: r.id, order_id: r.order_id });
      return { unlocked_count: unlock.length, kept_locked_count: kept.length, unlocked_orders: unlock.map(brief), kept_locked_orders: kept.map(brief) };
    });
  }

  async settle(orderId: string, to: string, actor: Actor) {
    return inTransaction(this.sequelize, async (transaction) => {
      const order = await this.models.CustomerOrder.findOne({ where: { order_id: orderId }, transaction, lock: transaction.LOCK.UPDATE });
      if (!order) throw notFound(MSG.notFound, 'ORDER_NOT_FOUND');
      const from = order.settlement_status;
      if (!isSettlementStatus(to) || !allowed(from, 'settle', to)) throw conflict(transitionRefusal(from, to), 'TRANSITION_REFUSED');
      const now = new Date();
      await this.guardedUpdate({ settlement_status: to, ...exportFlagsOn(to), updated_at: now }, [order.id], 'settlement_status = ?', [from], transaction, transitionRefusal(from, to));
      await this.audit(transaction, [order], 'SETTLED', actor.userId, { from, to });
      const fees = { writer_id: order.writer_id, writer_id_2: order.writer_id_2, fee: moneyText(order.fee), fee_2: moneyText(order.fee_2) };
      if (to === 'WriterSettled') {
        await this.outbox.add(transaction, customerOrderWriterSettled, order.id, { id: order.id, order_id: order.order_id, ...fees, actor_user_id: actor.userId });
      } else {
        await this.outbox.add(transaction, customerOrderSettled, order.id, {
          id: order.id,
          order_id: order.order_id,
          from,
          customer_id: order.customer_id,
          customer_commission: moneyText(order.customer_commission),
          ...fees,
          actor_user_id: actor.userId,
        });
      }
      return { order_id: order.order_id, old_status: from as SettlementStatus, new_status: to, updated_at: now.toISOString() };
    });
  }

  /** Full recalculation under the rule in force: set-based, idempotent, one event. */
  async recalculate(actor: Actor) {
    return inTransaction(this.sequelize, async (transaction) => {
      const rule = await currentRule(this.sequelize, transaction);
      const total = await recalculateCommissions(this.sequelize, rule, transaction);
      const sample = await this.sequelize.query<{ order_id: string; commission: unknown }>(
        `SELECT order_id, customer_commission AS commission FROM customer_orders WHERE ${RECALC_SCOPE} ORDER BY id LIMIT 10`,
        { type: QueryTypes.SELECT, transaction },
      );
      await this.outbox.add(transaction, commissionRecalculated, `rule-${rule.version}`, {
        rule_version: rule.version,
        rate_percent: rateText(rule.rate_bp),
        processed: total,
        actor_user_id: actor.userId,
      });
      return { total, rule_version: rule.version, sample: sample.map((s) => ({ order_id: s.order_id, commission: moneyText(s.commission) })) };
    });
  }
}
