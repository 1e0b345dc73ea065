import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes, type Sequelize } from 'sequelize';
import { startWritingHarness, type WritingHarness } from './stack.js';
import { createWriter, todayCode, writerBody } from './writer-fixtures.js';

let h: WritingHarness;
let db: Sequelize;
let supervisor: string;
let finance: string;
let cs: string;

before(async () => {
  // the gateway believes X-Forwarded-For from loopback, so tests can speak for different client IPs
  h = await startWritingHarness('writers', { TRUST_PROXY: 'loopback' });
  db = h.stack.services['writing-orders'].sequelize;
  [supervisor, finance, cs] = (await Promise.all([h.user('sup1', 'supervisor'), h.user('fin1', 'finance'), h.user('cs1', 'customer_service')])).map((u) => u.token);
});
after(async () => {
  await h?.stop();
});

const row = async (id: number) =>
  (await db.query<Record<string, unknown>>('SELECT * FROM writers WHERE id = ?', { replacements: [id], type: QueryTypes.SELECT }))[0];

describe('creating writers', () => {
  test('a new writer gets w + YYMMDD + a two-digit sequence; ID number and Alipay account are stored encrypted', async () => {
    const res = await h.api.post('/api/writers', writerBody({ name: '李四', phone_2: '13900000000', ip_address: '10.0.0.8' }), supervisor);
    assert.equal(res.status, 201);
    assert.equal(res.body.code, 0);
    assert.equal(res.body.message, '添加成功');
    assert.match(res.body.data.writer_id, new RegExp(`^w${todayCode()}\\d{2}$`));
    assert.equal(typeof res.body.data.id, 'number');
    const stored = await row(res.body.data.id);
    const text = JSON.stringify(stored);
    assert.ok(!text.includes('110101199003071234'), 'no clear ID number at rest');
    assert.ok(!text.includes('zhangsan@alipay.com'), 'no clear Alipay account at rest');
    assert.equal(stored.id_number_masked, '110***********1234');
    assert.equal(stored.alipay_account_masked, 'zh***@alipay.com');
    assert.equal(stored.created_by, 'sup1');
  });

  test('the fields are validated with messages a person can act on', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '' }, '请填写姓名'],
      [{ name: undefined }, '请填写姓名'],
      [{ education: ' ' }, '请填写学历'],
      [{ major: undefined }, '请填写专业'],
      [{ writing_experience: '高手' }, '写作水平必须是以下之一：大学水平/在职水平/事业单位水平/淘宝老手/在职老师/期刊报告科研'],
      [{ phone_1: 'abc' }, '手机号格式不正确'],
      [{ id_number: '12345' }, '身份证号格式不正确'],
    ];
    for (const [overrides, message] of cases) {
      const res = await h.api.post('/api/writers', writerBody(overrides), h.admin);
      assert.equal(res.status, 400, JSON.stringify(overrides));
      assert.equal(res.body.code, 1);
      assert.equal(res.body.message, message);
    }
  });

  test('every writing level of the seed is accepted', async () => {
    for (const level of ['大学水平', '在职水平', '事业单位水平', '淘宝老手', '在职老师', '期刊报告科研']) {
      await createWriter(h, { writing_experience: level, name: `级别${level}` });
    }
  });

  test('only holders of writers.write may create writers', async () => {
    const res = await h.api.post('/api/writers', writerBody(), cs);
    assert.equal(res.status, 403);
    assert.equal((await h.api.post('/api/writers', writerBody())).status, 401);
  });

  test('20 concurrent registrations get 20 different ids of the same day', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.api.post('/api/writers', writerBody({ name: `并发${i}` }), h.admin)));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(201));
    const ids = results.map((r) => r.body.data.writer_id as string);
    assert.equal(new Set(ids).size, 20);
    for (const id of ids) assert.match(id, new RegExp(`^w${todayCode()}\\d{2}$`));
    const [{ n }] = await db.query<{ n: number }>('SELECT COUNT(DISTINCT writer_id) AS n FROM writers', { type: QueryTypes.SELECT });
    const [{ total }] = await db.query<{ total: number }>('SELECT COUNT(*) AS total FROM writers', { type: QueryTypes.SELECT });
    assert.equal(Number(n), Number(total));
  });

  test('after the 99th writer of a day: 当日写手ID序号已用尽; a taken id: 写手ID已存在', async () => {
    const name = `writer:${todayCode()}`;
    const [{ value }] = await db.query<{ value: number }>('SELECT value FROM writer_sequences WHERE name = ?', { replacements: [name], type: QueryTypes.SELECT });
    await db.query('UPDATE writer_sequences SET value = 98 WHERE name = ?', { replacements: [name] });
    const last = await h.api.post('/api/writers', writerBody({ name: '第99位' }), h.admin);
    assert.equal(last.status, 201);
    assert.equal(last.body.data.writer_id, `w${todayCode()}99`);
    for (const path of ['/api/writers', '/api/writers/open']) {
      const res = await h.api.post(path, writerBody({ name: '第100位' }), path === '/api/writers' ? h.admin : undefined);
      assert.equal(res.status, 422);
      assert.equal(res.body.code, 1);
      assert.equal(res.body.message, '当日写手ID序号已用尽');
    }
    // a counter put back by hand would hand out a number that exists: the unique key refuses it
    await db.query('UPDATE writer_sequences SET value = 0 WHERE name = ?', { replacements: [name] });
    const taken = await h.api.post('/api/writers', writerBody({ name: '重复' }), h.admin);
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 1);
    assert.equal(taken.body.message, '写手ID已存在');
    // give the rest of this file the numbers after the ones used so far
    assert.ok(Number(value) >= 21);
    await db.query('UPDATE writer_sequences SET value = ? WHERE name = ?', { replacements: [value, name] });
  });
});

