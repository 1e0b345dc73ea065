import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { caseId, CASE_IMAGE_NAME } from '../src/domain/cases.js';
import { maskAccount } from '../src/domain/masking.js';
import { checkScore } from '../src/domain/ratings.js';
import { sevenDays, toFen } from '../src/domain/statistics.js';
import { addDays, dayIn, isCalendarDate, localDateTime, startOfDay } from '../src/domain/time.js';
import { MAX_WRITERS_PER_DAY, writerDay, writerId } from '../src/domain/writer-id.js';

describe('writer ids', () => {
  test('w + YYMMDD of the studio day + two digits', () => {
    // 2024-07-19 17:00 UTC is already 2024-07-20 in Shanghai
    assert.equal(writerDay('Asia/Shanghai', new Date('2024-07-19T17:00:00Z')), '240720');
    assert.equal(writerDay('UTC', new Date('2024-07-19T17:00:00Z')), '240719');
    assert.equal(writerId('240720', 1), 'w24072001');
    assert.equal(writerId('240720', 99), 'w24072099');
  });

  test('no id past the 99th of a day, nor for a sequence that is not 1…99', () => {
    assert.equal(MAX_WRITERS_PER_DAY, 99);
    for (const n of [0, 100, 101, -1, 1.5]) assert.equal(writerId('240720', n), null);
    fc.assert(fc.property(fc.integer({ min: 1, max: 99 }), (n) => /^w240720\d{2}$/.test(writerId('240720', n)!) && Number(writerId('240720', n)!.slice(7)) === n));
  });
});

describe('ratings', () => {
  test('1 to 10 with at most one decimal', () => {
    assert.deepEqual(checkScore(8.5), { tenths: 85 });
    assert.deepEqual(checkScore('7'), { tenths: 70 });
    assert.deepEqual(checkScore(1), { tenths: 10 });
    assert.deepEqual(checkScore(10), { tenths: 100 });
    for (const bad of [0.9, 10.1, -1, NaN, Infinity, null, undefined, '', 'x', true, {}]) assert.deepEqual(checkScore(bad), { error: '评分必须在1到10之间' }, String(bad));
    assert.deepEqual(checkScore(8.55), { error: '评分最多保留一位小数' });
    fc.assert(fc.property(fc.integer({ min: 10, max: 100 }), (t) => 'tenths' in checkScore(t / 10) && (checkScore(t / 10) as { tenths: number }).tenths === t));
  });
});

describe('cases', () => {
  test('CASE-001 … CASE-999, CASE-1000', () => {
    assert.equal(caseId(1), 'CASE-001');
    assert.equal(caseId(42), 'CASE-042');
    assert.equal(caseId(1000), 'CASE-1000');
  });

  test('stored image names are ours only', () => {
    assert.ok(CASE_IMAGE_NAME.test('0123456789abcdef01234567_1712345678901.jpg'));
    for (const bad of ['../x.jpg', '0123456789abcdef01234567_1712345678901.svg', 'a.jpg', '0123456789abcdef01234567_1712345678901.jpg/..']) assert.ok(!CASE_IMAGE_NAME.test(bad), bad);
  });
});

describe('masking', () => {
  test('Alipay accounts: e-mail keeps two letters and the domain, phones keep 3 + 4 digits', () => {
    assert.equal(maskAccount('zhangsan@alipay.com'), 'zh***@alipay.com');
    assert.equal(maskAccount('a@b.cn'), 'a***@b.cn');
    assert.equal(maskAccount('13812345678'), '138****5678');
    assert.equal(maskAccount('12345'), '*****');
    assert.equal(maskAccount(null), null);
    fc.assert(fc.property(fc.emailAddress(), (e) => !maskAccount(e)!.includes(e.split('@')[0]) || e.split('@')[0].length <= 2));
  });
});

describe('statistics', () => {
  test('money to fen without floats', () => {
    assert.equal(toFen('1234.56'), 123456);
    assert.equal(toFen('0.1'), 10);
    assert.equal(toFen('100'), 10000);
    assert.equal(toFen('-5.05'), -505);
    assert.equal(toFen(0.3), 30);
    assert.equal(toFen(null), 0);
    assert.equal(toFen('abc'), 0);
  });

  test('seven days ending on the last day, oldest first, missing days 0', () => {
    const days = sevenDays('2024-03-02', new Map([['2024-02-25', 100], ['2024-03-02', 12345], ['2024-02-28', 1]]));
    assert.deepEqual(days, [
      { date: '2024-02-25', amount: 1 },
      { date: '2024-02-26', amount: 0 },
      { date: '2024-02-27', amount: 0 },
      { date: '2024-02-28', amount: 0.01 },
      { date: '2024-02-29', amount: 0 },
      { date: '2024-03-01', amount: 0 },
      { date: '2024-03-02', amount: 123.45 },
    ]);
  });
});

describe('studio time', () => {
  test('days, day starts and the seed\'s time format in the studio zone', () => {
    assert.equal(dayIn('Asia/Shanghai', new Date('2024-03-09T16:30:00Z')), '2024-03-10');
    assert.equal(startOfDay('2024-03-10', 'Asia/Shanghai').toISOString(), '2024-03-09T16:00:00.000Z');
    assert.equal(startOfDay('2024-03-31', 'Europe/Berlin').toISOString(), '2024-03-30T23:00:00.000Z');
    assert.equal(startOfDay('2024-04-01', 'Europe/Berlin').toISOString(), '2024-03-31T22:00:00.000Z');
    assert.equal(localDateTime(new Date('2024-03-30T02:30:00Z'), 'Asia/Shanghai'), '2024-03-30 10:30:00');
    assert.equal(localDateTime(null, 'Asia/Shanghai'), null);
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
    assert.ok(isCalendarDate('2024-02-29'));
    assert.ok(!isCalendarDate('2023-02-29'));
    assert.ok(!isCalendarDate('2024-3-1'));
  });
});
