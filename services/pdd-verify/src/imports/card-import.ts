import { randomUUID } from 'node:crypto';
import { keyedHash, type SecretBox } from '@backoffice/kit';
import { Op } from 'sequelize';
import { HEADER_NAMES, maskCode, normalizeCode } from '../domain/codes.js';
import type { PddModels } from '../db/models.js';
import type { CodeRow } from './read-codes.js';

const BATCH = 500;
/** Rows listed in the report; the counts are always complete. */
const REPORT_LIMIT = 200;

export interface ImportReport {
  batch_id: string;
  goods_id: string;
  total_rows: number;
  imported: number;
  duplicates: number;
  invalid: number;
  duplicate_rows: Array<{ row: number; code_masked: string; reason: string }>;
  invalid_rows: Array<{ row: number; reason: string }>;
}

/**
 * Imports codes in batches of 500 as they stream in (memory stays one batch): each batch is checked
 * against itself and the stored codes (earlier batches of the file included) through the keyed hash (the clear code is never compared or stored),
 * then inserted in one multi-row statement; the unique hash refuses what a concurrent import added.
 */
export async function importCodes(models: PddModels, box: SecretBox, hashSecret: string, goodsId: string, rows: AsyncIterable<CodeRow>): Promise<ImportReport> {
  const report: ImportReport = { batch_id: randomUUID(), goods_id: goodsId, total_rows: 0, imported: 0, duplicates: 0, invalid: 0, duplicate_rows: [], invalid_rows: [] };
  let seen = new Set<string>();
  let batch: Array<{ row: number; code: string; hash: string }> = [];
  const duplicate = (row: number, code: string, reason: string) => {
    report.duplicates += 1;
    if (report.duplicate_rows.length < REPORT_LIMIT) report.duplicate_rows.push({ row, code_masked: maskCode(code), reason });
  };
  const flush = async () => {
    if (!batch.length) return;
    const existing = new Map(
      (await models.CardCode.findAll({ attributes: ['code_hash', 'batch_id'], where: { code_hash: { [Op.in]: batch.map((b) => b.hash) } } })).map((c) => [c.code_hash, c.batch_id]),
    );
    const fresh = batch.filter((b) => {
      if (!existing.has(b.hash)) return true;
      // an earlier batch of this same file stored it
      duplicate(b.row, b.code, existing.get(b.hash) === report.batch_id ? '文件内重复' : '卡密已存在');
      return false;
    });
    if (fresh.length) {
      const before = await models.CardCode.count({ where: { batch_id: report.batch_id } });
      await models.CardCode.bulkCreate(
        fresh.map((b) => ({ goods_id: goodsId, code_encrypted: box.encrypt(b.code), code_hash: b.hash, code_masked: maskCode(b.code), status: 'available' as const, batch_id: report.batch_id })),
        { ignoreDuplicates: true },
      );
      const added = (await models.CardCode.count({ where: { batch_id: report.batch_id } })) - before;
      report.imported += added;
      // what a concurrent import stored between our check and our insert
      for (let i = added; i < fresh.length; i++) duplicate(fresh[i].row, fresh[i].code, '卡密已存在');
    }
    batch = [];
    seen = new Set();
  };
  let first = true;
  for await (const { row, value } of rows) {
    const raw = value === null || value === undefined ? '' : String(value).trim();
    if (first) {
      first = false;
      if (HEADER_NAMES.has(raw.toLowerCase())) continue;
    }
    if (!raw) continue;
    report.total_rows += 1;
    const code = normalizeCode(raw);
    if (!code) {
      report.invalid += 1;
      if (report.invalid_rows.length < REPORT_LIMIT) report.invalid_rows.push({ row, reason: '卡密应为4-128个字符且不含空白' });
      continue;
    }
    const hash = keyedHash(hashSecret, code);
    if (seen.has(hash)) {
      duplicate(row, code, '文件内重复');
      continue;
    }
    seen.add(hash);
    batch.push({ row, code, hash });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return report;
}