describe('reading writers', () => {
  let a: { id: number; writer_id: string };
  let b: { id: number; writer_id: string };
  before(async () => {
    a = await createWriter(h, { name: '筛选甲', education: '硕士', major: '新闻传播学', writing_experience: '在职老师' });
    b = await createWriter(h, { name: '筛选乙', education: '博士', major: '计算机科学', writing_experience: '期刊报告科研', id_number: null, alipay_account: '13812345678' });
    assert.equal((await h.api.put(`/api/writers/${b.id}`, { starred: true, processed: 1 }, h.admin)).status, 200);
  });

  test('the list pages with total/list and every filter narrows it', async () => {
    const all = await h.api.get('/api/writers?page=1&pageSize=5', cs);
    assert.equal(all.status, 200);
    assert.equal(all.body.message, '获取成功');
    assert.equal(all.body.data.list.length, 5);
    assert.ok(all.body.data.total > 20);
    const filters: Array<[string, number[]]> = [
      [`writer_id=${a.writer_id}`, [a.id]],
      ['name=筛选', [b.id, a.id]],
      ['education=硕士', [a.id]],
      ['major=计算机', [b.id]],
      ['writing_experience=期刊报告科研&name=筛选', [b.id]],
      ['starred=true&name=筛选', [b.id]],
      ['processed=false&name=筛选', [a.id]],
      ['processed=1&starred=1', [b.id]],
    ];
    for (const [q, ids] of filters) {
      const res = await h.api.get(`/api/writers?${encodeURI(q)}`, cs);
      assert.equal(res.status, 200, q);
      assert.deepEqual(res.body.data.list.map((w: { id: number }) => w.id), ids, q);
      assert.equal(res.body.data.total, ids.length, q);
    }
    const bad = await h.api.get('/api/writers?starred=maybe', cs);
    assert.equal(bad.status, 400);
  });

  test('ID numbers and Alipay accounts are masked unless the caller holds writers.sensitive', async () => {
    const pick = async (token: string) => (await h.api.get(`/api/writers?writer_id=${a.writer_id}`, token)).body.data.list[0];
    const masked = await pick(cs);
    assert.equal(masked.id_number, '110***********1234');
    assert.equal(masked.alipay_account, 'zh***@alipay.com');
    for (const token of [finance, h.admin]) {
      const clear = await pick(token);
      assert.equal(clear.id_number, '110101199003071234');
      assert.equal(clear.alipay_account, 'zhangsan@alipay.com');
    }
    const detail = await h.api.get(`/api/writers/${b.id}`, supervisor);
    assert.equal(detail.body.data.alipay_account, '138****5678');
    assert.equal(detail.body.data.id_number, null);
  });

  test('the detail has every list field, is_activated and latest_rating (null before any rating)', async () => {
    const res = await h.api.get(`/api/writers/${a.id}`, cs);
    assert.equal(res.status, 200);
    assert.equal(res.body.message, '获取成功');
    const w = res.body.data;
    for (const key of ['id', 'writer_id', 'name', 'education', 'major', 'writing_experience', 'specialized_content', 'phone_1', 'phone_2', 'alipay_name', 'alipay_account', 'id_number', 'ip_address', 'starred', 'processed', 'is_activated', 'created_time', 'created_by', 'last_modified_time', 'last_modified_by']) {
      assert.ok(key in w, key);
    }
    assert.equal(w.is_activated, 0);
    assert.equal(w.starred, 0);
    assert.match(w.created_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(w.latest_rating, null);
    const missing = await h.api.get('/api/writers/999999', cs);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 1);
    assert.equal(missing.body.message, '写手不存在');
  });

  test('GET /api/writers/list gives every writer for drop-downs', async () => {
    const res = await h.api.get('/api/writers/list', cs);
    assert.equal(res.status, 200);
    assert.equal(res.body.message, 'success');
    const item = res.body.data.find((w: { id: number }) => w.id === a.id);
    assert.deepEqual(item, { id: a.id, writer_id: a.writer_id, name: '筛选甲', phone_1: '13800000000', is_activated: 0 });
  });

  test('quick search needs no token, matches writer numbers only, at most 20, phones masked', async () => {
    const short = await h.api.get('/api/writers/quick-search?keyword=w');
    assert.equal(short.status, 200);
    assert.deepEqual(short.body.data, []);
    assert.deepEqual((await h.api.get('/api/writers/quick-search')).body.data, []);
    const exact = await h.api.get(`/api/writers/quick-search?keyword=${a.writer_id}`);
    assert.equal(exact.body.message, 'success');
    assert.deepEqual(exact.body.data, [{ id: a.id, writer_id: a.writer_id, name: '筛选甲', phone_1: '138****0000', is_activated: 0 }]);
    const many = await h.api.get(`/api/writers/quick-search?keyword=${todayCode()}&pageSize=50`);
    assert.equal(many.body.data.length, 20);
    const page2 = await h.api.get(`/api/writers/quick-search?keyword=${todayCode()}&pageSize=20&page=2`);
    assert.ok(page2.body.data.length > 0);
    assert.ok(!page2.body.data.some((w: { id: number }) => many.body.data.some((x: { id: number }) => x.id === w.id)));
    assert.deepEqual((await h.api.get('/api/writers/quick-search?keyword=筛选甲')).body.data, [], 'names are not searched');
  });
});

