import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@backoffice/contracts';
import { pickTechnician, type Candidate } from '../src/domain/auto-assign.js';
import { assertCanComplete, splitDuplicates } from '../src/domain/receipts.js';
import { isBookableDate, isCalendarDate, todayIn } from '../src/domain/booking-rules.js';
import { nextStatus, TICKET_STATUSES, type TicketAction } from '../src/domain/ticket-status.js';
import { expectedVersion } from '../src/domain/version.js';

test('the state machine allows exactly the seed’s transitions', () => {
  const allowed: Record<TicketAction, string[]> = {
    confirm: ['BOOKED'],
    assign: ['CONFIRMED', 'ASSIGNED'],
    start: ['ASSIGNED'],
    complete: ['ASSIGNED', 'IN_PROGRESS'],
    cancel: ['BOOKED', 'CONFIRMED', 'ASSIGNED', 'IN_PROGRESS'],
  };
  for (const [action, from] of Object.entries(allowed) as [TicketAction, string[]][]) {
    for (const status of TICKET_STATUSES) {
      if (from.includes(status)) assert.doesNotThrow(() => nextStatus(status, action), `${action} from ${status}`);
      else assert.throws(() => nextStatus(status, action), (e: unknown) => e instanceof AppError && e.status === 409, `${action} from ${status}`);
    }
  }
});

const tech = (id: string, centerId: string | null, recentTickets: number, isActive = true): Candidate => ({ id, name: id, centerId, recentTickets, isActive });

test('auto-assignment: same centre first, then fewest recent tickets, inactive never', () => {
  const pool = [tech('a', 'X', 3), tech('b', 'X', 1), tech('c', 'Y', 0), tech('d', 'X', 0, false)];
  assert.equal(pickTechnician(pool, 'X')?.id, 'b');
  assert.equal(pickTechnician(pool, 'Z')?.id, 'c', 'no one in Z: least loaded anywhere');
  assert.equal(pickTechnician(pool, null)?.id, 'c');
  assert.equal(pickTechnician([tech('d', 'X', 0, false)], 'X'), null);
});

test('dates: calendar check and today in the shop’s zone', () => {
  assert.equal(isCalendarDate('2026-02-28'), true);
  assert.equal(isCalendarDate('2026-02-29'), false);
  assert.equal(todayIn('Asia/Shanghai', new Date('2026-11-22T17:30:00Z')), '2026-11-23');
  // 01:30 in Shanghai on the 23rd: the 22nd is already past there, though still today in UTC
  assert.equal(isBookableDate('2026-11-22', 'Asia/Shanghai', new Date('2026-11-22T17:30:00Z')), false);
  assert.equal(isBookableDate('2026-11-23', 'Asia/Shanghai', new Date('2026-11-22T17:30:00Z')), true);
});

test('If-Match forms', () => {
  assert.equal(expectedVersion(undefined, '"4"'), 4);
  assert.equal(expectedVersion(undefined, 'W/"4"'), 4);
  assert.equal(expectedVersion(2, '"4"'), 2, 'the body wins');
  assert.equal(expectedVersion(undefined, undefined), undefined);
  assert.throws(() => expectedVersion(undefined, 'abc'));
});

test('receipts: the first file of each checksum not yet stored is new, the rest are duplicates', () => {
  const files = [{ checksum: 'a', n: 1 }, { checksum: 'b', n: 2 }, { checksum: 'a', n: 3 }, { checksum: 'c', n: 4 }];
  const { fresh, duplicates } = splitDuplicates(files, new Set(['c']));
  assert.deepEqual(fresh.map((f) => f.n), [1, 2]);
  assert.deepEqual(duplicates.map((f) => f.n), [3, 4]);
});

test('completion needs at least one receipt', () => {
  assert.throws(() => assertCanComplete(0), (e: unknown) => e instanceof AppError && e.status === 422 && e.message === '完成工单前请至少上传一张回执图片');
  assert.doesNotThrow(() => assertCanComplete(1));
});
