// Virtual-orders benchmarks (not tests), on MariaDB, each against its raw counterpart in the same run:
//  1. generating 1,000,000 tasks (allocation, order numbers, multi-row INSERTs) vs a raw multi-row INSERT
//     of the same rows (target: at least 0.8 of its rows/s);
//  2. importing a 100,000-row subsidy file vs exceljs's streaming read plus a raw insert of the same
//     students, pools and tasks (target: at most 1.3× their sum, peak RSS under 250 MB);
//  3. the income export of 100,000 students vs exceljs's streaming writer alone writing the same rows
//     (target: at most 1.3×, peak RSS under 250 MB).
// Each part runs in its own process so its peak RSS is its own. Build first (npm run bench:virtual does).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { customAlphabet } from 'nanoid';
import { QueryTypes } from 'sequelize';
import { ensureMysqlDatabase, migrateUp, openDatabase, Outbox } from '@backoffice/kit';
import { migrations, seededRandom, allocateAmounts, Sql, SubsidyImports, TaskWriter, taskTemplate, virtualOrdersConfigSchema, writeIncomeWorkbook, TASK_INSERT_HEAD } from '@backoffice/virtual-orders';

const MYSQL = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
const TASKS = Number(process.env.BENCH_TASKS ?? 1_000_000);
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 100_000);
const MB = 1024 * 1024;

/** Peak RSS while `work` runs, sampled every 10 ms. */
async function measure(work) {
  globalThis.gc?.();
  let peak = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 10);
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, peakMb: peak / MB, heapMb: heap / MB, result };
}

async function freshDatabase(label) {
  const name = `bench_virtual_${label}_${randomBytes(3).toString('hex')}`;
  const url = `${MYSQL}/${name}`;
  await ensureMysqlDatabase(url);
  const sequelize = openDatabase(url);
  await migrateUp(sequelize, migrations);
  return {
    sequelize,
    sql: new Sql(sequelize),
    drop: async () => {
      await sequelize.query(`DROP DATABASE \`${name}\``);
      await sequelize.close();
    },
  };
}

const config = virtualOrdersConfigSchema.parse({ DATABASE_URL: 'mysql://x/y', DATA_ENCRYPTION_KEY: 'bench-key-0123456789', INTERNAL_API_TOKEN: 'bench-token-0123456789' });
const template = taskTemplate(config);
const MAX_FEN = config.VIRTUAL_TASK_MAX_YUAN * 100;
const orderNumber = customAlphabet('1234567890abcdef', 10);

async function seedPools(sql, count, amountYuan) {
  const now = new Date();
  for (let from = 0; from < count; from += 5000) {
    const n = Math.min(5000, count - from);
    const students = Array.from({ length: n }, (_, i) => `('学生${from + i + 1}', '{}', ?, ?)`).join(',');
    await sql.sequelize.query(`INSERT INTO virtual_students (name, info_json, created_at, updated_at) VALUES ${students}`, { replacements: Array(n * 2).fill(now) });
  }
  await sql.sequelize.query(
    `INSERT INTO virtual_order_pool (student_id, total_amount, allocated_amount, completed_amount, remaining_amount, task_count, completed_count, status, created_at, updated_at)
     SELECT id, ?, 0, 0, ?, 0, 0, 'active', ?, ? FROM virtual_students`,
    { replacements: [amountYuan, amountYuan, now, now] },
  );
  return sql.select('SELECT id, student_id FROM virtual_order_pool ORDER BY id');
}