describe('changing and deleting writers', () => {
  test('an update changes the given fields and records who did it', async () => {
    const w = await createWriter(h);
    const res = await h.api.put(`/api/writers/${w.id}`, { name: '王五', id_number: '110101199003079999', alipay_account: '', starred: true, processed: false }, supervisor);
    assert.equal(res.status, 200);
    assert.equal(res.body.message, '更新成功');
    const detail = (await h.api.get(`/api/writers/${w.id}`, h.admin)).body.data;
    assert.equal(detail.name, '王五');
    assert.equal(detail.id_number, '110101199003079999');
    assert.equal(detail.alipay_account, null);
    assert.equal(detail.starred, 1);
    assert.equal(detail.last_modified_by, 'sup1');
    assert.equal(detail.writer_id, w.writer_id);
    const bad = await h.api.put(`/api/writers/${w.id}`, { writing_experience: '新手' }, supervisor);
    assert.equal(bad.status, 400);
    const missing = await h.api.put('/api/writers/999999', { name: 'x' }, supervisor);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, '写手不存在');
    assert.equal((await h.api.put(`/api/writers/${w.id}`, { name: 'x' }, cs)).status, 403);
  });

  test('delete one (写手不存在 the second time) and delete several with ids', async () => {
    const one = await createWriter(h);
    const res = await h.api.del(`/api/writers/${one.id}`, supervisor);
    assert.equal(res.status, 200);
    assert.equal(res.body.message, '删除成功');
    const again = await h.api.del(`/api/writers/${one.id}`, supervisor);
    assert.equal(again.status, 404);
    assert.equal(again.body.message, '写手不存在');

    const many = await Promise.all([createWriter(h), createWriter(h), createWriter(h)]);
    const batch = await h.api.call('DELETE', '/api/writers', { token: supervisor, body: { ids: many.map((w) => w.id) } });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.message, '删除成功');
    assert.equal(batch.body.data.deleted, 3);
    for (const w of many) assert.equal((await h.api.get(`/api/writers/${w.id}`, cs)).status, 404);
    for (const body of [{}, { ids: [] }, { ids: 'x' }]) {
      const bad = await h.api.call('DELETE', '/api/writers', { token: supervisor, body });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.message, '请提供要删除的写手ID列表');
    }
  });
});

