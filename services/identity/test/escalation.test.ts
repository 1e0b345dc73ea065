import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startService, type RunningService } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { QueryTypes } from 'sequelize';
import { identityService } from '../src/index.js';

// Issue 12: a role 人事 with users.read/write and roles.read/write must not be a way to the top.
const ADMIN_PASSWORD = 'Admin#2026pass';
let db: TestDatabase;
let service: RunningService;
let api: ApiClient;
let admin: string;
let hr1: string;
let hr1Id: number;
let adminId: number;
const roles: Record<string, number> = {};

const login = async (username: string, password = 'secret123') => {
  const res = await api.post('/api/auth/login', { username, password });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data.token as string;
};
const createUser = async (username: string, roleId: number, token = admin) => {
  const res = await api.post('/api/users', { username, password: 'secret123', role_id: roleId }, token);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data.id as number;
};
const refused = (res: { status: number; body: { reason: string; message: string } }, reason: string, message?: string) => {
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal(res.body.reason, reason, JSON.stringify(res.body));
  if (message) assert.equal(res.body.message, message);
};
const activeSuperAdmins = async () =>
  (
    await service.sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM users u JOIN roles r ON r.id = u.role_id WHERE r.code = 'super_admin' AND u.status = 1 AND u.deleted_at IS NULL`,
      { type: QueryTypes.SELECT },
    )
  ).map((r) => Number(r.n))[0];

before(async () => {
  db = await createTestDatabase('identity_escalation');
  service = await startService(identityService, {
    env: { DATABASE_URL: db.url, BUS_URL: testNatsUrl('identity_esc'), PORT: '0', ADMIN_PASSWORD, INTERNAL_API_TOKEN: 'internal-token-for-tests-0123456789', LOG_LEVEL: 'silent' },
    accessLog: false,
  });
  api = apiClient(service.url);
  const res = await api.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  admin = res.body.data.token;
  adminId = res.body.data.userInfo.id;
  for (const r of (await api.get('/api/roles', admin)).body.data as Array<{ id: number; code: string | null }>) if (r.code) roles[r.code] = r.id;
  const hr = await api.post('/api/roles', { role_name: '人事', permissions: ['users.read', 'users.write', 'roles.read', 'roles.write'] }, admin);
  assert.equal(hr.status, 201);
  roles.hr = hr.body.data.id;
  hr1Id = await createUser('hr1', roles.hr);
  hr1 = await login('hr1');
});
after(async () => {
  await service.stop();
  await db.drop();
});

test('hr1 cannot create a user with the super-admin role or any role beyond its own; its own role is fine', async () => {
  refused(await api.post('/api/users', { username: 'boss1', password: 'secret123', role_id: roles.super_admin }, hr1), 'SUPER_ADMIN_ONLY', '只有超级管理员可以分配超级管理员角色');
  const finance = await api.post('/api/users', { username: 'money1', password: 'secret123', role_id: roles.finance }, hr1);
  refused(finance, 'ROLE_EXCEEDS_CALLER');
  assert.match(finance.body.message, /不能分配超出自身权限的角色（缺少：.*orders\.settle/);
  const rows = await service.sequelize.query(`SELECT id FROM users WHERE username IN ('boss1', 'money1')`, { type: QueryTypes.SELECT });
  assert.equal(rows.length, 0, 'nothing was written');
  await createUser('hr2', roles.hr, hr1);
});

test('hr1 cannot raise itself or another user to a higher role', async () => {
  refused(await api.put(`/api/users/${hr1Id}`, { role_id: roles.super_admin }, hr1), 'SUPER_ADMIN_ONLY');
  refused(await api.put(`/api/users/${hr1Id}`, { role_id: roles.finance }, hr1), 'ROLE_EXCEEDS_CALLER');
  const other = await createUser('hr3', roles.hr, hr1);
  refused(await api.put(`/api/users/${other}`, { role_id: roles.super_admin }, hr1), 'SUPER_ADMIN_ONLY');
  refused(await api.put(`/api/users/${other}`, { role_id: roles.supervisor, real_name: '升职' }, hr1), 'ROLE_EXCEEDS_CALLER');
  const [row] = await service.sequelize.query<{ role_id: number; real_name: string | null }>('SELECT role_id, real_name FROM users WHERE id = ?', {
    replacements: [other],
    type: QueryTypes.SELECT,
  });
  assert.deepEqual([row.role_id, row.real_name], [roles.hr, null]);
  assert.equal((await api.put(`/api/users/${other}`, { real_name: '同级可改' }, hr1)).status, 200);
  // the account signs in with what its role holds, nothing more
  const me = (await api.post('/api/auth/login', { username: 'hr1', password: 'secret123' })).body.data.userInfo;
  assert.deepEqual(me.permissions, ['users.read', 'users.write', 'roles.read', 'roles.write']);
});

test('hr1 cannot create or edit a role with permissions it does not hold, nor edit a role that has them', async () => {
  const create = await api.post('/api/roles', { role_name: '工单超人', permissions: ['tickets.write', 'orders.settle'] }, hr1);
  refused(create, 'PERMISSION_NOT_HELD', '不能授予自己没有的权限：tickets.write、orders.settle');
  assert.equal((await api.get('/api/roles', admin)).body.data.some((r: { role_name: string }) => r.role_name === '工单超人'), false);
  refused(await api.put(`/api/roles/${roles.hr}`, { permissions: ['users.read', 'users.write', 'roles.read', 'roles.write', 'orders.settle'] }, hr1), 'PERMISSION_NOT_HELD');
  refused(await api.put(`/api/roles/${roles.finance}`, { role_name: '财务部' }, hr1), 'ROLE_EXCEEDS_CALLER');
  refused(await api.put(`/api/roles/${roles.super_admin}`, { menu_ids: [] }, hr1), 'SUPER_ADMIN_ONLY', '只有超级管理员可以创建或修改超级管理员角色');
  const own = await api.post('/api/roles', { role_name: '人事助理', permissions: ['users.read'] }, hr1);
  assert.equal(own.status, 201);
  assert.equal((await api.put(`/api/roles/${own.body.data.id}`, { permissions: ['users.read', 'roles.read'] }, hr1)).status, 200);
});

test('only a super admin may change, disable, delete or reset the password of a super admin (or of anyone above the caller)', async () => {
  refused(await api.put(`/api/users/${adminId}`, { password: 'taken-over-1' }, hr1), 'SUPER_ADMIN_ONLY', '只有超级管理员可以修改、禁用、删除超级管理员或重置其密码');
  refused(await api.put(`/api/users/${adminId}`, { real_name: 'x' }, hr1), 'SUPER_ADMIN_ONLY');
  refused(await api.put(`/api/users/${adminId}/status`, { status: 0 }, hr1), 'SUPER_ADMIN_ONLY');
  refused(await api.del(`/api/users/${adminId}`, hr1), 'SUPER_ADMIN_ONLY');
  const financeUser = await createUser('finance9', roles.finance);
  refused(await api.put(`/api/users/${financeUser}`, { password: 'taken-over-1' }, hr1), 'USER_EXCEEDS_CALLER');
  refused(await api.del(`/api/users/${financeUser}`, hr1), 'USER_EXCEEDS_CALLER');
  assert.equal((await api.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status, 200, 'the admin password is unchanged');
});

test('a token issued before the caller was narrowed does not keep its old reach', async () => {
  const boss = await createUser('boss_then', roles.super_admin);
  const token = await login('boss_then');
  assert.equal((await api.put(`/api/users/${boss}`, { role_id: roles.hr }, admin)).status, 200);
  refused(await api.post('/api/users', { username: 'sneaky', password: 'secret123', role_id: roles.super_admin }, token), 'SUPER_ADMIN_ONLY');
});

test('a role whose users were all deleted can be deleted; the deleted users still resolve their role', async () => {
  const role = (await api.post('/api/roles', { role_name: '临时工', permissions: ['users.read'] }, admin)).body.data.id as number;
  const worker = await createUser('temp1', role);
  const inUse = await api.del(`/api/roles/${role}`, admin);
  assert.deepEqual([inUse.status, inUse.body.message], [409, '该角色下存在用户，无法删除']);
  assert.equal((await api.del(`/api/users/${worker}`, admin)).status, 200);
  const gone = await api.del(`/api/roles/${role}`, admin);
  assert.deepEqual([gone.status, gone.body.message], [200, '删除成功']);
  assert.equal((await api.get('/api/roles', admin)).body.data.some((r: { id: number }) => r.id === role), false);
  assert.equal((await api.post('/api/users', { username: 'temp2', password: 'secret123', role_id: role }, admin)).body.message, '角色不存在');
  // the name is free again; the deleted user's record still joins to its (soft-deleted) role
  assert.equal((await api.post('/api/roles', { role_name: '临时工' }, admin)).status, 201);
  const [row] = await service.sequelize.query<{ role_name: string; deleted_at: Date | null }>(
    'SELECT r.role_name, r.deleted_at FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?',
    { replacements: [worker], type: QueryTypes.SELECT },
  );
  assert.equal(row.role_name, `临时工（已删除#${role}）`);
  assert.ok(row.deleted_at);
  assert.equal((await api.del(`/api/roles/${role}`, admin)).status, 404);
});

