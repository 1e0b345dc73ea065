import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Response } from 'express';

export interface SheetColumn {
  header: string;
  key: string;
  width?: number;
  money?: boolean;
}

/**
 * A workbook streamed straight into the HTTP response: rows are committed as they are added, so memory
 * stays flat however many rows there are. Sheets are written one after another.
 */
export class XlsxResponse {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;

  constructor(
    private readonly res: Response,
    fileName: string,
  ) {
    res.status(200);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  }

  sheet(name: string, columns: SheetColumn[]) {
    const ws = this.workbook.addWorksheet(name);
    ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14, style: c.money ? { numFmt: '0.00' } : {} }));
    return {
      add: (row: Record<string, unknown>) => ws.addRow(row).commit(),
      done: () => ws.commit(),
    };
  }

  /** Resolves once the response has room again (or at once when it has). */
  async drained() {
    if (!this.res.writableNeedDrain || this.res.destroyed) return;
    const stop = new AbortController();
    await Promise.race([once(this.res, 'drain', { signal: stop.signal }), once(this.res, 'close', { signal: stop.signal })]).catch(() => undefined);
    stop.abort();
    if (this.res.destroyed) throw new Error('client went away during the export');
  }

  async finish() {
    await this.workbook.commit();
  }
}

/** "51.85" → 51.85 for a numeric cell (display formatting only; sums are done in SQL). */
export const cellMoney = (text: string | null) => (text === null ? null : Number(text));
