import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes, type Sequelize } from 'sequelize';
import { startWritingHarness, type WritingHarness } from './stack.js';
import { createWriter, todayDate } from './writer-fixtures.js';

let h: WritingHarness;
let db: Sequelize;
let inspector: { id: number; token: string };
let inspector2: { id: number; token: string };
let supervisor: string;
let cs: string;
let finance: string;
let writer: { id: number; writer_id: string };

before(async () => {
  h = await startWritingHarness('ratings');
  db = h.stack.services['writing-orders'].sequelize;
  [inspector, inspector2] = await Promise.all([h.user('qc1', 'quality_inspector'), h.user('qc2', 'quality_inspector')]);
  [supervisor, cs, finance] = (await Promise.all([h.user('sup1', 'supervisor'), h.user('cs1', 'customer_service'), h.user('fin1', 'finance')])).map((u) => u.token);
  writer = await createWriter(h, { name: '评分写手' });
});
after(async () => {
  await h?.stop();
});

const rate = (writerKey: number | string, body: Record<string, unknown>, token: string) => h.api.post(`/api/writers/${writerKey}/ratings`, body, token);

describe('rating a writer', () => {
  test('the first rating of the day is saved, the second updates it', async () => {
    const first = await rate(writer.id, { score: 8.5, comment: '工作认真，质量高' }, inspector.token);
    assert.equal(first.status, 201);
    assert.equal(first.body.code, 0);
    assert.equal(first.body.message, '评分保存成功');
    const second = await rate(writer.id, { score: 9, comment: '进步明显' }, supervisor);
    assert.equal(second.status, 200);
    assert.equal(second.body.message, '评分更新成功');
    assert.equal(second.body.data.id, first.body.data.id);
    const today = await h.api.get(`/api/writers/${writer.id}/today-rating`, cs);
    assert.equal(today.status, 200);
    assert.equal(today.body.message, 'success');
    const r = today.body.data;
    assert.equal(r.score, 9);
    assert.equal(r.comment, '进步明显');
    assert.equal(r.date, todayDate());
    assert.match(r.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(r.writer, { id: writer.id, writer_id: writer.writer_id, name: '评分写手' });
    assert.deepEqual(r.quality_inspector, { id: (await h.api.get('/api/auth/userInfo', supervisor)).body.data.id, name: 'sup1' });
  });

  test('the writer number works in the path too; an unknown writer: 写手不存在', async () => {
    const w = await createWriter(h);
    const res = await rate(w.writer_id, { score: '7.5', comment: '按编号评分' }, inspector.token);
    assert.equal(res.status, 201);
    for (const key of ['999999', 'w99010199']) {
      const missing = await rate(key, { score: 8, comment: '好' }, inspector.token);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 1);
      assert.equal(missing.body.message, '写手不存在');
    }
    for (const path of ['today-rating', 'rating-by-date', 'ratings']) {
      const missing = await h.api.get(`/api/writers/999999/${path}`, cs);
      assert.equal(missing.status, 404, path);
      assert.equal(missing.body.message, '写手不存在');
    }
  });

  test('scores from 1 to 10 with one decimal; a comment is required', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ score: 0.5, comment: '好' }, '评分必须在1到10之间'],
      [{ score: 10.5, comment: '好' }, '评分必须在1到10之间'],
      [{ score: 'abc', comment: '好' }, '评分必须在1到10之间'],
      [{ comment: '好' }, '评分必须在1到10之间'],
      [{ score: 8.55, comment: '好' }, '评分最多保留一位小数'],
      [{ score: 8 }, '评价内容不能为空'],
      [{ score: 8, comment: '   ' }, '评价内容不能为空'],
    ];
    for (const [body, message] of cases) {
      const res = await rate(writer.id, body, inspector.token);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 1);
      assert.equal(res.body.message, message);
    }
    assert.equal((await rate(writer.id, { score: 1, comment: '边界' }, inspector.token)).status, 200);
    assert.equal((await rate(writer.id, { score: 10, comment: '边界' }, inspector.token)).status, 200);
  });

  test('only inspectors, supervisors and the super admin may rate', async () => {
    for (const token of [cs, finance]) {
      const res = await rate(writer.id, { score: 8, comment: '好' }, token);
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 1);
      assert.equal(res.body.message, '没有权限执行此操作，仅限质检人员、主管及超级管理员');
    }
    assert.equal((await rate(writer.id, { score: 8, comment: '管理员' }, h.admin)).status, 200);
  });

  test('two inspectors rating the same writer at once: one row, one saved and one updated', async () => {
    for (let round = 0; round < 3; round++) {
      const w = await createWriter(h, { name: `并发评分${round}` });
      const results = await Promise.all([
        rate(w.id, { score: 6, comment: '甲' }, inspector.token),
        rate(w.id, { score: 7, comment: '乙' }, inspector2.token),
        rate(w.id, { score: 8, comment: '丙' }, supervisor),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 201]);
      assert.deepEqual(results.map((r) => r.body.message).sort(), ['评分保存成功', '评分更新成功', '评分更新成功'].sort());
      assert.equal(new Set(results.map((r) => r.body.data.id)).size, 1);
      const rows = await db.query('SELECT id FROM writer_ratings WHERE writer_id = ?', { replacements: [w.id], type: QueryTypes.SELECT });
      assert.equal(rows.length, 1);
    }
  });
});

