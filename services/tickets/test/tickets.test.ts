import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@backoffice/contracts';
import { NatsBus } from '@backoffice/kit';
import { eventually } from '@backoffice/kit/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { booking, directoryHas, form, futureDate, jpeg, png, startTicketsHarness, type TicketsHarness } from './stack.js';

let h: TicketsHarness;
let db: Sequelize;
let agent: string;
let dispatcher: string;
let tech: { id: number; token: string; technicianId: string };
let busEvents: EventEnvelope[];
let listener: NatsBus;

const book = async (overrides: Record<string, unknown> = {}) => {
  const res = await h.api.post('/api/public/booking', booking(overrides));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const [row] = await db.query<{ id: string; version: number }>('SELECT id, version FROM tickets WHERE ticket_no = ?', {
    replacements: [res.body.data.ticket_no],
    type: QueryTypes.SELECT,
  });
  return { id: row.id, ticketNo: res.body.data.ticket_no as string };
};
const act = (id: string, action: string, token: string, body: Record<string, unknown> = {}) => h.api.post(`/api/tickets/${id}/${action}`, body, token);
const createTechnician = async (name: string, center: string | null, extra: Record<string, unknown> = {}) => {
  const res = await h.api.post('/api/technicians', { name, phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, center_id: center, ...extra }, h.admin);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data.id as string;
};
const upload = (id: string, token: string, files: Array<{ name: string; data: Buffer }>) => h.api.call('POST', `/api/tickets/${id}/images`, { token, body: form(files) });
/** Book, confirm and assign to our technician. */
const assignedTicket = async () => {
  const t = await book();
  assert.equal((await act(t.id, 'confirm', agent)).status, 200);
  assert.equal((await act(t.id, 'assign', dispatcher, { technician_id: tech.technicianId })).status, 200);
  return t;
};

before(async () => {
  h = await startTicketsHarness('tickets', { MAX_UPLOAD_MB: '1' });
  db = h.stack.services.tickets.sequelize;
  busEvents = [];
  listener = await NatsBus.connect(h.busUrl);
  await listener.subscribe({ group: 'test-listener', types: ['tickets.ticket.status-changed.v1'], handler: async (e) => void busEvents.push(e) });
  agent = (await h.user('agent1', 'agent')).token;
  dispatcher = (await h.user('dispatch1', 'ops_manager')).token;
  const techUser = await h.user('tech1', 'technician');
  await directoryHas(h, techUser.id);
  tech = { ...techUser, technicianId: await createTechnician('李师傅', 'C-PUDONG', { user_id: techUser.id }) };
});
after(async () => {
  await listener?.close();
  await h?.stop();
});

