import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commissionFen, DEFAULT_RULE, rateFromText, rateText } from '../src/domain/commission.js';
import { formatFen, moneyText, toFen } from '../src/domain/money.js';
import { headerMap, parseBillRow, billKey } from '../src/domain/bill-rows.js';
import {
  allowed,
  EDGES,
  exportFlagsOn,
  lockAction,
  SETTLEMENT_STATUSES,
  statusForFixed,
  target,
  transitionRefusal,
  type SettlementAction,
  type SettlementStatus,
} from '../src/domain/settlement.js';
import { wallClockToDate } from '../src/domain/wall-clock.js';

const ACTIONS: SettlementAction[] = ['fix', 'unfix', 'lock', 'lock-self', 'unlock', 'settle'];
const EXPECTED: Array<[SettlementStatus, SettlementAction, SettlementStatus]> = [
  ['Pending', 'fix', 'Eligible'],
  ['Eligible', 'unfix', 'Pending'],
  ['Eligible', 'lock', 'Locked'],
  ['Eligible', 'lock-self', 'SelfLocked'],
  ['Locked', 'unlock', 'Eligible'],
  ['SelfLocked', 'unlock', 'Eligible'],
  ['Locked', 'settle', 'WriterSettled'],
  ['Locked', 'settle', 'AllSettled'],
  ['SelfLocked', 'settle', 'AllSettled'],
  ['WriterSettled', 'settle', 'AllSettled'],
];

describe('settlement machine', () => {
  for (const [from, action, to] of EXPECTED) {
    test(`${from} --${action}--> ${to} is allowed`, () => assert.equal(allowed(from, action, to), true));
  }
  test('every other (from, action, to) is refused — 6 × 6 × 6 combinations checked', () => {
    let refused = 0;
    for (const from of SETTLEMENT_STATUSES)
      for (const action of ACTIONS)
        for (const to of SETTLEMENT_STATUSES) {
          const expected = EXPECTED.some(([f, a, t]) => f === from && a === action && t === to);
          assert.equal(allowed(from, action, to), expected, `${from} ${action} ${to}`);
          if (!expected) refused++;
        }
    assert.equal(refused, 6 * 6 * 6 - EXPECTED.length);
    assert.equal(EDGES.length, EXPECTED.length);
  });
  test('AllSettled is final and nothing returns to an unsettled state by settlement', () => {
    for (const to of SETTLEMENT_STATUSES) for (const a of ACTIONS) assert.equal(allowed('AllSettled', a, to), false);
    for (const from of SETTLEMENT_STATUSES) assert.equal(allowed(from, 'settle', 'Pending') || allowed(from, 'settle', 'Eligible'), false);
  });
  test('single-target actions', () => {
    assert.equal(target('Eligible', 'lock'), 'Locked');
    assert.equal(target('Eligible', 'lock-self'), 'SelfLocked');
    assert.equal(target('Pending', 'lock'), null);
    assert.equal(target('WriterSettled', 'unlock'), null);
  });
  test('lock kind, fixed status, export flags, refusal text', () => {
    assert.equal(lockAction(1), 'lock');
    assert.equal(lockAction(0), 'lock-self');
    assert.equal(statusForFixed(true), 'Eligible');
    assert.equal(statusForFixed(false), 'Pending');
    assert.deepEqual(exportFlagsOn('WriterSettled'), { writer_settlement_exported: 1 });
    assert.deepEqual(exportFlagsOn('AllSettled'), { writer_settlement_exported: 1, customer_settlement_exported: 1 });
    assert.deepEqual(exportFlagsOn('Locked'), {});
    assert.equal(transitionRefusal('Locked', 'Pending'), '不允许从 Locked 状态修改为 Pending 状态');
  });
});

describe('money', () => {
  test('parses and prints exactly', () => {
    assert.equal(toFen('12.3'), 1230);
    assert.equal(toFen(12.3), 1230);
    assert.equal(toFen('¥1,234.565'), 123457);
    assert.equal(toFen('-0.05'), -5);
    assert.equal(toFen(''), null);
    assert.equal(toFen('abc'), undefined);
    assert.equal(toFen('1.2.3'), undefined);
    assert.equal(formatFen(-5), '-0.05');
    assert.equal(formatFen(123456), '1234.56');
    assert.equal(moneyText('0.10'), '0.10');
    assert.equal(moneyText(0.1 + 0.2), '0.30');
    assert.equal(moneyText(null), null);
  });
});