test('the last active super admin can be neither demoted, disabled nor deleted; two concurrent demotions cannot both pass', async () => {
  assert.equal(await activeSuperAdmins(), 1);
  refused(await api.put(`/api/users/${adminId}`, { role_id: roles.hr }, admin), 'LAST_SUPER_ADMIN', '必须至少保留一个启用的超级管理员，不能禁用、删除或降级最后一个超级管理员');
  const second = await createUser('root2', roles.super_admin);
  const root2 = await login('root2');
  assert.equal((await api.put(`/api/users/${second}/status`, { status: 0 }, admin)).status, 200);
  // a disabled super admin neither counts nor acts, whatever its token says
  refused(await api.del(`/api/users/${adminId}`, root2), 'ACCOUNT_DISABLED');
  refused(await api.put(`/api/users/${adminId}`, { role_id: roles.hr }, admin), 'LAST_SUPER_ADMIN');
  assert.equal((await api.put(`/api/users/${second}/status`, { status: 1 }, admin)).status, 200);
  const root2again = await login('root2');

  // each demotes the other at the same moment: exactly one may win
  const race = await Promise.all([
    api.put(`/api/users/${second}`, { role_id: roles.hr }, admin),
    api.put(`/api/users/${adminId}`, { role_id: roles.hr }, root2again),
  ]);
  assert.deepEqual(race.map((r) => r.status).sort(), [200, 403], JSON.stringify(race.map((r) => r.body)));
  assert.equal(await activeSuperAdmins(), 1);
  const loser = race.find((r) => r.status === 403)!;
  assert.ok(['LAST_SUPER_ADMIN', 'SUPER_ADMIN_ONLY'].includes(loser.body.reason), loser.body.reason);

  // the survivor is the last one: it cannot demote itself either
  const survivor = race[0].status === 200 ? { id: adminId, token: admin } : { id: second, token: root2again };
  refused(await api.put(`/api/users/${survivor.id}`, { role_id: roles.hr }, survivor.token), 'LAST_SUPER_ADMIN');
});