/** 1. task generation vs raw multi-row INSERT of the same rows. */
async function benchGenerate() {
  const db = await freshDatabase('gen');
  // 1,000 pools; amounts chosen so the seeded split gives ~TASKS tasks in all
  const perPool = Math.round(TASKS / 1000);
  const pools = await seedPools(db.sql, 1000, 0);
  const amountFen = perPool * 2750; // mean task is 27.50 yuan with a 50-yuan bound
  const round = async (kind) => {
    await db.sequelize.query('TRUNCATE TABLE tasks');
    const now = new Date();
    if (kind === 'service') {
      const writer = new TaskWriter(db.sql, template, MAX_FEN, seededRandom(42), orderNumber);
      return measure(async () => {
        let rows = 0;
        // one transaction per 10 pools (~10,000 rows), as an import batch would
        for (let i = 0; i < pools.length; i += 10) {
          await db.sequelize.transaction(async (transaction) => {
            const counts = await writer.generate(transaction, pools.slice(i, i + 10).map((p) => ({ poolId: Number(p.id), studentId: Number(p.student_id), amountFen })), now);
            for (const n of counts.values()) rows += n;
          });
        }
        return rows;
      });
    }
    // raw: the same amounts (same seed) and fresh numbers, prepared before the clock starts
    const random = seededRandom(42);
    const rowsOf = pools.map((p) => allocateAmounts(amountFen, MAX_FEN, random).map((fen) => [Number(p.id), Number(p.student_id), (fen / 100).toFixed(2)]));
    const numbers = new Set();
    const total = rowsOf.reduce((s, r) => s + r.length, 0);
    while (numbers.size < total) numbers.add(orderNumber());
    const list = [...numbers];
    const esc = (v) => db.sequelize.escape(v);
    const constant = `1, ${esc(template.source)}, ${esc(template.summary)}, ${esc(template.requirement)}`;
    const unit = esc(template.commissionUnit);
    const tail = `'open', ${esc(new Date(now.getTime() + 86_400_000))}, ${esc(new Date(now.getTime() + 3 * 86_400_000))}, ${esc(now)}`;
    return measure(async () => {
      let k = 0;
      for (let i = 0; i < rowsOf.length; i += 10) {
        await db.sequelize.transaction(async (transaction) => {
          const rows = rowsOf.slice(i, i + 10).flat();
          for (let c = 0; c < rows.length; c += 1000) {
            const values = rows.slice(c, c + 1000).map(([pool, student, amount]) => `('${list[k++]}', ${constant}, ${amount}, ${unit}, ${student}, ${pool}, ${tail})`);
            await db.sequelize.query(TASK_INSERT_HEAD + values.join(','), { transaction });
          }
        });
      }
      return k;
    });
  };
  const raw1 = await round('raw');
  const svc1 = await round('service');
  const raw2 = await round('raw');
  const svc2 = await round('service');
  await db.drop();
  const raw = raw1.seconds < raw2.seconds ? raw1 : raw2;
  const svc = svc1.seconds < svc2.seconds ? svc1 : svc2;
  const rawRate = raw.result / raw.seconds;
  const svcRate = svc.result / svc.seconds;
  return {
    part: 'generate',
    raw: { rows: raw.result, seconds: raw.seconds, rowsPerSecond: Math.round(rawRate) },
    service: { rows: svc.result, seconds: svc.seconds, rowsPerSecond: Math.round(svcRate) },
    ratio: svcRate / rawRate,
    target: 'ratio >= 0.8',
    ok: svcRate / rawRate >= 0.8,
  };
}

async function writeSubsidyFile(path, students) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(path), useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('补贴');
  ws.addRow(['学生姓名', '补贴金额', '学号', '班级']).commit();
  for (let i = 1; i <= students; i++) ws.addRow([`学生${i}`, 5 + (i % 40) * 2.5, `S${String(i).padStart(7, '0')}`, `${(i % 30) + 1}班`]).commit();
  ws.commit();
  await wb.commit();
}

/** 2. the subsidy import vs streaming read + raw insert of the same rows. */
async function benchImport() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-virtual-'));
  const file = join(dir, 'subsidy.xlsx');
  await writeSubsidyFile(file, STUDENTS);
  const size = statSync(file).size;

  // raw: exceljs streaming read alone
  const read = await measure(async () => {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
    let rows = 0;
    for await (const sheet of reader) for await (const row of sheet) rows += row.values.length ? 1 : 0;
    return rows;
  });

  // the service's import
  const db = await freshDatabase('imp');
  const outbox = new Outbox(db.sequelize, 'virtual-orders');
  const writer = new TaskWriter(db.sql, template, MAX_FEN, seededRandom(7), orderNumber);
  const observe = { generated() {}, expired() {}, completed() {} };
  const imports = new SubsidyImports(db.sql, outbox, writer, () => new Date(), { maxFen: config.MAX_SUBSIDY_YUAN * 100, validDays: 0, offset: '+08:00' }, observe);
  const { record } = await imports.register({ sha256: randomBytes(32).toString('hex'), fileName: 'subsidy.xlsx', userId: null });
  const service = await measure(() => imports.run(record.id, file));
  const [{ tasks }] = await db.sql.select('SELECT COUNT(*) AS tasks FROM tasks');
  await db.drop();

  // raw insert of the same students, pools and tasks (multi-row, 1,000 a statement, one transaction per 1,000 students)
  const raw = await freshDatabase('imp_raw');
  const random = seededRandom(7);
  const now = new Date();
  const used = new Set();
  const uniqueNumber = () => {
    let n = orderNumber();
    while (used.has(n)) n = orderNumber();
    used.add(n);
    return n;
  };
  const insert = await measure(async () => {
    for (let from = 1; from <= STUDENTS; from += 1000) {
      const ids = Array.from({ length: Math.min(1000, STUDENTS - from + 1) }, (_, i) => from + i);
      await raw.sequelize.transaction(async (transaction) => {
        await raw.sequelize.query(`INSERT INTO virtual_students (id, name, info_json, created_at, updated_at) VALUES ${ids.map((i) => `(${i}, '学生${i}', '{"学号":"S${i}","班级":"${(i % 30) + 1}班"}', ?, ?)`).join(',')}`, { replacements: ids.flatMap(() => [now, now]), transaction });
        const amounts = ids.map((i) => Math.round((5 + (i % 40) * 2.5) * 100));
        await raw.sequelize.query(
          `INSERT INTO virtual_order_pool (id, student_id, total_amount, allocated_amount, completed_amount, remaining_amount, task_count, completed_count, status, created_at, updated_at) VALUES ${ids.map((i, k) => `(${i}, ${i}, ${amounts[k] / 100}, ${amounts[k] / 100}, 0, 0, 0, 0, 'active', ?, ?)`).join(',')}`,
          { replacements: ids.flatMap(() => [now, now]), transaction },
        );
        const rows = ids.flatMap((i, k) => allocateAmounts(amounts[k], MAX_FEN, random).map((fen) => `('${uniqueNumber()}', 1, '集团业务', '虚拟任务 - 数据处理', '请按照要求完成数据处理任务...', ${(fen / 100).toFixed(2)}, '元', ${i}, ${i}, 'open', NOW(), NOW(), NOW())`));
        for (let c = 0; c < rows.length; c += 1000) await raw.sequelize.query(TASK_INSERT_HEAD + rows.slice(c, c + 1000).join(','), { transaction });
      });
    }
  });
  await raw.drop();
  rmSync(dir, { recursive: true, force: true });
  const baseline = read.seconds + insert.seconds;
  return {
    part: 'import',
    file: { rows: STUDENTS, mb: +(size / MB).toFixed(1) },
    rawRead: { seconds: read.seconds, peakMb: read.peakMb, heapMb: read.heapMb },
    rawInsert: { seconds: insert.seconds },
    service: { seconds: service.seconds, peakMb: service.peakMb, heapMb: service.heapMb, state: service.result.state, accepted: Number(service.result.rows_accepted), tasks: Number(tasks) },
    ratio: service.seconds / baseline,
    target: 'ratio <= 1.3, peak RSS < 250 MB',
    ok: service.seconds / baseline <= 1.3 && service.peakMb < 250,
  };
}

