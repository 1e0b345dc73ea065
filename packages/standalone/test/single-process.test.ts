import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { identityService } from '@backoffice/identity';
import { MemoryBus } from '@backoffice/kit';
import { apiClient, eventually, type ApiClient } from '@backoffice/kit/testing';
import { ticketsService } from '@backoffice/tickets';
import { startStack, type RunningStack } from '../src/index.js';

// The `npm start` shape: SQLite files, one in-memory bus, every service in this process.
let dir: string;
let bus: MemoryBus;
let stack: RunningStack;
let api: ApiClient;
let admin: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'standalone-'));
  bus = new MemoryBus();
  stack = await startStack({
    services: [identityService, ticketsService],
    databaseUrl: (service) => `sqlite:${join(dir, `${service}.sqlite`)}`,
    bus,
    ports: 'ephemeral',
    gateway: true,
    accessLog: false,
    env: { ADMIN_PASSWORD: 'Admin#2026pass', DATA_ENCRYPTION_KEY: 'standalone-test-key-0123456789', UPLOAD_ROOT: join(dir, 'uploads'), LOG_LEVEL: 'silent' },
  });
  api = apiClient(stack.gateway!.url);
  admin = (await api.post('/api/auth/login', { username: 'admin', password: 'Admin#2026pass' })).body.data.token;
});
after(async () => {
  await stack.stop();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

test('on SQLite and the in-memory bus: a user event reaches tickets, and a ticket goes from booking to completion', async () => {
  const roles = (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string }>;
  const techRole = roles.find((r) => r.code === 'technician')!.id;
  const user = await api.post('/api/users', { username: 'tech_sqlite', password: 'secret123', role_id: techRole }, admin);
  await eventually(async () => {
    const [rows] = await stack.services.tickets.sequelize.query('SELECT id FROM directory_users WHERE id = ?', { replacements: [user.body.data.id] });
    return (rows as unknown[]).length > 0;
  }, 5000, 'the user directory to hear of the technician');
  const tech = await api.post('/api/technicians', { name: '测试技师', phone: '13512345678', user_id: user.body.data.id }, admin);
  assert.equal(tech.status, 201);

  const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const booked = await api.post('/api/public/booking', {
    customer_name: '单机用户',
    customer_phone: '13811112222',
    address: '杭州市西湖区文三路1号',
    appointment_date: day,
    appointment_time: '14:00',
    issue_desc: '洗衣机漏水',
  });
  assert.equal(booked.status, 201);
  const list = await api.get(`/api/tickets?keyword=${booked.body.data.ticket_no}`, admin);
  const id = list.body.data.list[0].id;
  assert.equal((await api.post(`/api/tickets/${id}/confirm`, { version: 1 }, admin)).status, 200);
  // two dispatchers at once on SQLite too: one wins
  const race = await Promise.all([1, 2].map(() => api.post(`/api/tickets/${id}/assign`, { version: 2, technician_id: tech.body.data.id }, admin)));
  assert.deepEqual(race.map((r) => r.status).sort(), [200, 409]);
  const techToken = (await api.post('/api/auth/login', { username: 'tech_sqlite', password: 'secret123' })).body.data.token;
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  const form = new FormData();
  form.append('files', new Blob([png]), 'receipt.png');
  assert.equal((await api.call('POST', `/api/tickets/${id}/images`, { token: techToken, body: form })).status, 201);
  const done = await api.post(`/api/tickets/${id}/complete`, {}, techToken);
  assert.deepEqual([done.status, done.body.data.status], [200, 'COMPLETED']);
  await eventually(async () => {
    const [rows] = await stack.services.tickets.sequelize.query(`SELECT id FROM outbox WHERE status = 'pending'`);
    return (rows as unknown[]).length === 0;
  }, 5000, 'the relay to publish everything');
});
