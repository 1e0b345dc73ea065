import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocateAmounts, seededRandom, UNIT_FEN } from '../src/domain/allocation.js';
import { dbFen, formatYuan, parseYuan, percent } from '../src/domain/money.js';
import { newOrderNumber, ORDER_NUMBER_ALPHABET, ORDER_NUMBER_LENGTH } from '../src/domain/order-number.js';
import { judgeSubsidyRow } from '../src/domain/subsidy-rows.js';
import { judgeCsRow } from '../src/domain/cs-rows.js';

describe('allocation (seed 000 金额分配)', () => {
  test('thousands of random amounts: multiples of 5 yuan within the bound, at most one remainder, exact sums', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.constantFrom(5, 10, 50, 100, 200), fc.integer(), (amountFen, maxYuan, seed) => {
        const parts = allocateAmounts(amountFen, maxYuan * 100, seededRandom(seed));
        assert.equal(parts.reduce((s, p) => s + p, 0), amountFen);
        const remainders = parts.filter((p) => p % UNIT_FEN !== 0);
        assert.ok(remainders.length <= 1);
        assert.equal(remainders[0] ?? 0, amountFen % UNIT_FEN);
        for (const p of parts) {
          assert.ok(Number.isInteger(p) && p > 0);
          assert.ok(p <= maxYuan * 100);
          if (p % UNIT_FEN === 0) assert.ok(p >= UNIT_FEN);
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('the random source decides the split: the same seed gives the same tasks', () => {
    assert.deepEqual(allocateAmounts(123_45, 5000, seededRandom(7)), allocateAmounts(123_45, 5000, seededRandom(7)));
    assert.deepEqual(allocateAmounts(2000, 5000, () => 0), [500, 500, 500, 500]);
    assert.deepEqual(allocateAmounts(2000, 5000, () => 0.999), [2000]);
    assert.deepEqual(allocateAmounts(1234, 5000, () => 0.999), [1000, 234]);
    assert.deepEqual(allocateAmounts(399, 5000, Math.random), [399]);
    assert.deepEqual(allocateAmounts(0, 5000, Math.random), []);
  });

  test('a bound that is not a multiple of 5 yuan is refused', () => {
    assert.throws(() => allocateAmounts(1000, 700, Math.random), /multiple of 5/);
  });
});

describe('order numbers', () => {
  test('10 characters of 1234567890abcdef', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const n = newOrderNumber();
      assert.equal(n.length, ORDER_NUMBER_LENGTH);
      for (const ch of n) assert.ok(ORDER_NUMBER_ALPHABET.includes(ch), n);
      seen.add(n);
    }
    assert.equal(seen.size, 20_000);
    assert.equal(new Set(ORDER_NUMBER_ALPHABET).size, 16);
  });
});

describe('money', () => {
  test('yuan text ↔ fen without floats', () => {
    assert.equal(parseYuan('12.5'), 1250);
    assert.equal(parseYuan('0.01'), 1);
    assert.equal(parseYuan('100'), 10000);
    assert.equal(parseYuan('1.234'), null);
    assert.equal(parseYuan('-1'), null);
    assert.equal(formatYuan(1), '0.01');
    assert.equal(formatYuan(123456), '1234.56');
    assert.equal(dbFen('37.50'), 3750);
    assert.equal(dbFen(0.30000000000000004), 30);
    assert.equal(percent(1, 3), 33.33);
    assert.equal(percent(0, 0), 0);
  });
});

describe('subsidy rows', () => {
  const judge = (name: string, amount: string, extra: Record<string, string> = {}) => judgeSubsidyRow({ 学生姓名: name, 补贴金额: amount, ...extra }, 100_000_00);
  test('accepted rows keep the other columns as student information', () => {
    assert.deepEqual(judge('张三', '37.5', { 班级: '一班', 学生ID: '' }), { kind: 'accept', name: '张三', amountFen: 3750, studentId: null, info: { 班级: '一班' } });
  });
  test('rejections say what is wrong', () => {
    assert.deepEqual(judge('', '10'), { kind: 'reject', reason: '学生姓名不能为空' });
    assert.deepEqual(judge('李四', 'abc'), { kind: 'reject', reason: '补贴金额必须是数字（当前为“abc”）' });
    assert.deepEqual(judge('李四', '-5'), { kind: 'reject', reason: '补贴金额必须大于0' });
    assert.deepEqual(judge('李四', '0'), { kind: 'reject', reason: '补贴金额必须大于0' });
    assert.deepEqual(judge('李四', '1.234'), { kind: 'reject', reason: '补贴金额最多保留两位小数' });
    assert.deepEqual(judge('李四', '100001'), { kind: 'reject', reason: '补贴金额不能超过100000元' });
    assert.deepEqual(judge('李四', '10', { 学生ID: 'x1' }), { kind: 'reject', reason: '学生ID必须是正整数' });
  });
  test('a row without an amount is skipped (a filled-in export lists every student)', () => {
    assert.deepEqual(judge('王五', ''), { kind: 'skip' });
  });
});

describe('customer-service rows', () => {
  test('required and optional columns are checked', () => {
    assert.deepEqual(judgeCsRow({ 姓名: '小王', 账号: 'vcs_wang', 手机号: '13800001111', 身份证号: '11010119900307123x' }), {
      ok: true,
      row: { name: '小王', account: 'vcs_wang', phone: '13800001111', idCard: '11010119900307123X' },
    });
    assert.deepEqual(judgeCsRow({ 姓名: '', 账号: 'x' }), { ok: false, reason: '姓名不能为空' });
    assert.deepEqual(judgeCsRow({ 姓名: '小王', 账号: 'a b' }), { ok: false, reason: '账号须为 3-50 位字母、数字或 _ . @ -' });
    assert.deepEqual(judgeCsRow({ 姓名: '小王', 账号: 'vcs1', 手机号: '123' }), { ok: false, reason: '手机号格式不正确' });
    assert.deepEqual(judgeCsRow({ 姓名: '小王', 账号: 'vcs1', 身份证号: '123' }), { ok: false, reason: '身份证号格式不正确' });
    assert.equal(judgeCsRow({ 姓名: '', 账号: '' }), null);
  });
});
