import ExcelJS from 'exceljs';

/** The text a person sees in a cell, whatever exceljs made of it (rich text, formula, hyperlink, date). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(10)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const v = value as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: string };
  if (v.richText) return v.richText.map((r) => r.text).join('');
  if (v.result !== undefined) return cellText(v.result);
  if (v.text !== undefined) return cellText(v.text);
  return '';
}

export interface SheetRow {
  /** 1-based row number as Excel shows it. */
  number: number;
  cells: Record<string, string>;
}

export class SheetError extends Error {}

/**
 * Streams the data rows of the first worksheet whose header row has `required` columns (exceljs
 * streaming reader: the workbook is never held in memory). The header is the first non-empty row.
 */
export async function* readSheetRows(path: string, required: readonly string[]): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  let sawSheet = false;
  let bestHeader: string[] | null = null;
  for await (const sheet of reader) {
    sawSheet = true;
    let header: string[] | null = null;
    let usable = false;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = (row.values as unknown[]) ?? [];
      if (!header) {
        const texts = values.map((v) => cellText(v).trim());
        if (!texts.some(Boolean)) continue;
        header = texts;
        bestHeader ??= texts;
        usable = required.every((c) => texts.includes(c));
        if (!usable) break;
        continue;
      }
      const cells: Record<string, string> = {};
      for (let i = 1; i < header.length; i++) {
        if (header[i]) cells[header[i]] = cellText(values[i]);
      }
      yield { number: row.number, cells };
    }
    if (usable) return;
  }
  if (!sawSheet) throw new SheetError('文件中没有工作表');
  const missing = required.filter((c) => !(bestHeader ?? []).includes(c));
  throw new SheetError(`缺少必需列：${missing.join('、')}`);
}
