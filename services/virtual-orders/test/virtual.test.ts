import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope } from '@backoffice/contracts';
import { consumerEvents, metricsRegistry } from '@backoffice/kit';
import { connect } from 'nats';
import { eventually, sleep } from '@backoffice/kit/testing';
import ExcelJS from 'exceljs';
import { QueryTypes, type Sequelize } from 'sequelize';
import { newOrderNumber } from '../src/domain/order-number.js';
import { EXPIRY_JOB } from '../src/index.js';
import { fileForm, startVirtualHarness, xlsx, type VirtualHarness } from './stack.js';

const BASE = '/api/virtual-orders';
let h: VirtualHarness;
let db: Sequelize;
let manager: string;
/** Order numbers the service must use next (to force a collision); random ones otherwise. */
const forcedNumbers: string[] = [];

const q = <T extends object = Record<string, any>>(sql: string, replacements: unknown[] = []) => db.query<T>(sql, { replacements, type: QueryTypes.SELECT });
const fen = (v: unknown) => Math.round(Number(v) * 100);
/** DATETIME keeps whole seconds. */
const createdNow = (at: Date) => Math.abs(new Date(at).getTime() - h.clock.now.getTime()) < 1000;
const upload = (path: string, data: Buffer, token = manager, name = 'subsidy.xlsx', headers: Record<string, string> = {}, fields: Record<string, string> = {}) =>
  h.api.call('POST', `${BASE}${path}`, { token, body: fileForm(data, name, fields), headers });
const poolOf = async (name: string) => (await q('SELECT p.* FROM virtual_order_pool p JOIN virtual_students s ON s.id = p.student_id WHERE s.name = ?', [name]))[0];
const tasksOf = (poolId: number) => q<{ order_number: string; amount: string; status: string; created_at: Date; end_date: Date; delivery_date: Date; is_virtual: number; source: string }>('SELECT * FROM tasks WHERE pool_id = ? ORDER BY id', [poolId]);

/** Every pool's tasks add up to what the pool says it allocated; all unit multiples but one remainder. */
async function assertPoolConsistent(name: string) {
  const pool = await poolOf(name);
  const tasks = await tasksOf(pool.id);
  assert.equal(tasks.reduce((s, t) => s + fen(t.amount), 0), fen(pool.allocated_amount), `${name}: tasks sum to the allocated amount`);
  assert.equal(fen(pool.allocated_amount) + fen(pool.remaining_amount), fen(pool.total_amount), `${name}: allocated + remaining = total`);
  assert.equal(Number(pool.task_count), tasks.length);
  assert.ok(tasks.filter((t) => fen(t.amount) % 500 !== 0).length <= 1);
  return { pool, tasks };
}

before(async () => {
  h = await startVirtualHarness('virtual', { MAX_IMPORT_MB: '1', IMPORT_SYNC_MAX_KB: '16', VIRTUAL_TASK_MAX_YUAN: '50' }, { orderNumber: () => forcedNumbers.shift() ?? newOrderNumber() });
  db = h.stack.services['virtual-orders'].sequelize;
  const roles = (await h.api.get('/api/roles', h.admin)).body.data as Array<{ id: number; code: string }>;
  const role = roles.find((r) => r.code === 'virtual_manager')!;
  const created = await h.api.post('/api/users', { username: 'vmanager', password: 'secret123', role_id: role.id, real_name: '虚拟订单管理员' }, h.admin);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  manager = await h.login('vmanager', 'secret123');
});
after(async () => {
  await h?.stop();
});

