/** The sandbox's idea of "now": real time plus an offset tests move forward (token expiry, cancel windows). */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  set(offsetSeconds: number): void {
    this.offsetMs = offsetSeconds * 1000;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm:ss` on the 24 h clock in Beijing time (UTC+8), as Meituan expects. */
export function beijingTimestamp(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Parses `yyyy-MM-dd HH:mm:ss` (Beijing time); NaN when malformed. */
export function parseBeijingTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3_600_000;
}

/** The Beijing calendar date of an instant, `yyyy-MM-dd`. */
export const beijingDate = (ms: number) => beijingTimestamp(ms).slice(0, 10);
