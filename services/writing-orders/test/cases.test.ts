import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '@backoffice/kit/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { startWritingHarness, type WritingHarness } from './stack.js';
import { caseForm, jpeg, png } from './writer-fixtures.js';

let h: WritingHarness;
let db: Sequelize;
let cs: { id: number; token: string };
let inspector: string;
let supervisor: string;
let finance: string;

const DENIED = '没有权限执行此操作，仅限超级管理员、主管、客服及质检人员';
const fields = { case_type: '聊天话术', title: '产品推荐话术', content: '案例内容正文...' };
const post = (form: FormData, token: string) => h.api.call('POST', '/api/cases', { token, body: form });
const incoming = () => join(h.uploadRoot, '.incoming');
const incomingEmpty = () => eventually(() => readdirSync(incoming()).length === 0, 5000, 'temporary uploads removed');

before(async () => {
  h = await startWritingHarness('cases');
  db = h.stack.services['writing-orders'].sequelize;
  cs = await h.user('cs1', 'customer_service');
  [inspector, supervisor, finance] = (await Promise.all([h.user('qc1', 'quality_inspector'), h.user('sup1', 'supervisor'), h.user('fin1', 'finance')])).map((u) => u.token);
});
after(async () => {
  await h?.stop();
});

describe('creating cases', () => {
  test('a case with images: CASE-nnn id, image URLs are gateway paths, the images can be fetched', async () => {
    const res = await post(caseForm(fields, [{ name: '截图.jpg', data: jpeg() }, { name: 'b.png', data: png('x'), type: 'image/png' }]), cs.token);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.code, 0);
    assert.equal(res.body.message, '创建成功');
    assert.match(res.body.data.id, /^CASE-\d{3,}$/);
    assert.equal(res.body.data.images.length, 2);
    for (const url of res.body.data.images) assert.match(url, new RegExp(`^/api/cases/${res.body.data.id}/images/[0-9a-f]{24}_\\d{13}\\.(jpg|png)$`));
    const [first, second] = res.body.data.images as string[];
    assert.ok(first.endsWith('.jpg') && second.endsWith('.png'));
    const image = await fetch(`${h.stack.gateway!.url}${second}`, { headers: { authorization: `Bearer ${inspector}` } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), png('x'));
    assert.equal((await fetch(`${h.stack.gateway!.url}${second}`)).status, 401);
    await incomingEmpty();
  });

  test('a case without images; the detail and the list show it with its creator', async () => {
    const res = await post(caseForm({ ...fields, case_type: '售后话术', title: '退款安抚' }), inspector);
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.data.images, []);
    const detail = await h.api.get(`/api/cases/${res.body.data.id}`, cs.token);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.message, '获取成功');
    assert.equal(detail.body.data.case_type, '售后话术');
    assert.equal(detail.body.data.title, '退款安抚');
    assert.equal(detail.body.data.content, fields.content);
    assert.equal(detail.body.data.creator.name, 'qc1');
    assert.match(detail.body.data.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const list = await h.api.get('/api/cases?case_type=售后话术', supervisor);
    assert.equal(list.status, 200);
    assert.equal(list.body.message, '获取成功');
    assert.equal(list.body.data.total, 1);
    assert.equal(list.body.data.list[0].id, res.body.data.id);
    const all = await h.api.get('/api/cases?pageSize=1', supervisor);
    assert.equal(all.body.data.total, 2);
    assert.equal(all.body.data.list.length, 1);
    assert.equal(all.body.data.list[0].id, res.body.data.id, 'newest first');
    const missing = await h.api.get('/api/cases/CASE-999', cs.token);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 1);
    assert.equal(missing.body.message, '案例不存在');
  });

  test('type, title and content are required', async () => {
    for (const omit of ['case_type', 'title', 'content']) {
      const body = { ...fields, [omit]: '' };
      const res = await post(caseForm(body, [{ name: 'a.jpg', data: jpeg() }]), cs.token);
      assert.equal(res.status, 400, omit);
      assert.equal(res.body.code, 1);
      assert.equal(res.body.message, '案例类型、标题和内容不能为空');
    }
    await incomingEmpty();
  });

  test('the type is read from the bytes: a text file named .jpg is refused, a PNG named .jpg is stored as PNG', async () => {
    const fake = await post(caseForm(fields, [{ name: 'a.jpg', data: jpeg() }, { name: 'evil.jpg', data: Buffer.from('<script>alert(1)</script>'), type: 'image/jpeg' }]), cs.token);
    assert.equal(fake.status, 415);
    assert.equal(fake.body.code, 1);
    assert.equal(fake.body.message, '图片上传失败: 只能上传图片文件!');
    const pdf = await post(caseForm(fields, [{ name: 'doc.png', data: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), type: 'image/png' }]), cs.token);
    assert.equal(pdf.status, 415);
    const renamed = await post(caseForm(fields, [{ name: 'photo.jpg', data: png('renamed'), type: 'image/jpeg' }]), cs.token);
    assert.equal(renamed.status, 201);
    assert.match(renamed.body.data.images[0], /\.png$/);
    await incomingEmpty();
  });

  test('at most 2 MB per image and at most 10 images', async () => {
    const big = await post(caseForm(fields, [{ name: 'big.jpg', data: jpeg(2 * 1024 * 1024 + 1) }]), cs.token);
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 1);
    assert.equal(big.body.message, '图片上传失败: 单张图片不能超过2MB');
    const exactly = await post(caseForm(fields, [{ name: 'max.jpg', data: jpeg(2 * 1024 * 1024) }]), cs.token);
    assert.equal(exactly.status, 201);
    const ten = await post(caseForm(fields, Array.from({ length: 10 }, (_, i) => ({ name: `${i}.png`, data: png(String(i)), type: 'image/png' }))), cs.token);
    assert.equal(ten.status, 201);
    assert.equal(ten.body.data.images.length, 10);
    const eleven = await post(caseForm(fields, Array.from({ length: 11 }, (_, i) => ({ name: `${i}.png`, data: png(String(i)), type: 'image/png' }))), cs.token);
    assert.equal(eleven.status, 400);
    assert.equal(eleven.body.message, '图片上传失败: 最多上传10张图片');
    const wrongField = await post(caseForm(fields, [{ name: 'a.jpg', data: jpeg() }], 'files'), cs.token);
    assert.equal(wrongField.status, 400);
    assert.equal(wrongField.body.message, '图片上传失败: 请使用 images 字段上传图片');
    await incomingEmpty();
  });

  test('concurrent creations get different case ids', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(caseForm({ ...fields, title: `并发${i}` }, [{ name: 'a.png', data: png(`c${i}`), type: 'image/png' }]), cs.token)));
    assert.deepEqual(results.map((r) => r.status), Array(8).fill(201));
    assert.equal(new Set(results.map((r) => r.body.data.id)).size, 8);
  });

  test('only super admin, supervisors, customer service and inspectors may use cases', async () => {
    for (const [method, path] of [['GET', '/api/cases'], ['GET', '/api/cases/CASE-001'], ['DELETE', '/api/cases/CASE-001']]) {
      const res = await h.api.call(method, path, { token: finance });
      assert.equal(res.status, 403, path);
      assert.equal(res.body.code, 1);
      assert.equal(res.body.message, DENIED);
    }
    const res = await post(caseForm(fields), finance);
    assert.equal(res.status, 403);
    assert.equal(res.body.message, DENIED);
  });
});

