import assert from 'node:assert/strict';
import { SecretBox } from '@backoffice/kit';
import { eventually } from '@backoffice/kit/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { WritingHarness } from './stack.js';

export const ENCRYPTION_KEY = 'writing-test-encryption-key-0123456789';

export const db = (h: WritingHarness): Sequelize => h.stack.services['writing-orders'].sequelize;

export async function rows<T = Record<string, unknown>>(h: WritingHarness, sql: string, replacements: unknown[] = []): Promise<T[]> {
  return db(h).query<T>(sql, { replacements, type: QueryTypes.SELECT });
}

/** Waits until the orders area has heard of an identity user (identity.user.created over NATS). */
export async function directoryHas(h: WritingHarness, userId: number) {
  await eventually(async () => (await rows(h, 'SELECT id FROM order_directory_users WHERE id = ?', [userId])).length > 0, 10_000, `user ${userId} in the order directory`);
}

/** A user of a built-in role the orders area already knows by name. */
export async function staff(h: WritingHarness, username: string, role: string) {
  const u = await h.user(username, role);
  await directoryHas(h, u.id);
  return u;
}

let writerSeq = 0;
/**
 * A writer row in the writers area's table, written directly (the orders area only reads writer_id,
 * name, alipay_name and the encrypted account).
 */
export async function addWriter(h: WritingHarness, name: string, alipay?: { name: string; account: string }): Promise<string> {
  writerSeq++;
  const writerId = `w9911${String(writerSeq).padStart(3, '0')}`;
  const now = new Date();
  await db(h).query(
    `INSERT INTO writers (writer_id, name, education, major, writing_experience, alipay_name, alipay_account_encrypted, alipay_account_masked, starred, processed, created_time, last_modified_time)
     VALUES (?, ?, '本科', '中文', '大学水平', ?, ?, ?, 0, 0, ?, ?)`,
    {
      replacements: [writerId, name, alipay?.name ?? null, alipay ? new SecretBox(ENCRYPTION_KEY, 'writers').encrypt(alipay.account) : null, alipay ? '***' : null, now, now],
    },
  );
  return writerId;
}

let orderSeq = 0;
export const orderNo = () => `42000024112025${String(Date.now()).slice(-6)}${String(++orderSeq).padStart(6, '0')}`;

export async function createOrder(h: WritingHarness, token: string, fields: Record<string, unknown> = {}) {
  const res = await h.api.post('/api/customer-orders', { order_id: orderNo(), date: '2025-06-27', is_fixed: 0, ...fields }, token);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data as { id: number; order_id: string };
}

export async function statusOf(h: WritingHarness, id: number) {
  const [row] = await rows<{ settlement_status: string; is_locked: number; writer_settlement_exported: number; customer_settlement_exported: number }>(
    h,
    'SELECT settlement_status, is_locked, writer_settlement_exported, customer_settlement_exported FROM customer_orders WHERE id = ?',
    [id],
  );
  return row;
}

export function outboxOf(h: WritingHarness, type: string) {
  return rows<{ subject: string; envelope: string }>(h, 'SELECT subject, envelope FROM outbox WHERE type = ? ORDER BY id', [type]);
}