/** 3. the income export vs exceljs's streaming writer alone. */
async function benchExport() {
  const db = await freshDatabase('exp');
  await seedPools(db.sql, STUDENTS, '120.00');
  const dir = mkdtempSync(join(tmpdir(), 'bench-virtual-'));
  const rows = (k) => [k, `学生${k}`, 120, 4, 2, 60, 60, null];
  const writeAlone = () => measure(async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(join(dir, 'alone.xlsx')), useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet('学生收入统计');
    ws.addRow(['学生ID', '学生姓名', '补贴总额', '任务数', '已完成任务数', '已完成金额', '未完成金额', '补贴金额']).commit();
    for (let k = 1; k <= STUDENTS; k++) ws.addRow(rows(k)).commit();
    ws.commit();
    const help = wb.addWorksheet('使用说明');
    help.addRow(['使用说明']).commit();
    help.commit();
    await wb.commit();
  });
  const writeService = () => measure(async () => {
    const out = createWriteStream(join(dir, 'export.xlsx'));
    const done = new Promise((resolve) => out.on('close', resolve));
    const n = await writeIncomeWorkbook(db.sql, out);
    await done;
    return n;
  });
  // the machine is shared: alternate three rounds and keep each side's best time (and worst memory)
  const rounds = [];
  for (let r = 0; r < 3; r++) rounds.push([await writeAlone(), await writeService()]);
  const best = (i) => ({ seconds: Math.min(...rounds.map((x) => x[i].seconds)), peakMb: Math.max(...rounds.map((x) => x[i].peakMb)), result: rounds[0][i].result });
  const alone = best(0);
  const service = best(1);
  const size = statSync(join(dir, 'export.xlsx')).size;
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
  return {
    part: 'export',
    students: service.result,
    mb: +(size / MB).toFixed(1),
    writerAlone: { seconds: alone.seconds, peakMb: alone.peakMb },
    service: { seconds: service.seconds, peakMb: service.peakMb },
    ratio: service.seconds / alone.seconds,
    target: 'ratio <= 1.3, peak RSS < 250 MB',
    ok: service.seconds / alone.seconds <= 1.3 && service.peakMb < 250,
  };
}

const parts = { generate: benchGenerate, import: benchImport, export: benchExport };
const only = process.argv[2];
if (only) {
  const result = await parts[only]();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
const self = fileURLToPath(import.meta.url);
const fmt = (n) => (typeof n === 'number' ? +n.toFixed(2) : n);
const selected = process.env.BENCH_PARTS ? process.env.BENCH_PARTS.split(',') : Object.keys(parts);
for (const name of selected) {
  const child = spawnSync(process.execPath, ['--expose-gc', self, name], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 16 * MB });
  if (child.status !== 0) {
    console.error(`${name} failed:\n${child.stderr}`);
    process.exitCode = 1;
    continue;
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  console.log(JSON.stringify(result, (_k, v) => fmt(v), 2));
}
