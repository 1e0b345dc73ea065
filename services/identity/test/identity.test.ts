import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startService, type RunningService } from '@backoffice/kit';
import { apiClient, createTestDatabase, testNatsUrl, type ApiClient, type TestDatabase } from '@backoffice/kit/testing';
import { QueryTypes } from 'sequelize';
import { identityService } from '../src/index.js';

const ADMIN_PASSWORD = 'Admin#2026pass';
const INTERNAL = 'internal-token-for-tests-0123456789';
let db: TestDatabase;
let service: RunningService;
let api: ApiClient;
let admin: string;

const login = async (username: string, password: string) => api.post('/api/auth/login', { username, password });
const roleId = async (code: string) => (await api.get('/api/roles', admin)).body.data.find((r: { code: string }) => r.code === code).id as number;
const outboxRows = async (type: string) =>
  service.sequelize.query<{ subject: string; envelope: string }>('SELECT subject, envelope FROM outbox WHERE type = ? ORDER BY id', {
    replacements: [type],
    type: QueryTypes.SELECT,
  });
const createUser = async (username: string, roleCode = 'customer_service', extra: Record<string, unknown> = {}) => {
  const res = await api.post('/api/users', { username, password: 'secret123', role_id: await roleId(roleCode), real_name: `名${username}`, ...extra }, admin);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data.id as number;
};

before(async () => {
  db = await createTestDatabase('identity');
  service = await startService(identityService, {
    env: {
      DATABASE_URL: db.url,
      BUS_URL: testNatsUrl('identity'),
      PORT: '0',
      ADMIN_PASSWORD,
      INTERNAL_API_TOKEN: INTERNAL,
      LOG_LEVEL: 'silent',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '8',
    },
    accessLog: false,
  });
  api = apiClient(service.url);
  const res = await login('admin', ADMIN_PASSWORD);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  admin = res.body.data.token;
});
after(async () => {
  await service.stop();
  await db.drop();
});

