import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SETTLEMENT_STATUSES, allowed, type SettlementStatus } from '../src/domain/settlement.js';
import { createOrder, outboxOf, staff, statusOf } from './order-fixtures.js';
import { startWritingHarness, type WritingHarness } from './stack.js';

let h: WritingHarness;
let cs: { id: number; token: string };
let fin1: { id: number; token: string };
let fin2: { id: number; token: string };

const FINANCE_ONLY = '您没有权限执行此操作，仅限超级管理员和财务角色';
const lock = (ids: number[], token: string, headers?: Record<string, string>) => h.api.post('/api/customer-orders/lock', { order_ids: ids }, token, headers);
const unlock = (ids: number[], token: string) => h.api.post('/api/customer-orders/unlock', { order_ids: ids }, token);
const settle = (order_id: string, new_status: string, token: string) => h.api.put('/api/customer-orders/settlement-status', { order_id, new_status }, token);
const refused = (res: { status: number; body: any }, status: number, message: string) => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.code, 1);
  assert.equal(res.body.message, message);
};

/** An order brought into `state` through the API. */
async function orderIn(state: SettlementStatus) {
  const withFee = state !== 'SelfLocked';
  const o = await createOrder(h, cs.token, { is_fixed: state === 'Pending' ? 0 : 1, ...(withFee ? { fee: 50 } : {}) });
  if (['Locked', 'SelfLocked', 'WriterSettled', 'AllSettled'].includes(state)) assert.equal((await lock([o.id], fin1.token)).status, 200);
  if (state === 'WriterSettled' || state === 'AllSettled') assert.equal((await settle(o.order_id, state, fin1.token)).status, 200);
  assert.equal((await statusOf(h, o.id)).settlement_status, state);
  return o;
}

before(async () => {
  h = await startWritingHarness('co_settle');
  [cs, fin1, fin2] = await Promise.all([staff(h, 'cs_s', 'customer_service'), staff(h, 'fin_a', 'finance'), staff(h, 'fin_b', 'finance')]);
});
after(async () => h?.stop());