describe('subsidy import', () => {
  test('happy path: pools and tasks of multiples of 5 yuan, the remainder its own task, other columns kept', async () => {
    const file = await xlsx(['学生姓名', '补贴金额', '班级', '手机号'], [
      ['张三', 100, '一班', '13800000001'],
      ['李四', 37.5, '二班', ''],
      ['王五', '12.34', '', ''],
    ]);
    const res = await upload('/import/student-subsidy', file);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.message, '导入完成：成功 3 行，失败 0 行');
    const imp = res.body.data.import;
    assert.deepEqual([imp.state, imp.rows_read, imp.rows_accepted, imp.rows_rejected, imp.total_amount], ['completed', 3, 3, 0, '149.84']);
    assert.deepEqual(imp.rejected_rows, []);

    const { pool, tasks } = await assertPoolConsistent('李四');
    assert.equal(fen(pool.total_amount), 3750);
    assert.equal(pool.status, 'active');
    assert.deepEqual(tasks.filter((t) => fen(t.amount) % 500 !== 0).map((t) => t.amount), ['2.50']);
    for (const t of tasks) {
      assert.match(t.order_number, /^[0-9a-f]{10}$/);
      assert.equal(Number(t.is_virtual), 1);
      assert.equal(t.source, '集团业务');
      assert.ok(fen(t.amount) <= 5000);
      assert.equal(new Date(t.end_date).getTime() - new Date(t.created_at).getTime(), 86_400_000);
      assert.equal(new Date(t.delivery_date).getTime() - new Date(t.created_at).getTime(), 3 * 86_400_000);
    }
    await assertPoolConsistent('张三');
    const wang = await assertPoolConsistent('王五');
    assert.ok(wang.tasks.some((t) => t.amount === '2.34'));
    const [student] = await q<{ info_json: string }>('SELECT info_json FROM virtual_students WHERE name = ?', ['张三']);
    assert.deepEqual(JSON.parse(student.info_json), { 班级: '一班', 手机号: '13800000001' });

    const [event] = await q<{ envelope: string }>(`SELECT envelope FROM outbox WHERE type = 'virtual.subsidy.imported.v1' AND subject = ?`, [imp.id]);
    const data = JSON.parse(event.envelope).data;
    assert.deepEqual([data.rows_accepted, data.total_amount_fen, data.tasks_generated], [3, 14984, imp.tasks_generated]);

    const pools = await h.api.get(`${BASE}/student-pools?page=1&size=2&status=active`, manager);
    assert.equal(pools.status, 200);
    assert.equal(pools.body.data.total, 3);
    assert.equal(pools.body.data.list.length, 2);
    assert.equal(pools.body.data.list[0].student_name, '张三');
    assert.equal(pools.body.data.list[0].total_amount, '100.00');
  });

  test('bad rows are listed with their row numbers and reasons; good rows still count', async () => {
    const file = await xlsx(['学生姓名', '补贴金额'], [
      ['赵六', 20],
      ['', 10],
      ['钱七', 'abc'],
      ['孙八', -5],
      ['周九', 1.234],
      ['赵六', 30],
      ['吴十', 200000],
      ['郑十一', ''],
      ['陈十二', 15],
    ]);
    const res = await upload('/import/student-subsidy', file);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const imp = res.body.data.import;
    assert.deepEqual([imp.rows_read, imp.rows_accepted, imp.rows_rejected, imp.rows_skipped, imp.total_amount], [9, 2, 6, 1, '35.00']);
    assert.deepEqual(imp.rejected_rows, [
      { row: 3, reason: '学生姓名不能为空' },
      { row: 4, reason: '补贴金额必须是数字（当前为“abc”）' },
      { row: 5, reason: '补贴金额必须大于0' },
      { row: 6, reason: '补贴金额最多保留两位小数' },
      { row: 7, reason: '学生“赵六”在第2行已出现，同一文件不能重复补贴' },
      { row: 8, reason: '补贴金额不能超过100000元' },
    ]);
    const again = await h.api.get(`${BASE}/imports/${imp.id}`, manager);
    assert.deepEqual(again.body.data.rejected_rows, imp.rejected_rows);
  });

  test('a file that is not an Excel workbook is refused by its bytes (415), whatever its name', async () => {
    const res = await upload('/import/student-subsidy', Buffer.from('学生姓名,补贴金额\n张三,100\n'), manager, 'fake.xlsx');
    assert.equal(res.status, 415);
    assert.equal(res.body.message, '文件类型不正确，请上传 Excel 文件（.xlsx）');
  });

  test('a file over the size limit is refused with 413', async () => {
    const res = await upload('/import/student-subsidy', Buffer.alloc(1024 * 1024 + 10, 1));
    assert.equal(res.status, 413);
    assert.equal(res.body.message, '文件不能超过 1MB');
  });

  test('a missing required column is named', async () => {
    const res = await upload('/import/student-subsidy', await xlsx(['学生姓名', '金额'], [['张三', 5]]));
    assert.equal(res.status, 400);
    assert.equal(res.body.message, '缺少必需列：补贴金额');
  });

  test('the same file imported twice (even at once) pays nobody twice', async () => {
    const file = await xlsx(['学生姓名', '补贴金额'], [['重复甲', 50], ['重复乙', 25]]);
    const [a, b] = await Promise.all([upload('/import/student-subsidy', file), upload('/import/student-subsidy', file)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 201]);
    const again = await upload('/import/student-subsidy', file, manager, 'renamed.xlsx');
    assert.equal(again.status, 200);
    assert.equal(again.body.message, '该文件已导入过，不会重复发放补贴');
    assert.equal(again.body.data.duplicate, true);
    assert.equal(fen((await poolOf('重复甲')).total_amount), 5000);
    assert.equal(fen((await poolOf('重复乙')).total_amount), 2500);
    // a different file under the same Idempotency-Key answers the first import
    const key = 'subsidy-2026-11';
    const first = await upload('/import/student-subsidy', await xlsx(['学生姓名', '补贴金额'], [['键甲', 5]]), manager, 'a.xlsx', { 'Idempotency-Key': key });
    const second = await upload('/import/student-subsidy', await xlsx(['学生姓名', '补贴金额'], [['键甲', 5], ['键乙', 5]]), manager, 'b.xlsx', { 'Idempotency-Key': key });
    assert.equal(first.status, 201);
    assert.equal(second.body.data.import.id, first.body.data.import.id);
    assert.equal(await poolOf('键乙'), undefined);
  });

  test('an order number that already exists is drawn again (the whole multi-row INSERT is retried)', async () => {
    const [{ order_number: taken }] = await q<{ order_number: string }>('SELECT order_number FROM tasks ORDER BY id LIMIT 1');
    forcedNumbers.push(taken);
    const res = await upload('/import/student-subsidy', await xlsx(['学生姓名', '补贴金额', '备注'], [['撞号学生', 30, "it's ?"], ["O'Neil? \\", 5, '']]));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(forcedNumbers.length, 0);
    const [{ n }] = await q<{ n: number }>('SELECT COUNT(*) AS n FROM tasks WHERE order_number = ?', [taken]);
    assert.equal(Number(n), 1);
    await assertPoolConsistent('撞号学生');
    // quotes, question marks and backslashes in names and information are data, not SQL
    await assertPoolConsistent("O'Neil? \\");
    const [info] = await q<{ info_json: string }>('SELECT info_json FROM virtual_students WHERE name = ?', ['撞号学生']);
    assert.deepEqual(JSON.parse(info.info_json), { 备注: "it's ?" });
  });

  test('an import whose process died is taken up again where it stopped, paying nobody twice', async () => {
    const file = await xlsx(['学生姓名', '补贴金额'], [['续传甲', 15], ['续传乙', 20]]);
    const first = await upload('/import/student-subsidy', file);
    assert.equal(first.status, 201);
    const id = first.body.data.import.id;
    // as if the process had died after committing its last batch, an hour ago
    await db.query(`UPDATE virtual_imports SET state = 'running', finished_at = NULL, updated_at = ? WHERE id = ?`, { replacements: [new Date(h.clock.now.getTime() - 3_600_000), id] });
    const busy = await upload('/import/student-subsidy', file);
    assert.equal(busy.status, 201, JSON.stringify(busy.body));
    assert.deepEqual([busy.body.data.import.id, busy.body.data.import.state, busy.body.data.import.rows_accepted], [id, 'completed', 2]);
    assert.equal(fen((await poolOf('续传甲')).total_amount), 1500);
    assert.equal(fen((await poolOf('续传乙')).total_amount), 2000);
    await db.query(`UPDATE virtual_imports SET state = 'running', updated_at = ? WHERE id = ?`, { replacements: [h.clock.now, id] });
    const running = await upload('/import/student-subsidy', file);
    assert.deepEqual([running.status, running.body.message], [200, '该文件正在导入中，请查看导入进度']);
  });

  test('a large file runs as an import job whose progress can be followed', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => [`批量学生${i + 1}`, 5 + (i % 20) * 5, `学号${i}`]);
    const res = await upload('/import/student-subsidy', await xlsx(['学生姓名', '补贴金额', '学号'], rows));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.message, '文件较大，已转为后台导入，请通过导入进度查询结果');
    const id = res.body.data.import.id;
    const seen = new Set<string>();
    const done = await eventually(async () => {
      const p = await h.api.get(`${BASE}/imports/${id}`, manager);
      seen.add(p.body.data.state);
      return p.body.data.state === 'completed' && p.body.data;
    }, 30_000, 'the import job to complete');
    assert.deepEqual([done.rows_read, done.rows_accepted, done.rows_rejected], [600, 600, 0]);
    const [{ n }] = await q<{ n: number }>(`SELECT COUNT(*) AS n FROM virtual_order_pool p JOIN virtual_students s ON s.id = p.student_id WHERE s.name LIKE '批量学生%'`);
    assert.equal(Number(n), 600);
    const [{ total, allocated }] = await q<{ total: string; allocated: string }>(
      `SELECT SUM(total_amount) AS total, (SELECT SUM(amount) FROM tasks t JOIN virtual_students s ON s.id = t.student_id WHERE s.name LIKE '批量学生%') AS allocated FROM virtual_order_pool p JOIN virtual_students s ON s.id = p.student_id WHERE s.name LIKE '批量学生%'`,
    );
    assert.equal(fen(total), fen(allocated));
  });
});

