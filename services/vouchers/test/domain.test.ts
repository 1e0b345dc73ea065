import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fenToDecimal, toFen } from '../src/domain/money.js';
import { addDays, businessDate, cancelWindowOpen, membershipEffect, successMessage } from '../src/domain/rules.js';
import { meituanSign, meituanTimestamp } from '../src/platforms/meituan-sign.js';

test('money is read digit by digit into fen', () => {
  assert.equal(toFen('199.90'), 19990);
  assert.equal(toFen(29.9), 2990);
  assert.equal(toFen('0.1'), 10);
  assert.equal(toFen(0.1 + 0.2), 30);
  assert.equal(toFen(null), 0);
  assert.equal(fenToDecimal(19990), '199.90');
  assert.equal(fenToDecimal(5), '0.05');
  assert.throws(() => toFen('12,00'));
});

test('a membership opens a card, or extends one that has not ended from its end date', () => {
  assert.deepEqual(membershipEffect('2026-01-10', 30, null), { kind: 'open', start_date: '2026-01-10', end_date: '2026-02-08' });
  assert.deepEqual(membershipEffect('2026-01-10', 90, { end_date: '2026-01-20' }), { kind: 'renew', end_date: '2026-04-20' });
  assert.deepEqual(membershipEffect('2026-01-10', 30, { end_date: '2026-01-09' }).kind, 'open');
  assert.equal(addDays('2026-02-28', 1), '2026-03-01');
});

test('business dates are Beijing dates; cancel windows are 10 minutes and 1 hour', () => {
  assert.equal(businessDate(new Date('2026-01-01T16:30:00Z')), '2026-01-02');
  const at = new Date('2026-01-01T00:00:00Z');
  assert.equal(cancelWindowOpen('meituan', at, new Date(at.getTime() + 10 * 60_000)), true);
  assert.equal(cancelWindowOpen('meituan', at, new Date(at.getTime() + 10 * 60_000 + 1)), false);
  assert.equal(cancelWindowOpen('douyin', at, new Date(at.getTime() + 59 * 60_000)), true);
  assert.equal(successMessage(1, '月卡'), '核销成功,已为用户开通月卡');
});

test('Meituan signing: sorted key+value, empty values skipped, 24 h Beijing timestamp', () => {
  const params = { b: '2', a: '1', empty: '', sign: 'x', timestamp: '2026-01-01 13:05:09' };
  // md5("s" + "a1b2timestamp2026-01-01 13:05:09" + "s")
  assert.equal(meituanSign(params, 's'), 'fc04fa5b2c02caf2c40c5fdad238cb38');
  assert.equal(meituanTimestamp(new Date('2026-01-01T05:05:09Z')), '2026-01-01 13:05:09');
});
