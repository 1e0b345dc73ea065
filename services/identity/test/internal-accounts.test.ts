import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startService, type RunningService } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { identityService } from '../src/index.js';

/** The internal account API keeps the super admin rules of /api/users: no caller reaches a super admin. */
const ADMIN_PASSWORD = 'Admin#2026pass';
const INTERNAL = 'internal-token-for-internal-accounts-0123';
const internal = { 'x-internal-token': INTERNAL };
let db: TestDatabase;
let service: RunningService;
let api: ApiClient;
let admin: string;
let adminId: number;

const login = (username: string, password: string) => api.post('/api/auth/login', { username, password });
const put = (id: number, body: unknown, query = '') => api.call('PUT', `/internal/accounts/${id}${query}`, { body, headers: internal });
const del = (id: number, query = '') => api.call('DELETE', `/internal/accounts/${id}${query}`, { headers: internal });
const create = (body: Record<string, unknown>) => api.post('/internal/accounts', { password: 'secret123', real_name: '测试', ...body }, undefined, internal);

before(async () => {
  db = await createTestDatabase('identity_internal');
  service = await startService(identityService, {
    env: { DATABASE_URL: db.url, BUS_URL: testNatsUrl('identity_internal'), PORT: '0', ADMIN_PASSWORD, INTERNAL_API_TOKEN: INTERNAL, LOG_LEVEL: 'silent' },
    accessLog: false,
  });
  api = apiClient(service.url);
  const res = await login('admin', ADMIN_PASSWORD);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  admin = res.body.data.token;
  adminId = res.body.data.userInfo.id;
});
after(async () => {
  await service.stop();
  await db.drop();
});

test('PUT and DELETE need the level of the accounts the caller manages', async () => {
  for (const res of [await put(adminId, { status: 0 }), await del(adminId)]) {
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.reason, 'VALIDATION_FAILED');
  }
  assert.equal((await login('admin', ADMIN_PASSWORD)).status, 200, 'the admin is still active');
});

test('a super admin is neither disabled nor deleted, even with its own level, the last one or not', async () => {
  const superRole = (await api.get('/api/roles', admin)).body.data.find((r: { code: string }) => r.code === 'super_admin').id;
  const second = await api.post('/api/users', { username: 'root2', password: 'secret123', role_id: superRole, real_name: '二号' }, admin);
  assert.equal(second.status, 201, JSON.stringify(second.body));
  for (const id of [adminId, second.body.data.id as number]) {
    const disabled = await put(id, { status: 0 }, '?level=0');
    assert.equal(disabled.status, 403, JSON.stringify(disabled.body));
    assert.deepEqual([disabled.body.reason, disabled.body.message], ['SUPER_ADMIN_ONLY', '内部接口不能修改或删除超级管理员账号']);
    const renamed = await put(id, { real_name: '改名' }, '?level=0');
    assert.equal(renamed.status, 403);
    const deleted = await del(id, '?level=0');
    assert.equal(deleted.status, 403);
    assert.equal(deleted.body.reason, 'SUPER_ADMIN_ONLY');
  }
  assert.equal((await login('admin', ADMIN_PASSWORD)).status, 200);
  assert.equal((await login('root2', 'secret123')).status, 200);
});

test('only writer and virtual customer service accounts are created; super_admin and other roles are refused', async () => {
  for (const role_code of ['super_admin', 'customer_service', 'technician', 'nope']) {
    const res = await create({ username: `x_${role_code}`, role_code });
    assert.equal(res.status, 400, `${role_code}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.reason, 'VALIDATION_FAILED');
    assert.match(res.body.message, /内部接口只能创建以下角色的账号：writer、virtual_customer_service/);
    assert.equal((await login(`x_${role_code}`, 'secret123')).status, 401);
  }
  assert.equal((await create({ username: 'writer01', role_code: 'writer' })).status, 201);
  assert.equal((await create({ username: 'vcs01', role_code: 'virtual_customer_service', level: 6 })).status, 201);
});

test('the caller still manages its own accounts: update, disable and delete at their level, other levels refused', async () => {
  const made = await create({ username: 'vcs02', role_code: 'virtual_customer_service', level: 6 });
  const id = made.body.data.id as number;
  assert.equal((await put(id, { status: 0 }, '?level=0')).status, 409, 'wrong level');
  const updated = await put(id, { real_name: '新名字', status: 0 }, '?level=6');
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  assert.deepEqual([updated.body.data.real_name, updated.body.data.status], ['新名字', 0]);
  assert.equal((await login('vcs02', 'secret123')).status, 403, 'disabled');
  assert.equal((await put(id, { status: 1 }, '?level=6')).status, 200);
  assert.equal((await login('vcs02', 'secret123')).status, 200);
  const gone = await del(id, '?level=6');
  assert.equal(gone.status, 200);
  assert.equal(gone.body.data.deleted, true);
  assert.equal((await del(id, '?level=6')).status, 200, 'a repeat answers the same');
  assert.equal((await login('vcs02', 'secret123')).status, 401);
});