describe('commission rule', () => {
  test('default: 10 % of the net after refund, payment fee and writer fees, half away from zero, negatives kept', () => {
    assert.equal(commissionFen(DEFAULT_RULE, { amountFen: 100000, refundFen: 0, paymentFeeFen: 600, writerFeesFen: 50000 }), 4940);
    assert.equal(commissionFen(DEFAULT_RULE, { amountFen: 5, refundFen: 0, paymentFeeFen: 0, writerFeesFen: 0 }), 1); // 0.5 fen → 1
    assert.equal(commissionFen(DEFAULT_RULE, { amountFen: 0, refundFen: 0, paymentFeeFen: 0, writerFeesFen: 5 }), -1);
    assert.equal(commissionFen(DEFAULT_RULE, { amountFen: 10000, refundFen: 20000, paymentFeeFen: 0, writerFeesFen: 0 }), -1000);
    assert.equal(commissionFen({ ...DEFAULT_RULE, deduct_writer_fees: false, deduct_refund: false, deduct_payment_fee: false, rate_bp: 1550 }, { amountFen: 33333, refundFen: 9, paymentFeeFen: 9, writerFeesFen: 9 }), 5167);
  });
  test('rates as text', () => {
    assert.equal(rateText(1000), '10.00');
    assert.equal(rateFromText('12.5'), 1250);
    assert.equal(rateFromText('100.01'), undefined);
    assert.equal(rateFromText('-1'), undefined);
  });
});

describe('bill rows', () => {
  const header = headerMap(['订单编号', '支付单号', '买家实付金额', '订单状态', '订单创建时间', '手续费（元）', '备注'])!;
  test('headers by their Chinese titles', () => {
    assert.deepEqual([...header.values()], ['order_id', 'payment_id', 'amount', 'status', 'create_time', 'fee', 'merchant_remark']);
    assert.equal(headerMap(['#支付宝交易记录明细查询']), null);
  });
  test('a good row, in the studio zone', () => {
    const r = parseBillRow(['\t2025001', 'P1', '100.5', '交易成功', '2025-06-27 12:00:00', '0.6', ''], header, 'Asia/Shanghai', '支付宝');
    assert.ok(r.ok);
    assert.equal(r.bill.order_id, '2025001');
    assert.equal(r.bill.amount, '100.50');
    assert.equal(r.bill.create_time!.toISOString(), '2025-06-27T04:00:00.000Z');
    assert.equal(r.bill.channel, '支付宝');
    assert.equal(r.bill.merchant_remark, null);
    assert.equal(billKey(r.bill), billKey({ ...r.bill, amount: 100.5, create_time: '2025-06-27T04:00:00.000Z' } as never));
  });
  test('rejections say what to fix', () => {
    const bad = (cells: unknown[]) => parseBillRow(cells, header, 'Asia/Shanghai', null);
    assert.deepEqual(bad(['', 'P', '1']), { ok: false, order_id: null, reason: '缺少订单编号' });
    assert.equal((bad(['A1', 'P', 'abc']) as { reason: string }).reason, '买家实付金额不是有效金额: abc');
    assert.equal((bad(['A1', 'P', '1', 's', '2025-13-01']) as { reason: string }).reason, '订单创建时间不是有效时间: 2025-13-01');
  });
  test('wall clock', () => {
    assert.equal(wallClockToDate('2025-01-01', 'Asia/Shanghai')!.toISOString(), '2024-12-31T16:00:00.000Z');
    assert.equal(wallClockToDate('2025-01-01', 'Asia/Shanghai', true)!.toISOString(), '2025-01-01T15:59:59.999Z');
    assert.equal(wallClockToDate('2025/6/7 08:30', 'UTC')!.toISOString(), '2025-06-07T08:30:00.000Z');
    assert.equal(wallClockToDate('2025-02-30', 'UTC'), null);
  });
});
