import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { maskCode, normalizeCode } from '../src/domain/codes.js';
import { fenToYuan, yuanToFen } from '../src/domain/money.js';
import { afterFailure, autoVerifyAt, backoffSeconds, initialStatus } from '../src/domain/rules.js';
import { intervalCron } from '../src/domain/schedule.js';
import { MAX_WINDOW_SECONDS, pagesBackwards, planWindows } from '../src/domain/windows.js';
import { signedForm } from '../src/platform/sign.js';

describe('order windows', () => {
  test('cover [cursor − overlap, now − lag] without gaps, each at most 30 minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1e9, max: 2e9 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 900 }), (cursor, ahead, lag, overlap) => {
        const now = cursor + ahead;
        const windows = planWindows(cursor, now, { lag, overlap, maxWindows: 1000 });
        if (now - lag <= cursor - overlap) return windows.length === 0;
        assert.equal(windows[0].start, cursor - overlap);
        assert.equal(windows.at(-1)!.end, now - lag);
        windows.forEach((w, i) => {
          assert.ok(w.end - w.start <= MAX_WINDOW_SECONDS && w.end > w.start);
          if (i > 0) assert.equal(w.start, windows[i - 1].end);
        });
        return true;
      }),
    );
  });

  test('a long outage is caught up a bounded number of windows per cycle', () => {
    const windows = planWindows(0, 86_400 * 3, { lag: 180, overlap: 300, maxWindows: 48 });
    assert.equal(windows.length, 48);
    assert.equal(windows.at(-1)!.end, -300 + 48 * 1800);
  });

  test('pages are fetched from the last one backwards', () => {
    assert.deepEqual(pagesBackwards(250, 100), [3, 2]);
    assert.deepEqual(pagesBackwards(100, 100), []);
    assert.deepEqual(pagesBackwards(0, 100), []);
  });
});

describe('rules', () => {
  test('automatic verification time per goods rule', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    assert.equal(autoVerifyAt('on_delivery', 0, at), at);
    assert.equal(autoVerifyAt('after_delay', 30, at)!.toISOString(), '2026-01-01T00:30:00.000Z');
    assert.equal(autoVerifyAt('manual', 30, at), null);
  });

  test('retry with exponential backoff until MAX_RETRY_TIMES; permanent refusals fail at once', () => {
    assert.deepEqual([1, 2, 3].map((n) => backoffSeconds(30, n)), [30, 60, 120]);
    assert.equal(afterFailure(1, 3, false), 'retry');
    assert.equal(afterFailure(3, 3, false), 'fail');
    assert.equal(afterFailure(1, 3, true), 'fail');
  });

  test('orders of goods not set up wait; non-virtual goods are ignored', () => {
    assert.equal(initialStatus(undefined), 'unconfigured');
    assert.equal(initialStatus({ is_virtual: true, delivery_method: 'card_code' }), 'pending');
    assert.equal(initialStatus({ is_virtual: false, delivery_method: 'card_code' }), 'ignored');
  });

  test('ORDER_CHECK_INTERVAL as a cron pattern', () => {
    assert.equal(intervalCron(30), '*/30 * * * * *');
    assert.equal(intervalCron(60), '0 */1 * * * *');
    assert.equal(intervalCron(300), '0 */5 * * * *');
    assert.equal(intervalCron(3600), '0 0 * * * *');
  });
});

describe('codes and money', () => {
  test('codes are trimmed and checked; masks keep only the ends', () => {
    assert.equal(normalizeCode('  ABCD-1234 '), 'ABCD-1234');
    assert.equal(normalizeCode('AB C'), null);
    assert.equal(normalizeCode('abc'), null);
    assert.equal(maskCode('ABCD1234EFGH'), 'ABC******FGH');
    assert.equal(maskCode('ABCDEF'), 'AB**EF');
  });

  test('yuan ↔ fen without float arithmetic', () => {
    assert.equal(yuanToFen(9.9), 990);
    assert.equal(yuanToFen('19.90'), 1990);
    assert.equal(yuanToFen(0.07), 7);
    assert.equal(yuanToFen('1234567.89'), 123456789);
    assert.equal(fenToYuan(990), '9.90');
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => yuanToFen(fenToYuan(fen)) === fen));
  });
});

describe('signature', () => {
  test('the signed form is exactly what is sent: empty values dropped, objects as JSON, 0 and false kept', () => {
    const form = signedForm({ type: 't', a: 0, b: false, c: '', d: null, e: [{ x: 1 }] }, 'S');
    assert.deepEqual(Object.keys(form), ['a', 'b', 'e', 'type', 'sign']);
    assert.equal(form.e, '[{"x":1}]');
    assert.equal(form.sign, createHash('md5').update('Sa0bfalsee[{"x":1}]typetS').digest('hex').toUpperCase());
  });
});
