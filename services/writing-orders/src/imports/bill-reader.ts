import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

/**
 * Rows of a bill file, one at a time (never the whole file in memory): the first worksheet of an
 * .xlsx through exceljs's streaming reader, or a .csv through csv-parse. Row numbers are 1-based as
 * a spreadsheet shows them.
 */
export type BillRow = { rowNumber: number; cells: unknown[] };

export async function* xlsxRows(path: string): AsyncGenerator<BillRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row as ExcelJS.Row).values as unknown[];
      // exceljs rows are 1-based: values[0] is always empty
      yield { rowNumber: (row as ExcelJS.Row).number, cells: Array.isArray(values) ? values.slice(1) : [] };
    }
    return; // the bill is on the first sheet
  }
}

/** UTF-8 unless the start of the file is not valid UTF-8, then GB18030 (Alipay's CSV exports). */
async function detectEncoding(path: string): Promise<string> {
  const stream = createReadStream(path, { start: 0, end: 65535 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks), { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

export async function* csvRows(path: string): AsyncGenerator<BillRow> {
  const decoder = new TextDecoder(await detectEncoding(path));
  const decode = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
  const parser = createReadStream(path).pipe(decode).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }));
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { rowNumber: record.info.lines, cells: record.record };
  }
}
