/** PDD answers the increment order list for windows of at most 30 minutes. */
export const MAX_WINDOW_SECONDS = 1800;

export interface SyncWindow {
  start: number;
  end: number;
}

/**
 * Windows (unix seconds) covering [cursor − overlap, now − lag], each at most 30 minutes, oldest first,
 * at most `maxWindows` of them (the rest waits for the next cycle). The overlap is read again every
 * cycle, even when the cursor has not moved: that is where late-indexed orders turn up.
 */
export function planWindows(cursor: number, now: number, opts: { lag: number; overlap: number; maxWindows: number }): SyncWindow[] {
  const end = now - opts.lag;
  const windows: SyncWindow[] = [];
  let start = cursor - opts.overlap;
  while (start < end && windows.length < opts.maxWindows) {
    const stop = Math.min(start + MAX_WINDOW_SECONDS, end);
    windows.push({ start, end: stop });
    start = stop;
  }
  return windows;
}

/** Pages of a window to fetch after page 1 told the total: last page first, so orders moving while we page are not skipped. */
export function pagesBackwards(total: number, pageSize: number): number[] {
  const pages = Math.ceil(total / pageSize);
  const list: number[] = [];
  for (let p = pages; p >= 2; p--) list.push(p);
  return list;
}
