import { rm } from 'node:fs/promises';
import { badRequest, notFound, ok, permissions } from '@backoffice/contracts';
import { parseInput } from '@backoffice/kit';
import { z } from 'zod';
import { importView } from '../db/subsidy-import.js';
import { CS_COLUMNS, judgeCsRow, type CsRow } from '../domain/cs-rows.js';
import { readSheetRows, SheetError } from '../files/excel.js';
import { assertXlsx, excelUpload, FILE_FIELD, sha256File } from '../files/upload.js';
import { BASE, type VirtualDeps } from './context.js';

const MAX_CS_ROWS = 2000;
const CS_CONCURRENCY = 4;
const idempotencyKey = z.string().trim().min(1).max(100, 'Idempotency-Key 不能超过100个字符').optional();

export function importRoutes(deps: VirtualDeps) {
  const { imports, config } = deps;
  const upload = excelUpload(deps.incomingDir, config.MAX_IMPORT_MB);
  const api = deps.router('虚拟订单 · 导入');
  api
    .route({
      method: 'post',
      path: `${BASE}/import/student-subsidy`,
      summary: '导入学生补贴表（必需列：学生姓名、补贴金额；其他列作为学生信息）。小文件直接返回结果，大文件返回导入任务（202）',
      access: { permission: permissions.virtualWrite },
      before: [upload],
      fileField: FILE_FIELD,
      handler: async (_input, req, res) => {
        const file = req.file!;
        let handedOver = false;
        try {
          await assertXlsx(file.path);
          const key = parseInput(idempotencyKey, req.get('idempotency-key') || undefined);
          const { record, existing } = await imports.register({ sha256: await sha256File(file.path), key, fileName: file.originalname, userId: req.user?.id ?? null });
          if (existing) {
            const message = record.state === 'completed' ? '该文件已导入过，不会重复发放补贴' : '该文件正在导入中，请查看导入进度';
            return ok({ duplicate: true, import: importView(record, await imports.rejectedRows(record.id)) }, message);
          }
          if (file.size > config.IMPORT_SYNC_MAX_KB * 1024) {
            handedOver = true;
            deps.background(
              imports
                .run(record.id, file.path)
                .catch((err) => deps.logger.error({ err, import: record.id }, 'subsidy import failed'))
                .finally(() => rm(file.path, { force: true })),
            );
            res.status(202).json(ok({ duplicate: false, import: importView(record) }, '文件较大，已转为后台导入，请通过导入进度查询结果'));
            return;
          }
          const done = await imports.run(record.id, file.path);
          if (done.state === 'failed') throw badRequest(done.error_message ?? '导入失败', 'IMPORT_FAILED');
          const view = importView(done, await imports.rejectedRows(done.id));
          res.status(201).json(ok({ duplicate: false, import: view }, `导入完成：成功 ${view.rows_accepted} 行，失败 ${view.rows_rejected} 行`));
        } finally {
          if (!handedOver) await rm(file.path, { force: true });
        }
      },
    })
    .route({
      method: 'get',
      path: `${BASE}/imports/:id`,
      summary: '导入进度与结果（已读行数、成功、失败及每个失败行的行号和原因、状态）',
      access: { permission: permissions.virtualRead },
      params: z.object({ id: z.uuid({ error: '导入编号格式不正确' }) }),
      handler: async ({ params }) => {
        const record = await imports.find(params.id);
        if (!record) throw notFound('导入记录不存在', 'IMPORT_NOT_FOUND');
        return ok(importView(record, await imports.rejectedRows(record.id)));
      },
    })
    .route({
      method: 'post',
      path: `${BASE}/import/customer-service`,
      summary: '导入专用客服（必需列：姓名、账号；可选：手机号、身份证号）。可重复导入：已存在的账号不重复创建',
      access: { permission: permissions.virtualWrite },
      before: [upload],
      fileField: FILE_FIELD,
      handler: async (_input, req) => {
        const file = req.file!;
        try {
          await assertXlsx(file.path);
          const password = z
            .string()
            .min(6, '初始密码至少6位')
            .max(128)
            .optional()
            .safeParse((req.body as Record<string, unknown> | undefined)?.initial_password || undefined);
          if (!password.success) throw badRequest(password.error.issues[0].message, 'VALIDATION_FAILED');
          const rows: Array<{ row: number; data: CsRow }> = [];
          const rejected: Array<{ row: number; reason: string }> = [];
          const seen = new Map<string, number>();
          try {
            for await (const { number, cells } of readSheetRows(file.path, [CS_COLUMNS.name, CS_COLUMNS.account])) {
              const verdict = judgeCsRow(cells);
              if (!verdict) continue;
              if (!verdict.ok) rejected.push({ row: number, reason: verdict.reason });
              else if (seen.has(verdict.row.account)) rejected.push({ row: number, reason: `账号在第${seen.get(verdict.row.account)}行已出现` });
              else {
                seen.set(verdict.row.account, number);
                rows.push({ row: number, data: verdict.row });
              }
              if (rows.length + rejected.length > MAX_CS_ROWS) throw badRequest(`一次最多导入${MAX_CS_ROWS}个客服账号`, 'TOO_MANY_ROWS');
            }
          } catch (err) {
            if (err instanceof SheetError) throw badRequest(err.message, 'BAD_SHEET');
            throw err;
          }
          const created: Array<Record<string, unknown>> = [];
          const existing: Array<Record<string, unknown>> = [];
          let next = 0;
          const worker = async () => {
            while (next < rows.length) {
              const { row, data } = rows[next++];
              try {
                const result = await deps.cs.create(data, password.data);
                if (result.outcome === 'created') created.push({ row, ...result.account, ...(result.initial_password ? { initial_password: result.initial_password } : {}) });
                else existing.push({ row, ...result.account });
              } catch (err) {
                const status = (err as { status?: number }).status;
                if (!status || status >= 500) throw err;
                rejected.push({ row, reason: (err as Error).message });
              }
            }
          };
          await Promise.all(Array.from({ length: CS_CONCURRENCY }, worker));
          const byRow = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.row) - Number(b.row);
          return ok(
            { created: created.sort(byRow), existing: existing.sort(byRow), rejected: rejected.sort(byRow) },
            `导入完成：新建 ${created.length} 个，已存在 ${existing.length} 个，失败 ${rejected.length} 个`,
          );
        } finally {
          await rm(file.path, { force: true });
        }
      },
    });
  return api.router;
}