describe('reading ratings', () => {
  let w: { id: number; writer_id: string };
  before(async () => {
    w = await createWriter(h, { name: '历史写手' });
    // earlier days are written directly: the API only rates today
    const now = new Date();
    for (const [date, score] of [['2024-03-28', '6.5'], ['2024-03-29', '7.0'], ['2024-03-30', '8.5']]) {
      await db.query('INSERT INTO writer_ratings (writer_id, date, score, comment, quality_inspector_id, quality_inspector_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', {
        replacements: [w.id, date, score, `评价${date}`, inspector.id, 'qc1', now, now],
      });
    }
  });

  test('history: newest first, date range, pages', async () => {
    const all = await h.api.get(`/api/writers/${w.id}/ratings`, cs);
    assert.equal(all.status, 200);
    assert.equal(all.body.message, 'success');
    assert.deepEqual(all.body.data.writer, { id: w.id, writer_id: w.writer_id, name: '历史写手' });
    assert.equal(all.body.data.total, 3);
    assert.deepEqual(all.body.data.list.map((r: { date: string }) => r.date), ['2024-03-30', '2024-03-29', '2024-03-28']);
    assert.deepEqual(all.body.data.list[0].quality_inspector, { id: inspector.id, name: 'qc1' });
    assert.equal(all.body.data.list[0].score, 8.5);
    const ranged = await h.api.get(`/api/writers/${w.id}/ratings?start_date=2024-03-29&end_date=2024-03-30&pageSize=1&page=2`, cs);
    assert.equal(ranged.body.data.total, 2);
    assert.deepEqual(ranged.body.data.list.map((r: { date: string }) => r.date), ['2024-03-29']);
    const bad = await h.api.get(`/api/writers/${w.id}/ratings?start_date=2024-02-30`, cs);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, '开始日期格式应为 YYYY-MM-DD');
  });

  test('rating by date, and null when there is none', async () => {
    const res = await h.api.get(`/api/writers/${w.id}/rating-by-date?date=2024-03-29`, cs);
    assert.equal(res.status, 200);
    assert.equal(res.body.data.score, 7);
    assert.equal(res.body.data.writer.writer_id, w.writer_id);
    const none = await h.api.get(`/api/writers/${w.id}/rating-by-date?date=2024-01-01`, cs);
    assert.equal(none.body.data, null);
    assert.equal(none.body.message, 'success');
    assert.equal((await h.api.get(`/api/writers/${w.id}/rating-by-date`, cs)).body.data, null, 'defaults to today');
    assert.equal((await h.api.get(`/api/writers/${w.id}/today-rating`, cs)).body.data, null);
  });

  test('latest_rating in the writer detail', async () => {
    const res = await h.api.get(`/api/writers/${w.id}`, cs);
    assert.equal(res.body.data.latest_rating.date, '2024-03-30');
    assert.equal(res.body.data.latest_rating.score, 8.5);
    assert.equal(res.body.data.latest_rating.comment, '评价2024-03-30');
    assert.deepEqual(res.body.data.latest_rating.quality_inspector, { id: inspector.id, name: 'qc1' });
  });

  test('all ratings of a day', async () => {
    const past = await h.api.get('/api/writer-ratings/daily?date=2024-03-30', cs);
    assert.equal(past.status, 200);
    assert.equal(past.body.message, 'success');
    assert.equal(past.body.data.date, '2024-03-30');
    assert.equal(past.body.data.total, 1);
    const item = past.body.data.list[0];
    assert.deepEqual(item.writer, { id: w.id, writer_id: w.writer_id, name: '历史写手' });
    assert.deepEqual(Object.keys(item).sort(), ['comment', 'created_at', 'id', 'quality_inspector', 'score', 'writer']);
    const today = await h.api.get('/api/writer-ratings/daily?pageSize=2', cs);
    assert.equal(today.body.data.date, todayDate());
    assert.ok(today.body.data.total >= 5);
    assert.equal(today.body.data.list.length, 2);
    assert.equal((await h.api.get('/api/writer-ratings/daily?date=yesterday', cs)).status, 400);
  });

  test('writers not rated today, for raters only', async () => {
    const res = await h.api.get('/api/writer-ratings/unrated', inspector.token);
    assert.equal(res.status, 200);
    assert.equal(res.body.message, 'success');
    const ids = res.body.data.map((x: { id: number }) => x.id);
    assert.ok(ids.includes(w.id), 'rated only on earlier days');
    assert.ok(!ids.includes(writer.id), 'rated today');
    assert.deepEqual(res.body.data.find((x: { id: number }) => x.id === w.id), { id: w.id, writer_id: w.writer_id, name: '历史写手' });
    const denied = await h.api.get('/api/writer-ratings/unrated', cs);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.message, '没有权限执行此操作，仅限质检人员、主管及超级管理员');
  });

  test('deleting a writer deletes their ratings', async () => {
    assert.equal((await h.api.del(`/api/writers/${w.id}`, supervisor)).status, 200);
    const rows = await db.query('SELECT id FROM writer_ratings WHERE writer_id = ?', { replacements: [w.id], type: QueryTypes.SELECT });
    assert.equal(rows.length, 0);
  });
});