describe('tasks', () => {
  let cs1: { id: number; token: string };
  let cs2: { id: number; token: string };

  before(async () => {
    const make = async (account: string) => {
      const res = await h.api.post(`${BASE}/customer-service`, { name: `客服${account}`, account, initial_password: 'task-pass-1' }, manager);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { id: res.body.data.id as number, token: await h.login(account, 'task-pass-1') };
    };
    cs1 = await make('vcs_task1');
    cs2 = await make('vcs_task2');
  });

  test('two accepts of one task: exactly one wins, the other gets 409', async () => {
    const { tasks } = await assertPoolConsistent('张三');
    const target = tasks[0].order_number;
    const results = await Promise.all([cs1, cs2, cs1, cs2].map((u) => h.api.post(`${BASE}/tasks/${target}/accept`, {}, u.token)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409]);
    const winner = results.find((r) => r.status === 200)!;
    assert.equal(winner.body.message, '接取成功');
    assert.equal(winner.body.data.status, 'accepted');
    assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.message === '任务已被接取'));
    const [row] = await q<{ accepted_by: number }>('SELECT accepted_by FROM tasks WHERE order_number = ?', [target]);
    assert.equal(Number(row.accepted_by), winner.body.data.accepted_by);
  });

  test('completion counts toward the student income; only the acceptor may complete', async () => {
    const pool = await poolOf('王五');
    const tasks = await tasksOf(pool.id);
    const mine = tasks[0].order_number;
    assert.equal((await h.api.post(`${BASE}/tasks/${mine}/complete`, {}, cs1.token)).body.message, '任务尚未被接取，不能完成');
    assert.equal((await h.api.post(`${BASE}/tasks/${mine}/accept`, {}, cs1.token)).status, 200);
    const denied = await h.api.post(`${BASE}/tasks/${mine}/complete`, {}, cs2.token);
    assert.deepEqual([denied.status, denied.body.message], [403, '只能完成自己接取的任务']);
    let done = await h.api.post(`${BASE}/tasks/${mine}/complete`, {}, cs1.token);
    assert.deepEqual([done.status, done.body.message, done.body.data.status], [200, '任务已完成', 'completed']);
    assert.equal((await h.api.post(`${BASE}/tasks/${mine}/complete`, {}, cs1.token)).status, 409);
    for (const t of tasks.slice(1)) {
      assert.equal((await h.api.post(`${BASE}/tasks/${t.order_number}/accept`, {}, cs2.token)).status, 200);
      done = await h.api.post(`${BASE}/tasks/${t.order_number}/complete`, {}, cs2.token);
      assert.equal(done.status, 200);
    }
    const after = await poolOf('王五');
    assert.equal(fen(after.completed_amount), 1234);
    assert.equal(after.status, 'completed');

    const list = await h.api.get(`${BASE}/tasks?student_id=${pool.student_id}&status=completed&page=1&size=50`, manager);
    assert.equal(list.body.data.total, tasks.length);
    const own = await h.api.get(`${BASE}/tasks?mine=true&size=100`, cs1.token);
    assert.ok(own.body.data.list.every((t: { accepted_by: number }) => t.accepted_by === cs1.id));
    assert.equal((await h.api.post(`${BASE}/tasks/0000000000/accept`, {}, cs1.token)).status, 404);
    assert.equal((await h.api.post(`${BASE}/tasks/XYZ/accept`, {}, cs1.token)).body.message, '任务编号应为10位（0-9、a-f）');
    assert.equal((await h.api.post(`${BASE}/reallocate/1`, {}, cs1.token)).status, 403);
  });
});