describe('auth', () => {
  test('login answers token, refreshToken, expires and userInfo with role and menus; no password anywhere', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    assert.equal(res.status, 200);
    assert.equal(res.body.code, 0);
    const { token, refreshToken, expires, userInfo } = res.body.data;
    assert.ok(token && refreshToken);
    assert.ok(expires > Date.now() && expires <= Date.now() + 900_000 + 1000);
    assert.equal(userInfo.username, 'admin');
    assert.equal(userInfo.role.role_name, '超级管理员');
    assert.ok(userInfo.menus.length >= 20, 'the super admin sees every menu');
    assert.ok(userInfo.menus.some((m: { name: string }) => m.name === '工单管理'));
    assert.doesNotMatch(JSON.stringify(res.body), /password|scrypt/i);
    const info = await api.get('/api/auth/userInfo', token);
    assert.equal(info.body.data.username, 'admin');
    assert.equal(info.body.data.menus.length, userInfo.menus.length);
  });

  test('wrong password or unknown user → 用户名或密码错误; missing fields → 400', async () => {
    for (const [u, p] of [['admin', 'nope-nope'], ['ghost', 'whatever1']]) {
      const res = await login(u, p);
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { code: 1, message: '用户名或密码错误', reason: 'BAD_CREDENTIALS' });
    }
    const res = await api.post('/api/auth/login', { username: 'admin' });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, '用户名和密码不能为空');
    await service.sequelize.query('DELETE FROM login_failures');
  });

  test('the JWKS is published for other services', async () => {
    const res = await api.get('/.well-known/jwks.json');
    assert.equal(res.body.keys[0].kty, 'EC');
    assert.equal(res.body.keys[0].d, undefined, 'no private part');
  });

  test('refresh rotates: the new pair works, the used token cannot be used again and ends its family', async () => {
    const first = (await login('admin', ADMIN_PASSWORD)).body.data;
    const second = await api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.data.refreshToken, first.refreshToken);
    assert.equal((await api.get('/api/auth/userInfo', second.body.data.token)).status, 200);
    const reuse = await api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.message, '刷新令牌已被使用，请重新登录');
    // the thief's reuse also ends the rotated token of the same chain
    const after = await api.post('/api/auth/refresh', { refreshToken: second.body.data.refreshToken });
    assert.equal(after.status, 401);
  });

  test('two concurrent refreshes with one token: exactly one wins', async () => {
    const { refreshToken } = (await login('admin', ADMIN_PASSWORD)).body.data;
    const results = await Promise.all(Array.from({ length: 5 }, () => api.post('/api/auth/refresh', { refreshToken })));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.equal(results.filter((r) => r.status === 401).length, 4);
  });

  test('logout revokes the refresh token', async () => {
    const { token, refreshToken } = (await login('admin', ADMIN_PASSWORD)).body.data;
    assert.equal((await api.post('/api/auth/logout', { refreshToken }, token)).body.message, '退出成功');
    assert.equal((await api.post('/api/auth/refresh', { refreshToken })).status, 401);
  });

  test('a disabled user cannot log in or refresh; a deleted one cannot log in', async () => {
    const id = await createUser('to_disable');
    const session = (await login('to_disable', 'secret123')).body.data;
    assert.equal((await api.put(`/api/users/${id}/status`, { status: 0 }, admin)).body.message, '状态更新成功');
    const denied = await login('to_disable', 'secret123');
    assert.equal(denied.status, 403);
    assert.equal(denied.body.message, '账号已被禁用，请联系管理员');
    assert.equal((await api.post('/api/auth/refresh', { refreshToken: session.refreshToken })).status, 401);

    const gone = await createUser('to_delete');
    assert.equal((await api.del(`/api/users/${gone}`, admin)).body.message, '删除成功');
    assert.equal((await login('to_delete', 'secret123')).status, 401);
  });

  test('userInfo for an account deleted after sign-in → 用户不存在', async () => {
    const id = await createUser('short_lived');
    const token = (await login('short_lived', 'secret123')).body.data.token;
    await api.del(`/api/users/${id}`, admin);
    const res = await api.get('/api/auth/userInfo', token);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { code: 1, message: '用户不存在', reason: 'USER_NOT_FOUND' });
  });

  test('repeated wrong passwords for one account are throttled with 429; then from one IP', async () => {
    await createUser('victim');
    for (let i = 0; i < 3; i++) assert.equal((await login('victim', 'wrong-pass')).status, 401);
    const blocked = await login('victim', 'secret123');
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.message, '登录失败次数过多，请15分钟后再试');
    for (let i = 0; i < 5; i++) await login(`nobody${i}`, 'wrong-pass');
    const ipBlocked = await login('someone_else', 'wrong-pass');
    assert.equal(ipBlocked.status, 429);
    assert.equal(ipBlocked.body.message, '该IP登录失败次数过多，请15分钟后再试');
    await service.sequelize.query('DELETE FROM login_failures');
  });

  test('passwords are stored with scrypt, never in clear', async () => {
    const [row] = await service.sequelize.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'admin'`, { type: QueryTypes.SELECT });
    assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!row.password_hash.includes(ADMIN_PASSWORD));
  });
});

describe('users', () => {
  test('create, list with filters, update, status, delete — with the seed’s messages and events', async () => {
    const cs = await roleId('customer_service');
    const created = await api.post('/api/users', { username: 'zhangsan', password: 'secret123', role_id: cs, real_name: '张三', email: 'zs@example.com', level: 6 }, admin);
    assert.equal(created.status, 201);
    assert.equal(created.body.message, '创建成功');
    const id = created.body.data.id;

    const dup = await api.post('/api/users', { username: 'zhangsan', password: 'secret123', role_id: cs }, admin);
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { code: 1, message: '用户名已存在', reason: 'USERNAME_TAKEN' });

    const list = await api.get(`/api/users?username=hang&role_id=${cs}&status=1`, admin);
    assert.equal(list.status, 200);
    const row = list.body.data.find((u: { id: number }) => u.id === id);
    assert.deepEqual(
      { username: row.username, role_name: row.role_name, real_name: row.real_name, email: row.email, status: row.status, level: row.level },
      { username: 'zhangsan', role_name: '客服', real_name: '张三', email: 'zs@example.com', status: 1, level: 6 },
    );
    assert.doesNotMatch(JSON.stringify(list.body), /password/);
    assert.equal((await api.get('/api/users?status=0&username=zhangsan', admin)).body.data.length, 0);

    const cs2 = await api.get('/api/users/customer-service', admin);
    assert.ok(cs2.body.data.some((u: { username: string }) => u.username === 'zhangsan'));
    assert.deepEqual(Object.keys(cs2.body.data[0]).sort(), ['id', 'real_name', 'username']);

    assert.equal((await api.put(`/api/users/${id}`, { real_name: '张三丰' }, admin)).body.message, '更新成功');
    const taken = await api.put(`/api/users/${id}`, { username: 'admin' }, admin);
    assert.equal(taken.status, 409);
    assert.equal(taken.body.message, '用户名已存在');
    assert.equal((await api.put('/api/users/999999', { real_name: 'x' }, admin)).status, 404);

    assert.equal((await api.del(`/api/users/${id}`, admin)).body.message, '删除成功');
    assert.equal((await api.del(`/api/users/${id}`, admin)).status, 404);

    const createdEvents = await outboxRows('identity.user.created.v1');
    const mine = createdEvents.map((r) => JSON.parse(r.envelope)).find((e) => e.data.username === 'zhangsan');
    assert.deepEqual(mine.data, { id, username: 'zhangsan', real_name: '张三', role_id: cs, role: 'customer_service', status: 1, level: 6 });
    assert.equal(mine.source, 'identity');
    const updated = (await outboxRows('identity.user.updated.v1')).map((r) => JSON.parse(r.envelope)).filter((e) => e.data.id === id);
    assert.equal(updated.at(-1).data.real_name, '张三丰');
    const deleted = (await outboxRows('identity.user.deleted.v1')).map((r) => JSON.parse(r.envelope));
    assert.deepEqual(deleted.find((e) => e.data.id === id).data, { id, username: 'zhangsan' });
  });

  test('input is validated with messages a person can act on', async () => {
    const cs = await roleId('customer_service');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ username: 'ab', password: 'secret123', role_id: cs }, '用户名须为 3-50 位字母、数字或 _ . @ -'],
      [{ username: 'okname', password: '123', role_id: cs }, '密码长度不能少于6个字符'],
      [{ username: 'okname', password: 'secret123' }, '角色不能为空'],
      [{ username: 'okname', password: 'secret123', role_id: 99999 }, '角色不存在'],
      [{ username: 'okname', password: 'secret123', role_id: cs, email: 'not-an-email' }, '邮箱格式不正确'],
      [{ username: 'okname', password: 'secret123', role_id: cs, status: 3 }, '状态只能是 0（禁用）或 1（启用）'],
      [{ username: 'okname', password: 'secret123', role_id: cs, level: 9 }, '用户级别不合法'],
    ];
    for (const [body, message] of cases) {
      const res = await api.post('/api/users', body, admin);
      assert.equal(res.status, 400, message);
      assert.equal(res.body.message, message);
    }
    assert.equal((await api.put('/api/users/abc', {}, admin)).body.message, 'ID 必须是正整数');
  });

  test('two admins creating the same username at once: one wins, the other gets 409', async () => {
    const cs = await roleId('customer_service');
    const results = await Promise.all([1, 2, 3].map(() => api.post('/api/users', { username: 'racer', password: 'secret123', role_id: cs }, admin)));
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    for (const r of results.filter((r) => r.status !== 201)) assert.deepEqual([r.status, r.body.message], [409, '用户名已存在']);
  });

  test('own email and password, with the seed’s rules', async () => {
    await createUser('selfservice');
    const token = (await login('selfservice', 'secret123')).body.data.token;
    assert.equal((await api.put('/api/users/email', { email: 'bad' }, token)).body.message, '邮箱格式不正确');
    assert.equal((await api.put('/api/users/email', { email: 'me@example.com' }, token)).body.message, '邮箱更新成功');
    assert.equal((await api.get('/api/auth/userInfo', token)).body.data.email, 'me@example.com');

    const cases: Array<[Record<string, unknown>, string]> = [
      [{ oldPassword: '', newPassword: 'x' }, '旧密码和新密码不能为空'],
      [{ oldPassword: 'secret123' }, '旧密码和新密码不能为空'],
      [{ oldPassword: 'secret123', newPassword: '12345' }, '新密码长度不能少于6个字符'],
      [{ oldPassword: 'wrong-old', newPassword: 'newsecret1' }, '旧密码不正确'],
    ];
    for (const [body, message] of cases) {
      const res = await api.put('/api/users/password', body, token);
      assert.equal(res.status, 400);
      assert.equal(res.body.message, message);
    }
    assert.equal((await api.put('/api/users/password', { oldPassword: 'secret123', newPassword: 'newsecret1' }, token)).body.message, '密码修改成功');
    assert.equal((await login('selfservice', 'secret123')).status, 401);
    assert.equal((await login('selfservice', 'newsecret1')).status, 200);
  });

  test('every endpoint checks a permission: a customer-service user gets 403, no token 401', async () => {
    await createUser('plaincs');
    const token = (await login('plaincs', 'secret123')).body.data.token;
    const denied: Array<[string, string]> = [
      ['GET', '/api/users'],
      ['POST', '/api/users'],
      ['PUT', '/api/users/1'],
      ['DELETE', '/api/users/1'],
      ['PUT', '/api/users/1/status'],
      ['GET', '/api/roles'],
      ['POST', '/api/roles'],
      ['DELETE', '/api/roles/1'],
      ['GET', '/api/menus'],
      ['POST', '/api/menus'],
    ];
    for (const [method, path] of denied) {
      const body = method === 'GET' ? undefined : {};
      const res = await api.call(method, path, { token, body });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.message, '您没有权限执行此操作');
      assert.equal((await api.call(method, path, { body })).status, 401, `${method} ${path} without a token`);
    }
    assert.equal((await api.get('/api/users/customer-service', token)).status, 200, '客服 may list customer service');
  });
});

describe('roles and menus', () => {
  test('roles: create with menus and permissions, duplicate name, update, menus of a role, delete rules', async () => {
    const menus = (await api.get('/api/menus', admin)).body.data;
    const [m1, m2] = menus;
    const created = await api.post('/api/roles', { role_name: '仓管', menu_ids: [m1.id, m2.id], permissions: ['tickets.read'] }, admin);
    assert.equal(created.status, 201);
    assert.equal(created.body.message, '创建成功');
    const id = created.body.data.id;
    assert.equal((await api.post('/api/roles', { role_name: '仓管' }, admin)).body.message, '角色名已存在');
    assert.equal((await api.post('/api/roles', { role_name: '新角色', permissions: ['fly.away'] }, admin)).body.message, '未知的权限：fly.away');
    assert.equal((await api.post('/api/roles', { role_name: '新角色', menu_ids: [987654] }, admin)).body.message, '菜单不存在');

    const roleMenus = await api.get(`/api/roles/${id}/menus`, admin);
    assert.deepEqual(roleMenus.body.data.map((m: { id: number }) => m.id).sort(), [m1.id, m2.id].sort());
    assert.deepEqual(Object.keys(roleMenus.body.data[0]).sort(), ['created_time', 'icon', 'id', 'name', 'parent_id', 'path', 'sort']);

    assert.equal((await api.put(`/api/roles/${id}`, { role_name: '财务' }, admin)).body.message, '角色名已存在');
    assert.equal((await api.put(`/api/roles/${id}`, { role_name: '库管', menu_ids: [m2.id] }, admin)).body.message, '更新成功');
    assert.equal((await api.get(`/api/roles/${id}/menus`, admin)).body.data.length, 1);

    await api.post('/api/users', { username: 'keeper', password: 'secret123', role_id: id }, admin);
    const inUse = await api.del(`/api/roles/${id}`, admin);
    assert.equal(inUse.status, 409);
    assert.deepEqual(inUse.body, { code: 1, message: '该角色下存在用户，无法删除', reason: 'ROLE_IN_USE' });

    const empty = (await api.post('/api/roles', { role_name: '临时' }, admin)).body.data.id;
    assert.equal((await api.del(`/api/roles/${empty}`, admin)).body.message, '删除成功');
    assert.equal((await api.del(`/api/roles/${empty}`, admin)).status, 404);
  });

  test('built-in roles are seeded with their display names and permissions', async () => {
    const roles = (await api.get('/api/roles', admin)).body.data as Array<{ role_name: string; code: string; permissions: string[] }>;
    const names = roles.map((r) => r.role_name);
    for (const name of ['超级管理员', '财务', '客服', '质检', '主管', '前台', '虚拟订单专用客服', '技师']) assert.ok(names.includes(name), name);
    const byCode = Object.fromEntries(roles.map((r) => [r.code, r.permissions]));
    assert.deepEqual(byCode.agent.filter((p) => p.startsWith('tickets.')).sort(), ['tickets.read', 'tickets.upload', 'tickets.write']);
    assert.deepEqual(byCode.ops_manager.filter((p) => p.startsWith('tickets.')).sort(), ['tickets.assign', 'tickets.complete', 'tickets.read']);
  });

  test('menus: create, update with the seed’s messages, delete', async () => {
    const created = await api.post('/api/menus', { name: '报表', path: '/reports', icon: 'chart', sort: 9 }, admin);
    assert.equal(created.status, 201);
    assert.equal(created.body.message, '创建成功');
    const id = created.body.data.id;
    assert.equal((await api.post('/api/menus', { name: '报表' }, admin)).body.message, '路由路径不能为空');
    assert.equal((await api.post('/api/menus', { name: 'x', path: '/x', parent_id: 999999 }, admin)).body.message, '父菜单不存在');
    const child = (await api.post('/api/menus', { name: '日报', path: '/reports/daily', parent_id: id }, admin)).body.data.id;

    assert.equal((await api.put(`/api/menus/${id}`, { sort: 3 }, admin)).body.message, '更新成功');
    const none = await api.put(`/api/menus/${id}`, {}, admin);
    assert.deepEqual([none.status, none.body.message], [400, '没有要更新的字段']);
    const missing = await api.put('/api/menus/999999', { name: 'x' }, admin);
    assert.deepEqual([missing.status, missing.body.message], [404, '菜单不存在']);

    assert.equal((await api.del(`/api/menus/${id}`, admin)).body.message, '该菜单下存在子菜单，无法删除');
    assert.equal((await api.del(`/api/menus/${child}`, admin)).body.message, '删除成功');
    assert.equal((await api.del(`/api/menus/${id}`, admin)).body.message, '删除成功');
    assert.equal((await api.del(`/api/menus/${id}`, admin)).body.message, '菜单不存在');
  });
});

describe('internal API', () => {
  const internal = { 'x-internal-token': INTERNAL };

  test('creates an account once per username; a repeat answers the same account', async () => {
    const body = { username: 'vcs001', password: '123456', real_name: '虚拟客服', role_code: 'virtual_customer_service', level: 6 };
    const first = await api.post('/internal/accounts', body, undefined, internal);
    assert.equal(first.status, 201);
    const again = await api.post('/internal/accounts', body, undefined, internal);
    assert.equal(again.status, 200);
    assert.equal(again.body.data.id, first.body.data.id);
    assert.equal(again.body.data.created, false);
    const session = await login('vcs001', '123456');
    assert.equal(session.body.data.userInfo.level, 6);
    assert.equal(session.body.data.userInfo.role.role_name, '虚拟订单专用客服');
    assert.equal((await api.post('/internal/accounts', body)).status, 401, 'needs the internal token');
  });

  test('stats count users, roles and menus', async () => {
    const stats = await api.call('GET', '/internal/stats', { headers: internal });
    const [[{ n: users }], [{ n: menus }]] = await Promise.all([
      service.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL', { type: QueryTypes.SELECT }),
      service.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM menus', { type: QueryTypes.SELECT }),
    ]);
    assert.equal(stats.body.data.userCount, Number(users));
    assert.equal(stats.body.data.menuCount, Number(menus));
    assert.ok(stats.body.data.roleCount >= 11);
  });
});