describe('deleting cases and reading files', () => {
  test('deleting a case removes its image files; a second delete: 案例不存在', async () => {
    const created = await post(caseForm(fields, [{ name: 'a.jpg', data: jpeg() }, { name: 'b.png', data: png('del'), type: 'image/png' }]), supervisor);
    assert.equal(created.status, 201);
    const rows = await db.query<{ file_path: string }>('SELECT file_path FROM case_images WHERE case_id = ?', { replacements: [created.body.data.id], type: QueryTypes.SELECT });
    assert.equal(rows.length, 2);
    const files = rows.map((r) => join(h.uploadRoot, r.file_path));
    for (const f of files) assert.ok(existsSync(f), f);
    const res = await h.api.del(`/api/cases/${created.body.data.id}`, cs.token);
    assert.equal(res.status, 200);
    assert.equal(res.body.message, '删除成功');
    for (const f of files) assert.ok(!existsSync(f), `${f} removed`);
    assert.equal((await db.query('SELECT id FROM case_images WHERE case_id = ?', { replacements: [created.body.data.id], type: QueryTypes.SELECT })).length, 0);
    const again = await h.api.del(`/api/cases/${created.body.data.id}`, cs.token);
    assert.equal(again.status, 404);
    assert.equal(again.body.message, '案例不存在');
    const image = await h.api.get(created.body.data.images[0], cs.token);
    assert.equal(image.status, 404);
  });

  test('image downloads cannot leave the case folder', async () => {
    const created = await post(caseForm(fields, [{ name: 'a.jpg', data: jpeg() }]), supervisor);
    const id = created.body.data.id as string;
    // a row whose path was tampered with to point outside the folder is never served
    const name = created.body.data.images[0].split('/').pop() as string;
    await db.query("UPDATE case_images SET file_path = '../../../../etc/passwd' WHERE case_id = ?", { replacements: [id] });
    for (const path of [`/api/cases/${id}/images/${name}`, `/api/cases/${id}/images/..%2F..%2F..%2Fetc%2Fpasswd`, `/api/cases/${id}/images/${name}%00.png`, `/api/cases/CASE-001/images/${name}`]) {
      const res = await h.api.get(path, cs.token);
      assert.ok([400, 404].includes(res.status), `${path} → ${res.status}`);
      assert.equal(typeof res.body, 'object', path);
    }
  });
});