describe('expiry and re-allocation', () => {
  let replica: Awaited<ReturnType<VirtualHarness['replica']>>;

  test('24 h unaccepted: two replicas return each amount once, the consumer regenerates once, a redelivered event changes nothing', async () => {
    replica = await h.replica();
    const before = await assertPoolConsistent('李四');
    const acceptedBefore = (await q(`SELECT COUNT(*) AS n FROM tasks WHERE status <> 'open'`))[0].n;
    const openBefore = Number((await q(`SELECT COUNT(*) AS n FROM tasks WHERE status = 'open'`))[0].n);
    const totalsBefore = (await q(`SELECT SUM(total_amount) AS t FROM virtual_order_pool`))[0].t;
    h.clock.advanceHours(23);
    assert.deepEqual(await h.parts.pools.expireOverdue(), { tasks: 0, pools: 0, amountFen: 0 });
    h.clock.advanceHours(2);
    const [a, b] = await Promise.all([h.parts.pools.expireOverdue(), replica.parts.pools.expireOverdue()]);
    assert.equal(a.tasks + b.tasks, openBefore, 'every open task expired exactly once');
    // the amounts went back, and the consumer turned them into new tasks, once
    const regenerated = await eventually(async () => {
      const [{ remaining }] = await q<{ remaining: string }>('SELECT SUM(remaining_amount) AS remaining FROM virtual_order_pool WHERE status = \'active\'');
      return fen(remaining) === 0;
    }, 45_000, 'the returned amounts to be re-allocated');
    assert.ok(regenerated);
    const after = await assertPoolConsistent('李四');
    assert.equal(fen(after.pool.allocated_amount), fen(before.pool.allocated_amount));
    assert.ok(after.tasks.every((t) => createdNow(t.created_at)), 'new tasks are created at the new time');
    assert.equal((await q(`SELECT COUNT(*) AS n FROM tasks WHERE status <> 'open'`))[0].n, acceptedBefore);
    assert.equal((await q(`SELECT SUM(total_amount) AS t FROM virtual_order_pool`))[0].t, totalsBefore);
    const events = await q<{ envelope: string }>(`SELECT envelope FROM outbox WHERE type = 'virtual.task.expired.v1'`);
    // replicas may split one pool's tasks between them: every task is in exactly one event
    const numbers = events.flatMap((e) => JSON.parse(e.envelope).data.order_numbers as string[]);
    assert.equal(numbers.length, openBefore);
    assert.equal(new Set(numbers).size, openBefore);
    const [{ n: handled }] = await q<{ n: number }>(`SELECT COUNT(*) AS n FROM inbox WHERE type = 'virtual.task.expired.v1'`);
    assert.equal(Number(handled), events.length);

    // the same event delivered again
    const snapshot = await q('SELECT order_number FROM tasks ORDER BY order_number');
    const duplicates = async () => (await consumerEvents.get()).values.find((v) => v.labels.outcome === 'duplicate' && v.labels.type === 'virtual.task.expired.v1')?.value ?? 0;
    const seen = await duplicates();
    const lisi = events.map((e) => JSON.parse(e.envelope) as EventEnvelope<{ pool_id: number }>).find((e) => e.data.pool_id === before.pool.id)!;
    // straight onto the stream without a message id, so JetStream's own de-duplication lets it through
    const url = new URL(h.busUrl);
    const nc = await connect({ servers: `${url.hostname}:${url.port}` });
    for (let i = 0; i < 2; i++) await nc.jetstream().publish(`${url.searchParams.get('prefix')}.${lisi.type}`, JSON.stringify(lisi));
    await nc.close();
    await eventually(async () => (await duplicates()) >= seen + 2, 10_000, 'the redelivered events to reach the inbox');
    assert.deepEqual(await q('SELECT order_number FROM tasks ORDER BY order_number'), snapshot);
    await assertPoolConsistent('李四');
  });

  test('the hourly job under the scheduler lock: of two replicas ticking at once, one runs it', async () => {
    h.clock.advanceHours(25);
    const overdue = Number((await q(`SELECT COUNT(*) AS n FROM tasks WHERE status = 'open'`))[0].n);
    assert.ok(overdue > 0);
    const job = (parts: typeof h.parts) => parts.jobs.find((j) => j.name === EXPIRY_JOB)!;
    const tick = new Date(h.clock.now.getTime());
    const ran = await Promise.all([
      h.stack.services['virtual-orders'].scheduler.runTick(job(h.parts), tick),
      replica.service.scheduler.runTick(job(replica.parts), tick),
    ]);
    assert.deepEqual(ran.sort(), [false, true]);
    await eventually(async () => {
      const [{ remaining }] = await q<{ remaining: string }>(`SELECT SUM(remaining_amount) AS remaining FROM virtual_order_pool WHERE status = 'active'`);
      return fen(remaining) === 0;
    }, 45_000, 'the amounts the job returned to be re-allocated');
    await assertPoolConsistent('李四');
    const [{ n }] = await q<{ n: number }>(`SELECT COUNT(*) AS n FROM tasks WHERE status = 'open' AND created_at < ?`, [new Date(h.clock.now.getTime() - 1000)]);
    assert.equal(Number(n), 0);
  });

  test('POST /reallocate/:student_id expires overdue tasks and allocates what remains at once', async () => {
    const pool = await poolOf('赵六');
    h.clock.advanceHours(25);
    const res = await h.api.post(`${BASE}/reallocate/${pool.student_id}`, {}, manager);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.returned_amount, res.body.data.reallocated_amount], ['20.00', '20.00']);
    assert.equal(res.body.message, `已重新分配 20.00 元，生成 ${res.body.data.tasks_generated} 个任务`);
    const { tasks } = await assertPoolConsistent('赵六');
    assert.ok(tasks.every((t) => createdNow(t.created_at)));
    const nothing = await h.api.post(`${BASE}/reallocate/${pool.student_id}`, {}, manager);
    assert.deepEqual([nothing.body.message, nothing.body.data.tasks_generated], ['没有需要重新分配的金额', 0]);
    assert.equal((await h.api.post(`${BASE}/reallocate/999999`, {}, manager)).body.message, '该学生没有补贴池');
    // the event of this hand re-allocation finds nothing left to allocate
    await sleep(300);
    await assertPoolConsistent('赵六');
  });
});

