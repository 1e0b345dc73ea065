import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Response } from 'express';

/** A client that reads nothing for this long loses the export. */
const STALL_MS = 60_000;

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
  private current: ExcelJS.Worksheet | null = null;

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
    this.current = ws;
    ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 14, style: c.money ? { numFmt: '0.00' } : {} }));
    return {
      add: (row: Record<string, unknown>) => ws.addRow(row).commit(),
      done: () => ws.commit(),
    };
  }

  /**
   * Keeps memory bounded. exceljs's sheet buffer writes into the zip's compressor without waiting, so a
   * fast database could fill memory with XML faster than it is deflated: when more than `maxBufferedMb`
   * waits there (or the client is not reading), this waits for it to drain. Otherwise it only yields to
   * the event loop, so compression and the next page's query go on while rows are being made.
   */
  async drained(maxBufferedMb = 2) {
    // internals of exceljs's stream writer: the sheet's StreamBuf and the (readable-stream) PassThrough
    // of the zip it writes into
    type Pipe = Writable & { _writableState?: { length?: number } };
    const pipes = (this.current as unknown as { stream?: { pipes?: Pipe[] } } | null)?.stream?.pipes ?? [];
    const full = [
      ...pipes.filter((p) => (p.writableLength ?? p._writableState?.length ?? 0) > maxBufferedMb * 1024 * 1024),
      ...(this.res.writableNeedDrain ? [this.res] : []),
    ];
    for (const target of full) {
      if (this.res.destroyed) break;
      const stop = new AbortController();
      const stalled = setTimeout(() => stop.abort(), STALL_MS);
      try {
        await Promise.race([once(target, 'drain', { signal: stop.signal }), once(this.res, 'close', { signal: stop.signal })]);
      } catch {
        // a client that stops reading without leaving would hold a database connection forever
        if (stop.signal.aborted) this.res.destroy();
      } finally {
        clearTimeout(stalled);
        stop.abort();
      }
    }
    if (!full.length) await new Promise((resolve) => setImmediate(resolve));
    if (this.res.destroyed) throw new Error('client went away during the export');
  }

  async finish() {
    await this.workbook.commit();
  }
}

/** "51.85" → 51.85 for a numeric cell (display formatting only; sums are done in SQL). */
export const cellMoney = (text: string | null) => (text === null ? null : Number(text));