describe('public booking', () => {
  test('a booking answers a TK ticket number; the phone is stored hashed and encrypted, never in clear', async () => {
    const res = await h.api.post('/api/public/booking', booking({ customer_phone: '13900001111' }));
    assert.equal(res.status, 201);
    assert.match(res.body.data.ticket_no, /^TK[2-9A-Z]{8}$/);
    assert.equal(res.body.message, `预约成功，您的工单号是 ${res.body.data.ticket_no}`);
    assert.equal(res.body.data.status, 'BOOKED');
    const [row] = await db.query<Record<string, string>>('SELECT * FROM tickets WHERE ticket_no = ?', { replacements: [res.body.data.ticket_no], type: QueryTypes.SELECT });
    assert.equal(row.customer_phone_masked, '139****1111');
    assert.match(row.customer_phone_hash, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(row).includes('13900001111'), 'no clear phone in the row');
    const [audit] = await db.query<{ action: string }>('SELECT action FROM ticket_events WHERE ticket_id = ?', { replacements: [row.id], type: QueryTypes.SELECT });
    assert.equal(audit.action, 'BOOKED');
  });

  test('bad input is refused with a message for the customer', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer_phone: '12345' }, '请填写正确的11位手机号'],
      [{ customer_phone: '12812345678' }, '请填写正确的11位手机号'],
      [{ customer_name: '' }, '请填写联系人姓名'],
      [{ customer_name: '名'.repeat(51) }, '联系人姓名不能超过50个字符'],
      [{ address: '短' }, '服务地址至少5个字符'],
      [{ appointment_date: '2026-02-30' }, '预约日期格式应为 YYYY-MM-DD'],
      [{ appointment_date: '2020-01-01' }, '预约日期不能早于今天'],
      [{ appointment_time: '25:00' }, '预约时间格式应为 HH:mm 或 HH:mm-HH:mm'],
      [{ appointment_time: '11:00-09:00' }, '预约时间段的结束时间须晚于开始时间'],
      [{ issue_desc: undefined }, '请填写故障描述'],
    ];
    for (const [overrides, message] of cases) {
      const res = await h.api.post('/api/public/booking', booking(overrides));
      assert.equal(res.status, 400, message);
      assert.equal(res.body.message, message);
    }
  });

  test('a retried booking with the same Idempotency-Key creates one ticket', async () => {
    const key = randomUUID();
    const body = booking({ customer_name: '重试用户' });
    const results = await Promise.all([1, 2, 3].map(() => h.api.post('/api/public/booking', body, undefined, { 'Idempotency-Key': key })));
    const numbers = new Set(results.map((r) => r.body.data.ticket_no));
    assert.equal(numbers.size, 1);
    assert.ok(results.every((r) => r.status === 201));
    const [{ n }] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM tickets WHERE customer_name = '重试用户'`, { type: QueryTypes.SELECT });
    assert.equal(Number(n), 1);
  });
});

describe('lifecycle', () => {
  test('BOOKED → CONFIRMED → ASSIGNED → IN_PROGRESS → COMPLETED, audited, with events in the outbox and on the bus', async () => {
    const t = await book();
    let res = await act(t.id, 'confirm', agent, { version: 1 });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.message, res.body.data.status, res.body.data.version], ['确认成功', 'CONFIRMED', 2]);
    res = await act(t.id, 'assign', dispatcher, { technician_id: tech.technicianId, version: 2 });
    assert.deepEqual([res.body.message, res.body.data.status, res.body.data.technician.name], ['分配成功', 'ASSIGNED', '李师傅']);
    res = await act(t.id, 'start', tech.token);
    assert.equal(res.body.data.status, 'IN_PROGRESS');
    res = await upload(t.id, tech.token, [{ name: 'receipt-1.png', data: png('a') }, { name: 'receipt-2.jpg', data: jpeg('b') }]);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.data.uploaded.length, 2);
    res = await act(t.id, 'complete', tech.token, { note: '更换压缩机电容' });
    assert.deepEqual([res.status, res.body.message, res.body.data.status], [200, '工单已完成', 'COMPLETED']);

    const detail = await h.api.get(`/api/tickets/${t.id}`, agent);
    assert.equal(detail.body.data.images.length, 2);
    assert.deepEqual(
      detail.body.data.events.map((e: { action: string }) => e.action).filter((a: string) => a !== 'PHONE_REVEALED'),
      ['BOOKED', 'CONFIRMED', 'ASSIGNED', 'STARTED', 'IMAGES_UPLOADED', 'COMPLETED'],
    );
    assert.equal(detail.headers.get('etag'), '"5"');

    const outbox = await db.query<{ envelope: string }>(`SELECT envelope FROM outbox WHERE subject = ? ORDER BY id`, { replacements: [t.id], type: QueryTypes.SELECT });
    const transitions = outbox.map((r) => JSON.parse(r.envelope).data).map((d: { from: string | null; to: string }) => `${d.from}->${d.to}`);
    assert.deepEqual(transitions, ['null->BOOKED', 'BOOKED->CONFIRMED', 'CONFIRMED->ASSIGNED', 'ASSIGNED->IN_PROGRESS', 'IN_PROGRESS->COMPLETED']);
    const seen = await eventually(() => {
      const mine = busEvents.filter((e) => e.subject === t.id);
      return mine.length >= 5 && mine;
    }, 10_000, 'five status events on NATS');
    assert.deepEqual(seen.map((e) => (e.data as { to: string }).to), ['BOOKED', 'CONFIRMED', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED']);
    assert.equal(seen[1].source, 'tickets');
  });

  test('every illegal transition is a 409 that names both states', async () => {
    const t = await book();
    const expectations: Array<[string, string, string]> = [
      ['start', dispatcher, '工单当前状态为 已预约(BOOKED)，不能变更为 服务中(IN_PROGRESS)'],
      ['assign', dispatcher, '工单当前状态为 已预约(BOOKED)，不能变更为 已分配(ASSIGNED)'],
      ['complete', dispatcher, '工单当前状态为 已预约(BOOKED)，不能变更为 已完成(COMPLETED)'],
    ];
    for (const [action, token, message] of expectations) {
      const res = await act(t.id, action, token, action === 'assign' ? { technician_id: tech.technicianId } : {});
      assert.equal(res.status, 409, action);
      assert.deepEqual([res.body.message, res.body.reason], [message, 'ILLEGAL_TRANSITION']);
    }
    await act(t.id, 'confirm', agent);
    assert.equal((await act(t.id, 'confirm', agent)).body.message, '工单当前状态为 已确认(CONFIRMED)，不能变更为 已确认(CONFIRMED)');
    assert.equal((await act(t.id, 'start', dispatcher)).body.message, '工单当前状态为 已确认(CONFIRMED)，不能变更为 服务中(IN_PROGRESS)');
    const canceled = await act(t.id, 'cancel', agent, { reason: '客户改期' });
    assert.deepEqual([canceled.status, canceled.body.data.status, canceled.body.data.cancel_reason], [200, 'CANCELED', '客户改期']);
    for (const action of ['confirm', 'start', 'complete', 'cancel']) {
      const res = await act(t.id, action, action === 'confirm' || action === 'cancel' ? agent : dispatcher, { reason: 'x' });
      assert.equal(res.status, 409, action);
      assert.match(res.body.message, /^工单当前状态为 已取消\(CANCELED\)，不能变更为 /);
    }
    assert.equal((await act(t.id, 'cancel', agent, {})).body.message, '请填写取消原因');
  });

  test('completion is refused without a receipt image', async () => {
    const t = await assignedTicket();
    const res = await act(t.id, 'complete', dispatcher);
    assert.equal(res.status, 422);
    assert.deepEqual([res.body.message, res.body.reason], ['完成工单前请至少上传一张回执图片', 'RECEIPT_REQUIRED']);
    const [row] = await db.query<{ status: string }>('SELECT status FROM tickets WHERE id = ?', { replacements: [t.id], type: QueryTypes.SELECT });
    assert.equal(row.status, 'ASSIGNED');
  });

  test('two dispatchers racing with one version: exactly one wins, the other gets 409, the row stays consistent', async () => {
    const t = await book();
    await act(t.id, 'confirm', agent);
    const second = await createTechnician('赵师傅', 'C-PUDONG');
    const [a, b] = await Promise.all([
      act(t.id, 'assign', dispatcher, { technician_id: tech.technicianId, version: 2 }),
      act(t.id, 'assign', dispatcher, { technician_id: second, version: 2 }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    assert.equal(loser.body.reason, 'VERSION_CONFLICT');
    assert.equal(loser.body.message, '工单已被他人修改（当前版本 3），请刷新后重试');
    const [row] = await db.query<{ version: number; technician_id: string }>('SELECT version, technician_id FROM tickets WHERE id = ?', { replacements: [t.id], type: QueryTypes.SELECT });
    assert.equal(row.version, 3);
    assert.equal(row.technician_id, winner.body.data.technician_id);
    const [{ n }] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ticket_events WHERE ticket_id = ? AND action = 'ASSIGNED'`, { replacements: [t.id], type: QueryTypes.SELECT });
    assert.equal(Number(n), 1);
  });

  test('the version may come as If-Match; a stale one is refused', async () => {
    const t = await book();
    const stale = await h.api.post(`/api/tickets/${t.id}/confirm`, {}, agent, { 'If-Match': '"7"' });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'VERSION_CONFLICT');
    const fresh = await h.api.post(`/api/tickets/${t.id}/confirm`, {}, agent, { 'If-Match': '"1"' });
    assert.equal(fresh.status, 200);
  });
});