describe('lock (六 8)', () => {
  test('locks fixed unsettled orders: Locked with a writer fee, SelfLocked without', async () => {
    const paid = await createOrder(h, cs.token, { is_fixed: 1, fee: 30 });
    const self = await createOrder(h, cs.token, { is_fixed: 1 });
    const res = await lock([paid.id, self.id], fin1.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.message, '锁定成功');
    assert.equal(res.body.data.locked_count, 2);
    assert.deepEqual(res.body.data.locked_orders, [{ id: paid.id, order_id: paid.order_id }, { id: self.id, order_id: self.order_id }]);
    assert.equal((await statusOf(h, paid.id)).settlement_status, 'Locked');
    assert.equal((await statusOf(h, self.id)).settlement_status, 'SelfLocked');
    const detail = (await h.api.get(`/api/customer-orders/${paid.id}`, cs.token)).body.data;
    assert.equal(detail.is_locked, 1);
    assert.equal(detail.locked_by, fin1.id);
    assert.equal(detail.locked_by_name, 'fin_a');
    assert.ok(detail.locked_at);
  });

  test('every refusal of the seed', async () => {
    const unfixed = await createOrder(h, cs.token, { is_fixed: 0 });
    const locked = await orderIn('Locked');
    refused(await h.api.post('/api/customer-orders/lock', {}, fin1.token), 400, '请提供要锁定的订单ID列表');
    refused(await lock([], fin1.token), 400, '请提供要锁定的订单ID列表');
    refused(await lock([unfixed.id, 99999999], fin1.token), 404, '部分订单不存在');
    refused(await lock([locked.id], fin1.token), 409, `以下订单已被锁定，无法重复锁定: ${locked.order_id}`);
    refused(await lock([unfixed.id], fin1.token), 422, `以下订单未定稿，建议先定稿再锁定: ${unfixed.order_id}`);
    refused(await lock([unfixed.id], cs.token), 403, FINANCE_ONLY);
    // nothing was locked by the refused calls
    assert.equal((await statusOf(h, unfixed.id)).is_locked, 0);
  });

  test('Idempotency-Key: a retried lock answers the first result again', async () => {
    const o = await createOrder(h, cs.token, { is_fixed: 1, fee: 5 });
    const first = await lock([o.id], fin1.token, { 'idempotency-key': `lock-${o.id}` });
    const again = await lock([o.id], fin1.token, { 'idempotency-key': `lock-${o.id}` });
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    refused(await lock([o.id], fin1.token, { 'idempotency-key': `other-${o.id}` }), 409, `以下订单已被锁定，无法重复锁定: ${o.order_id}`);
  });

  test('two finance staff locking the same orders at once: one locks them all, the other is told', async () => {
    const orders = await Promise.all(Array.from({ length: 15 }, (_, i) => createOrder(h, cs.token, { is_fixed: 1, ...(i % 3 ? { fee: 20 } : {}) })));
    const ids = orders.map((o) => o.id);
    const results = await Promise.all([lock(ids, fin1.token), lock([...ids].reverse(), fin2.token)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    assert.equal(winner.body.data.locked_count, 15);
    assert.match(loser.body.message, /^以下订单已被锁定，无法重复锁定: /);
    const lockedBy = new Set((await Promise.all(ids.map((id) => statusOf(h, id)))).map((s) => s.is_locked));
    assert.deepEqual([...lockedBy], [1]);
  });
});

describe('unlock (六 7)', () => {
  test('unlocks unsettled orders and keeps settled ones locked', async () => {
    const locked = await orderIn('Locked');
    const self = await orderIn('SelfLocked');
    const writerSettled = await orderIn('WriterSettled');
    const res = await unlock([locked.id, self.id, writerSettled.id], fin2.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.message, '解锁成功，2个订单已解锁，1个已结算订单保持锁定状态');
    assert.equal(res.body.data.unlocked_count, 2);
    assert.equal(res.body.data.kept_locked_count, 1);
    assert.deepEqual(res.body.data.kept_locked_orders, [{ id: writerSettled.id, order_id: writerSettled.order_id }]);
    assert.deepEqual(await statusOf(h, locked.id), { settlement_status: 'Eligible', is_locked: 0, writer_settlement_exported: 0, customer_settlement_exported: 0 });
    assert.equal((await statusOf(h, self.id)).settlement_status, 'Eligible');
    assert.equal((await statusOf(h, writerSettled.id)).is_locked, 1);
  });

  test('two finance staff unlocking the same orders at once: one unlocks, the other is told', async () => {
    const orders = [await orderIn('Locked'), await orderIn('SelfLocked'), await orderIn('Locked')];
    const ids = orders.map((o) => o.id);
    const results = await Promise.all([unlock(ids, fin1.token), unlock([...ids].reverse(), fin2.token)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.match(results.find((r) => r.status === 409)!.body.message, /^以下订单未被锁定，无法解锁: /);
    for (const id of ids) assert.deepEqual(await statusOf(h, id), { settlement_status: 'Eligible', is_locked: 0, writer_settlement_exported: 0, customer_settlement_exported: 0 });
  });

  test('refusals', async () => {
    const open = await createOrder(h, cs.token, { is_fixed: 1 });
    refused(await unlock([], fin1.token), 400, '请提供要解锁的订单ID列表');
    refused(await unlock([open.id, 99999998], fin1.token), 404, '部分订单不存在');
    refused(await unlock([open.id], fin1.token), 409, `以下订单未被锁定，无法解锁: ${open.order_id}`);
    refused(await unlock([open.id], cs.token), 403, FINANCE_ONLY);
  });
});

describe('settlement status (六 5)', () => {
  test('every (from, to) pair over HTTP: the seed edges succeed, all others are refused with the seed text', async () => {
    const from: SettlementStatus[] = [...SETTLEMENT_STATUSES];
    let allowedCount = 0;
    for (const f of from) {
      for (const t of SETTLEMENT_STATUSES) {
        const o = await orderIn(f);
        const res = await settle(o.order_id, t, fin1.token);
        if (allowed(f, 'settle', t)) {
          allowedCount++;
          assert.equal(res.status, 200, `${f}→${t}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.message, '结算状态修改成功');
          assert.equal(res.body.data.old_status, f);
          assert.equal(res.body.data.new_status, t);
          const s = await statusOf(h, o.id);
          assert.equal(s.settlement_status, t);
          assert.equal(s.writer_settlement_exported, 1);
          assert.equal(s.customer_settlement_exported, t === 'AllSettled' ? 1 : 0);
        } else {
          refused(res, 409, `不允许从 ${f} 状态修改为 ${t} 状态`);
          assert.equal((await statusOf(h, o.id)).settlement_status, f);
        }
      }
    }
    assert.equal(allowedCount, 4);
  });

  test('refusals: missing fields, unknown order, not finance', async () => {
    refused(await h.api.put('/api/customer-orders/settlement-status', { order_id: 'x' }, fin1.token), 400, '请提供订单编号和新结算状态');
    refused(await settle('no-such-order', 'AllSettled', fin1.token), 404, '订单不存在');
    refused(await settle('no-such-order', 'AllSettled', cs.token), 403, FINANCE_ONLY);
    const o = await orderIn('Locked');
    refused(await settle(o.order_id, 'Pending', fin1.token), 409, '不允许从 Locked 状态修改为 Pending 状态');
  });

  test('WriterSettled and AllSettled publish their events through the outbox, once each', async () => {
    const o = await orderIn('Locked');
    assert.equal((await settle(o.order_id, 'WriterSettled', fin1.token)).status, 200);
    assert.equal((await settle(o.order_id, 'AllSettled', fin2.token)).status, 200);
    const writer = (await outboxOf(h, 'writing.customer-order.writer-settled.v1')).filter((r) => r.subject === String(o.id));
    const settled = (await outboxOf(h, 'writing.customer-order.settled.v1')).filter((r) => r.subject === String(o.id));
    assert.equal(writer.length, 1);
    assert.equal(settled.length, 1);
    const data = JSON.parse(settled[0].envelope).data;
    assert.equal(data.order_id, o.order_id);
    assert.equal(data.from, 'WriterSettled');
    assert.equal(data.fee, '50.00');
    assert.equal(data.actor_user_id, fin2.id);
  });

  test('two finance staff settling the same order at once: one wins, one event', async () => {
    for (const target of ['AllSettled', 'WriterSettled'] as const) {
      const o = await orderIn('Locked');
      const results = await Promise.all([settle(o.order_id, target, fin1.token), settle(o.order_id, target, fin2.token)]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      assert.equal(results.find((r) => r.status === 409)!.body.message, `不允许从 ${target} 状态修改为 ${target} 状态`);
      const type = target === 'AllSettled' ? 'writing.customer-order.settled.v1' : 'writing.customer-order.writer-settled.v1';
      assert.equal((await outboxOf(h, type)).filter((r) => r.subject === String(o.id)).length, 1);
    }
  });
});