describe('dedicated customer service (level 6, accounts in identity)', () => {
  test('create with a generated password shown once; a retry creates nothing new; the ID card is encrypted and masked', async () => {
    const body = { name: '客服小王', account: 'vcs_wang', phone_number: '13912345678', id_card: '110101199003071234' };
    const [a, b] = await Promise.all([h.api.post(`${BASE}/customer-service`, body, manager), h.api.post(`${BASE}/customer-service`, body, manager)]);
    const created = [a, b].find((r) => r.status === 201)!;
    const repeat = [a, b].find((r) => r !== created)!;
    assert.ok(created, JSON.stringify([a.body, b.body]));
    assert.deepEqual([repeat.status, repeat.body.message, repeat.body.data.created], [200, '账号已存在，未重复创建（密码未更改）', false]);
    const password = created.body.data.initial_password as string;
    assert.match(password, /^[A-Za-z0-9]{12}$/);
    assert.notEqual(password, '123456');
    assert.deepEqual([created.body.data.phone_number, created.body.data.id_card, created.body.data.level], ['139****5678', '110***********1234', 6]);
    const token = await h.login('vcs_wang', password);
    const me = await h.api.get(`${BASE}/tasks?size=1`, token);
    assert.equal(me.status, 200);
    const [row] = await q<Record<string, string>>('SELECT * FROM virtual_cs_accounts WHERE account = ?', ['vcs_wang']);
    assert.ok(!JSON.stringify(row).includes('110101199003071234') && !JSON.stringify(row).includes('13912345678'));
    const taken = await h.api.post(`${BASE}/customer-service`, { name: '管理员', account: 'vmanager' }, manager);
    assert.deepEqual([taken.status, taken.body.message], [409, '该账号已被其他用户使用']);
  });

  test('import from Excel: created, existing and rejected rows; a retried import creates no duplicate', async () => {
    const file = await xlsx(['姓名', '账号', '手机号', '身份证号'], [
      ['客服甲', 'vcs_jia', '13800001111', '11010119900307123X'],
      ['客服乙', 'vcs_yi', '', ''],
      ['客服小王', 'vcs_wang', '', ''],
      ['客服丙', 'bad account', '', ''],
      ['客服丁', 'vcs_ding', '123', ''],
    ]);
    const res = await upload('/import/customer-service', file, manager, 'cs.xlsx');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data.created.map((c: { row: number; account: string }) => [c.row, c.account]), [[2, 'vcs_jia'], [3, 'vcs_yi']]);
    assert.ok(res.body.data.created.every((c: { initial_password: string }) => c.initial_password.length === 12));
    assert.deepEqual(res.body.data.existing.map((c: { row: number; account: string }) => [c.row, c.account]), [[4, 'vcs_wang']]);
    assert.deepEqual(res.body.data.rejected, [
      { row: 5, reason: '账号须为 3-50 位字母、数字或 _ . @ -' },
      { row: 6, reason: '手机号格式不正确' },
    ]);
    const retry = await upload('/import/customer-service', file, manager, 'cs.xlsx');
    assert.deepEqual([retry.body.data.created.length, retry.body.data.existing.length], [0, 3]);
    await h.login('vcs_jia', res.body.data.created[0].initial_password);
    const withPassword = await upload('/import/customer-service', await xlsx(['姓名', '账号'], [['客服戊', 'vcs_wu']]), manager, 'cs2.xlsx', {}, { initial_password: 'given-pass-1' });
    assert.equal(withPassword.body.data.created[0].initial_password, undefined);
    await h.login('vcs_wu', 'given-pass-1');
  });

  test('list (level 6, masked), update, soft delete through identity', async () => {
    const list = await h.api.get(`${BASE}/customer-service?page=1&size=50`, manager);
    assert.equal(list.status, 200);
    const accounts = list.body.data.list.map((a: { account: string }) => a.account);
    assert.ok(['vcs_task1', 'vcs_wang', 'vcs_jia', 'vcs_yi', 'vcs_wu'].every((a) => accounts.includes(a)));
    assert.ok(!accounts.includes('vmanager'));
    const jia = list.body.data.list.find((a: { account: string }) => a.account === 'vcs_jia');
    assert.deepEqual([jia.phone_number, jia.id_card, jia.level], ['138****1111', '110***********123X', 6]);

    const updated = await h.api.put(`${BASE}/customer-service/${jia.id}`, { name: '客服甲甲', phone_number: '13700002222' }, manager);
    assert.deepEqual([updated.status, updated.body.data.name, updated.body.data.phone_number], [200, '客服甲甲', '137****2222']);
    const users = (await h.api.get('/api/users?page=1&pageSize=100', h.admin)).body.data;
    const inIdentity = (users.list ?? users).find((u: { username: string }) => u.username === 'vcs_jia');
    if (inIdentity) assert.equal(inIdentity.real_name, '客服甲甲');
    assert.equal((await h.api.put(`${BASE}/customer-service/${jia.id}`, { id_card: '123' }, manager)).body.message, '身份证号格式不正确');

    const managerId = (await h.api.post('/api/auth/login', { username: 'vmanager', password: 'secret123' })).body.data.user?.id;
    if (managerId) assert.equal((await h.api.del(`${BASE}/customer-service/${managerId}`, manager)).status, 409);

    const removed = await h.api.del(`${BASE}/customer-service/${jia.id}`, manager);
    assert.deepEqual([removed.status, removed.body.message], [200, '删除成功']);
    assert.equal((await h.api.del(`${BASE}/customer-service/${jia.id}`, manager)).status, 200, 'a repeated delete answers the same');
    const login = await h.api.post('/api/auth/login', { username: 'vcs_jia', password: 'whatever' });
    assert.equal(login.status, 401);
    const after = await h.api.get(`${BASE}/customer-service?page=1&size=50`, manager);
    assert.ok(!after.body.data.list.some((a: { account: string }) => a.account === 'vcs_jia'));
    assert.equal((await h.api.del(`${BASE}/customer-service/99999`, manager)).status, 404);
  });
});

