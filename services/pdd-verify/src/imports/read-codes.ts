import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

export interface CodeRow {
  /** 1-based row number in the file, for the report. */
  row: number;
  value: unknown;
}

/** The first column of the first sheet of an xlsx, row by row, without loading the workbook. */
export async function* xlsxRows(path: string): AsyncGenerator<CodeRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const cell = row.getCell(1).value as unknown;
      const value = cell && typeof cell === 'object' ? ((cell as { text?: string; result?: unknown }).text ?? (cell as { result?: unknown }).result ?? (cell as { richText?: Array<{ text: string }> }).richText?.map((r) => r.text).join('')) : cell;
      yield { row: row.number, value };
    }
    return; // the first sheet only
  }
}

/** The first column of a CSV (UTF-8, BOM tolerated), streamed. */
export async function* csvRows(path: string): AsyncGenerator<CodeRow> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: false, trim: true }));
  let row = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    row += 1;
    yield { row, value: record[0] };
  }
}