describe('receipts', () => {
  test('an HTML file named .jpg is refused by its bytes; nothing is kept', async () => {
    const t = await assignedTicket();
    const res = await upload(t.id, tech.token, [{ name: 'photo.jpg', data: Buffer.from('<html><script>alert(1)</script></html>') }]);
    assert.equal(res.status, 400);
    assert.equal(res.body.message, '文件「photo.jpg」不是允许的图片类型（jpg、jpeg、png、webp）');
    const [{ n }] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM ticket_images WHERE ticket_id = ?', { replacements: [t.id], type: QueryTypes.SELECT });
    assert.equal(Number(n), 0);
  });

  test('an oversized file is refused with 413', async () => {
    const t = await assignedTicket();
    const big = Buffer.concat([png(), Buffer.alloc(1024 * 1024 + 10)]);
    const res = await upload(t.id, tech.token, [{ name: 'big.png', data: big }]);
    assert.equal(res.status, 413);
    assert.equal(res.body.message, '单个文件不能超过 1MB');
  });

  test('the same image twice on one ticket is stored once', async () => {
    const t = await assignedTicket();
    const image = png('same');
    const first = await upload(t.id, tech.token, [{ name: '回执.png', data: image }, { name: '回执-副本.png', data: image }]);
    assert.equal(first.body.data.uploaded.length, 1);
    assert.equal(first.body.data.uploaded[0].original_name, '回执.png');
    assert.deepEqual(first.body.data.duplicates, ['回执-副本.png']);
    const again = await upload(t.id, tech.token, [{ name: 'again.png', data: image }]);
    assert.deepEqual([again.body.message, again.body.data.uploaded.length], ['图片已存在，未重复保存', 0]);
    const rows = await db.query<{ file_path: string; checksum_sha256: string }>('SELECT file_path, checksum_sha256 FROM ticket_images WHERE ticket_id = ?', {
      replacements: [t.id],
      type: QueryTypes.SELECT,
    });
    assert.equal(rows.length, 1);
    assert.match(rows[0].file_path, new RegExp(`^tickets/${t.id}/[0-9a-f]{24}_\\d+\\.png$`));
  });

  test('uploads are refused before assignment', async () => {
    const t = await book();
    const res = await upload(t.id, h.admin, [{ name: 'a.png', data: png('early') }]);
    assert.equal(res.status, 409);
    assert.equal(res.body.message, '工单当前状态为 已预约(BOOKED)，不能上传回执');
  });

  test('download streams the image with its type and nosniff, and needs permission', async () => {
    const t = await assignedTicket();
    const up = await upload(t.id, tech.token, [{ name: 'r.png', data: png('download') }]);
    const url = up.body.data.uploaded[0].url as string;
    const res = await fetch(`${h.stack.gateway!.url}${url}`, { headers: { authorization: `Bearer ${agent}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), png('download'));
    assert.equal((await fetch(`${h.stack.gateway!.url}${url}`)).status, 401);
  });

  test('no id reaches a file outside the upload folder', async () => {
    const base = h.stack.gateway!.url;
    const auth = { headers: { authorization: `Bearer ${h.admin}` } };
    for (const probe of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fpackage.json', '....//....//etc//passwd', 'a%00.png']) {
      const res = await fetch(`${base}/api/files/ticket-receipt/${probe}`, auth);
      assert.ok([400, 404].includes(res.status), `${probe} → ${res.status}`);
      assert.doesNotMatch(await res.text(), /root:|"name":/);
    }
    // a row whose stored path would climb out of the root (planted, as if the table were tampered with)
    const t = await assignedTicket();
    const planted = randomUUID();
    mkdirSync(join(h.uploadRoot, '..', 'outside'), { recursive: true });
    writeFileSync(join(h.uploadRoot, '..', 'outside', 'secret.png'), png('secret'));
    await db.query(
      `INSERT INTO ticket_images (id, ticket_id, type, file_path, mime_type, size_bytes, checksum_sha256, created_at) VALUES (?, ?, 'RECEIPT', '../outside/secret.png', 'image/png', 10, ?, ?)`,
      { replacements: [planted, t.id, 'f'.repeat(64), new Date()] },
    );
    const res = await fetch(`${base}/api/files/ticket-receipt/${planted}`, auth);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).message, '文件不存在');
  });
});

describe('technicians and assignment', () => {
  test('auto-assignment picks an active technician of the ticket’s centre with the fewest tickets in 7 days', async () => {
    const center = `C-${randomUUID().slice(0, 6)}`;
    const busy = await createTechnician('钱师傅', center);
    const idle = await createTechnician('孙师傅', center);
    const inactive = await createTechnician('周师傅', center);
    await h.api.post(`/api/technicians/${inactive}/deactivate`, {}, h.admin);
    const elsewhere = await createTechnician('吴师傅', `${center}-other`);
    // busy already has two tickets this week
    for (let i = 0; i < 2; i++) {
      const t = await book({ center_id: center });
      await act(t.id, 'confirm', agent);
      await act(t.id, 'assign', dispatcher, { technician_id: busy });
    }
    const t = await book({ center_id: center });
    await act(t.id, 'confirm', agent);
    const res = await act(t.id, 'assign', dispatcher);
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.message, res.body.data.technician_id], ['已自动分配技师', idle]);
    assert.notEqual(res.body.data.technician_id, elsewhere);

    // a centre with nobody active falls back to any active technician
    const lonely = await book({ center_id: 'C-NOBODY' });
    await act(lonely.id, 'confirm', agent);
    const fallback = await act(lonely.id, 'assign', dispatcher);
    assert.equal(fallback.status, 200);
    assert.notEqual(fallback.body.data.technician_id, inactive);
  });

  test('technicians are listed with masked phones; create, update, deactivate', async () => {
    const created = await h.api.post('/api/technicians', { name: '郑师傅', phone: '13700001234', center_id: 'C-1', skills: '空调,冰箱' }, h.admin);
    assert.equal(created.body.data.phone_masked, '137****1234');
    const id = created.body.data.id;
    const list = await h.api.get('/api/technicians?keyword=郑', dispatcher);
    assert.equal(list.status, 200);
    assert.ok(list.body.data.list.some((t: { id: string }) => t.id === id));
    assert.doesNotMatch(JSON.stringify(list.body), /13700001234/);
    assert.equal((await h.api.put(`/api/technicians/${id}`, { skills: '洗衣机' }, h.admin)).body.data.skills, '洗衣机');
    assert.equal((await h.api.post(`/api/technicians/${id}/deactivate`, {}, h.admin)).body.data.is_active, false);
    assert.equal((await h.api.post(`/api/technicians/${id}/activate`, {}, h.admin)).body.data.is_active, true);
    assert.equal((await h.api.post(`/api/technicians/${randomUUID()}/activate`, {}, h.admin)).body.message, '技师不存在');
    assert.equal((await h.api.post('/api/technicians', { name: '坏号码', phone: '123' }, h.admin)).body.message, '请填写正确的11位手机号');
    assert.equal((await h.api.post('/api/technicians', { name: 'x', phone: '13700001235' }, agent)).status, 403);
    const linked = await h.api.post('/api/technicians', { name: '冒名', phone: '13700001236', user_id: tech.id }, h.admin);
    assert.deepEqual([linked.status, linked.body.message], [409, '该用户已关联其他技师']);
  });
});

describe('privacy and scope', () => {
  test('lists mask the phone; the detail reveals it only to those who act on the ticket, and the reveal is audited', async () => {
    const t = await book({ customer_phone: '13655556666' });
    const list = await h.api.get(`/api/tickets?keyword=${t.ticketNo}`, dispatcher);
    assert.equal(list.body.data.list[0].customer_phone, '136****6666');

    const asManager = await h.api.get(`/api/tickets/${t.id}`, dispatcher);
    assert.deepEqual([asManager.body.data.customer_phone, asManager.body.data.customer_phone_revealed], ['136****6666', false]);
    const asAgent = await h.api.get(`/api/tickets/${t.id}`, agent);
    assert.deepEqual([asAgent.body.data.customer_phone, asAgent.body.data.customer_phone_revealed], ['13655556666', true]);
    const reveals = await db.query<{ actor_user_id: number }>(`SELECT actor_user_id FROM ticket_events WHERE ticket_id = ? AND action = 'PHONE_REVEALED'`, {
      replacements: [t.id],
      type: QueryTypes.SELECT,
    });
    assert.equal(reveals.length, 1);
    const byPhone = await h.api.get('/api/tickets?keyword=13655556666', dispatcher);
    assert.deepEqual(byPhone.body.data.list.map((x: { id: string }) => x.id), [t.id], 'search by full phone uses the hash');
  });

  test('a technician sees only their own tickets ("my jobs"), and the full phone of those', async () => {
    const mine = await assignedTicket();
    const other = await book();
    const list = await h.api.get('/api/tickets?pageSize=200', tech.token);
    assert.ok(list.body.data.list.length > 0);
    assert.ok(list.body.data.list.every((x: { technician_id: string }) => x.technician_id === tech.technicianId));
    assert.equal((await h.api.get(`/api/tickets/${other.id}`, tech.token)).status, 404);
    const detail = await h.api.get(`/api/tickets/${mine.id}`, tech.token);
    assert.equal(detail.body.data.customer_phone, '13812345678');
    const jobs = await h.api.get('/api/tickets/mine', tech.token);
    assert.ok(jobs.body.data.list.some((x: { id: string }) => x.id === mine.id));
    assert.equal((await act(other.id, 'cancel', tech.token, { reason: 'x' })).status, 403);
  });

  test('staff without ticket permissions are refused; filters validate', async () => {
    const frontDesk = (await h.user('desk1', 'front_desk')).token;
    assert.equal((await h.api.get('/api/tickets', frontDesk)).status, 403);
    assert.equal((await h.api.get('/api/tickets?status=DONE', agent)).body.message, '状态只能是 BOOKED, CONFIRMED, ASSIGNED, IN_PROGRESS, COMPLETED, CANCELED');
    assert.equal((await h.api.get('/api/tickets/not-a-uuid', agent)).body.message, '工单ID格式不正确');
    const ranged = await h.api.get(`/api/tickets?date_from=${futureDate(100)}&status=BOOKED`, agent);
    assert.deepEqual([ranged.status, ranged.body.data.total], [200, 0]);
  });
});

describe('operations', () => {
  test('/metrics shows the outbox, the consumers and request timings by route template', async () => {
    const metrics = await (await fetch(`${h.stack.services.tickets.url}/metrics`)).text();
    assert.match(metrics, /outbox_published_total\{service="tickets"\} [1-9]/);
    assert.match(metrics, /bus_consumer_events_total\{group="tickets.user-directory",type="identity.user.created.v1",outcome="ok"\} [1-9]/);
    assert.match(metrics, /http_request_duration_seconds_count\{service="tickets",method="POST",route="\/api\/tickets\/:id\/confirm",status="200"\}/);
    const ready = await (await fetch(`${h.stack.services.tickets.url}/readyz`)).json();
    assert.deepEqual(ready.data, { db: 'ok', bus: 'ok' });
  });
});

describe('abuse', () => {
  // last in the file: it spends this IP's booking allowance (100 a minute in the test stack)
  test('the public booking form is rate-limited per IP, and a refused booking creates nothing', async () => {
    const [{ n: before }] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM tickets', { type: QueryTypes.SELECT });
    let accepted = 0;
    let refused: { status: number; body: { message: string } } | undefined;
    for (let i = 0; i < 110 && !refused; i++) {
      const res = await h.api.post('/api/public/booking', booking({ customer_name: `批量${i}` }));
      if (res.status === 429) refused = res;
      else {
        assert.equal(res.status, 201, JSON.stringify(res.body));
        accepted++;
      }
    }
    assert.ok(refused, 'some booking was refused');
    assert.deepEqual(refused.body, { code: 429, message: '预约提交过于频繁，请稍后再试', reason: 'RATE_LIMITED' });
    const [{ n: afterCount }] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM tickets', { type: QueryTypes.SELECT });
    assert.equal(Number(afterCount) - Number(before), accepted);
  });
});