describe('accounts for writers', () => {
  test('opening an account goes through identity; the writer can sign in and shows as activated', async () => {
    const w = await createWriter(h, { name: '开号写手' });
    const res = await h.api.post(`/api/writers/${w.id}/account`, {}, supervisor);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.message, '开通成功');
    assert.equal(res.body.data.username, w.writer_id);
    assert.equal(typeof res.body.data.initial_password, 'string');
    const login = await h.api.post('/api/auth/login', { username: w.writer_id, password: res.body.data.initial_password });
    assert.equal(login.status, 200);
    assert.equal(login.body.data.userInfo.role.role_name, '写手');
    assert.equal((await h.api.get(`/api/writers/${w.id}`, cs)).body.data.is_activated, 1);
    const listed = (await h.api.get('/api/writers/list', cs)).body.data.find((x: { id: number }) => x.id === w.id);
    assert.equal(listed.is_activated, 1);

    const again = await h.api.post(`/api/writers/${w.id}/account`, {}, supervisor);
    assert.equal(again.status, 409);
    assert.equal(again.body.message, '该写手已开通账号');
  });

  test('two concurrent requests for the same writer open one account', async () => {
    const w = await createWriter(h, { name: '并发开号' });
    const results = await Promise.all([h.api.post(`/api/writers/${w.id}/account`, {}, supervisor), h.api.post(`/api/writers/${w.id}/account`, {}, h.admin)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    assert.equal(results.find((r) => r.status === 409)!.body.message, '该写手已开通账号');
    const users = (await h.api.get(`/api/users?username=${w.writer_id}`, h.admin)).body.data;
    assert.equal(users.length, 1);
  });

  test('a chosen username and password; a username someone else has is refused', async () => {
    const w = await createWriter(h);
    const res = await h.api.post(`/api/writers/${w.id}/account`, { username: 'writer.chosen', password: 'chosen123' }, supervisor);
    assert.equal(res.status, 201);
    assert.equal(res.body.data.initial_password, undefined);
    assert.equal((await h.api.post('/api/auth/login', { username: 'writer.chosen', password: 'chosen123' })).status, 200);
    const other = await createWriter(h);
    const taken = await h.api.post(`/api/writers/${other.id}/account`, { username: 'sup1' }, supervisor);
    assert.equal(taken.status, 409);
    assert.equal(taken.body.message, '用户名已存在');
    assert.equal((await h.api.get(`/api/writers/${other.id}`, cs)).body.data.is_activated, 0);
    const missing = await h.api.post('/api/writers/999999/account', {}, supervisor);
    assert.equal(missing.status, 404);
  });
});

describe('open registration', () => {
  test('anyone may register without a token; the caller IP is kept when none is given', async () => {
    const res = await h.api.post('/api/writers/open', writerBody({ name: '开放注册', alipay_account: 'open@alipay.com' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.code, 0);
    assert.equal(res.body.message, '添加成功');
    assert.match(res.body.data.writer_id, /^w\d{8}$/);
    const stored = await row(res.body.data.id);
    assert.ok(stored.ip_address, 'an IP address is recorded');
    assert.equal(stored.created_by, '开放注册');
    assert.ok(!JSON.stringify(stored).includes('open@alipay.com'));
    const bad = await h.api.post('/api/writers/open', writerBody({ writing_experience: '' }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 1);
  });

  test('an unexpected failure answers the seed\'s 服务器错误 without details', async () => {
    // a real fault: the table is away for a moment
    await db.query('RENAME TABLE writers TO writers_away');
    try {
      const res = await h.api.post('/api/writers/open', writerBody({ name: '故障' }));
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { code: 1, message: '服务器错误', reason: 'INTERNAL' });
    } finally {
      await db.query('RENAME TABLE writers_away TO writers');
    }
  });

  test('more than 10 a minute from one IP: 请求过于频繁，请稍后再试; other IPs are not affected', async () => {
    const from = (ip: string, name: string) => h.api.post('/api/writers/open', writerBody({ name }), undefined, { 'x-forwarded-for': ip });
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => from('203.0.113.7', `限流${i}`)));
    assert.deepEqual(first.map((r) => r.status), Array(10).fill(201));
    const refused = await from('203.0.113.7', '限流10');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 1);
    assert.equal(refused.body.message, '请求过于频繁，请稍后再试');
    const [{ n }] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM writers WHERE name = ?', { replacements: ['限流10'], type: QueryTypes.SELECT });
    assert.equal(Number(n), 0, 'the refused registration was not stored');
    const other = await from('198.51.100.9', '另一个IP');
    assert.equal(other.status, 201);
    assert.equal((await row(other.body.data.id)).ip_address, '198.51.100.9', 'the client IP, not the gateway');
  });
});