describe('income, statistics, reports', () => {
  test('the income export streams every student with an empty 补贴金额 column, and comes back as the next subsidy file', async () => {
    const res = await fetch(`${h.stack.gateway!.url}${BASE}/student-income/export`, { headers: { authorization: `Bearer ${manager}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(res.headers.get('content-disposition') ?? '', /filename\*=UTF-8''%E5%AD%A6%E7%94%9F/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['学生收入统计', '使用说明']);
    const sheet = wb.getWorksheet('学生收入统计')!;
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1), ['学生ID', '学生姓名', '补贴总额', '任务数', '已完成任务数', '已完成金额', '未完成金额', '补贴金额']);
    const [{ n }] = await q<{ n: number }>('SELECT COUNT(*) AS n FROM virtual_students');
    assert.equal(sheet.actualRowCount - 1, Number(n));
    let wangRow = 0;
    sheet.eachRow((row, i) => {
      if (i > 1) assert.equal(row.getCell(8).value ?? null, null);
      if (row.getCell(2).value === '王五') wangRow = i;
    });
    assert.deepEqual((sheet.getRow(wangRow).values as unknown[]).slice(3, 8), [12.34, (await tasksOf((await poolOf('王五')).id)).length, (await tasksOf((await poolOf('王五')).id)).length, 12.34, 0]);

    // fill in two students and import the file back
    let filled = 0;
    sheet.eachRow((row, i) => {
      if (i > 1 && ['王五', '张三'].includes(String(row.getCell(2).value))) {
        row.getCell(8).value = 10;
        filled++;
      }
    });
    assert.equal(filled, 2);
    const back = await upload('/import/student-subsidy', Buffer.from(await wb.xlsx.writeBuffer()), manager, '学生收入统计.xlsx');
    assert.ok([201, 202].includes(back.status), JSON.stringify(back.body));
    const done = await eventually(async () => {
      const p = await h.api.get(`${BASE}/imports/${back.body.data.import.id}`, manager);
      return p.body.data.state === 'completed' && p.body.data;
    }, 20_000, 'the round-trip import');
    assert.deepEqual([done.rows_accepted, done.rows_rejected, done.rows_skipped], [2, 0, Number(n) - 2]);
    const wang = await assertPoolConsistent('王五');
    assert.deepEqual([fen(wang.pool.total_amount), wang.pool.status], [2234, 'active']);
    assert.equal(fen((await poolOf('张三')).total_amount), 11000);
    const [info] = await q<{ info_json: string }>('SELECT info_json FROM virtual_students WHERE name = ?', ['张三']);
    assert.deepEqual(JSON.parse(info.info_json), { 班级: '一班', 手机号: '13800000001' }, 'export figures are not student information');
  });

  test('stats, income summary, student pools and the daily report give the seed figures', async () => {
    const stats = await h.api.get(`${BASE}/stats`, manager);
    assert.equal(stats.status, 200);
    const [{ students }] = await q<{ students: number }>('SELECT COUNT(*) AS students FROM virtual_students');
    const [{ total, done }] = await q<{ total: number; done: number }>(`SELECT COUNT(*) AS total, SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS done FROM tasks`);
    const [{ subsidy }] = await q<{ subsidy: string }>('SELECT SUM(total_amount) AS subsidy FROM virtual_order_pool');
    assert.deepEqual(stats.body.data, {
      total_students: Number(students),
      total_subsidy_amount: (fen(subsidy) / 100).toFixed(2),
      total_tasks: Number(total),
      completed_tasks: Number(done),
      completion_rate: Math.round((Number(done) * 10000) / Number(total)) / 100,
    });
    const day = h.clock.now.toISOString().slice(0, 10);
    const summary = await h.api.get(`${BASE}/student-income/summary?start_date=2020-01-01&end_date=2099-12-31`, manager);
    assert.deepEqual([summary.body.data.total_tasks, summary.body.data.completed_tasks, summary.body.data.completion_rate], [Number(total), Number(done), stats.body.data.completion_rate]);
    const bad = await h.api.get(`${BASE}/student-income/summary?start_date=2026-02-30`, manager);
    assert.deepEqual([bad.status, bad.body.message], [400, '开始日期格式应为 YYYY-MM-DD']);
    assert.equal((await h.api.get(`${BASE}/student-income/summary?start_date=2026-03-02&end_date=2026-03-01`, manager)).body.message, '开始日期不能晚于结束日期');
    const none = await h.api.get(`${BASE}/student-income/summary?start_date=2020-01-01&end_date=2020-01-02`, manager);
    assert.deepEqual([none.body.data.total_tasks, none.body.data.completion_rate], [0, 0]);
    assert.equal((await h.api.get(`${BASE}/student-pools?status=completed`, manager)).body.data.total, 0);
    assert.equal((await h.api.get(`${BASE}/student-pools?status=gone`, manager)).status, 400);

    const report = await h.api.post(`${BASE}/reports/snapshot`, { date: day }, manager);
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.equal(report.body.data.total_tasks, Number(total));
    assert.ok(report.body.data.tasks_expired > 0);
    const reports = await h.api.get(`${BASE}/reports?page=1&size=10`, manager);
    assert.equal(reports.body.data.list[0].report_date, day);
    const metrics = await metricsRegistry.metrics();
    assert.match(metrics, /virtual_tasks_generated_total \d+/);
    assert.match(metrics, /virtual_tasks_expired_total [1-9]/);
    assert.match(metrics, /virtual_pools\{status="active"\} \d+/);
    assert.match(metrics, /virtual_task_completion_ratio /);
  });
});
