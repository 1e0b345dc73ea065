/**
 * Bills and filters carry wall-clock times of the studio's zone ("2025-06-27 12:34:56"); these turn
 * them into instants. Pure: the zone's offset comes from Intl.
 */
const WALL = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function offsetMs(instant: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asZone = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asZone - Math.floor(instant / 1000) * 1000;
}

/** The instant of a wall-clock time in `zone`, or null when the text is not a valid date/time. */
export function wallClockToDate(text: string, zone: string, endOfDay = false): Date | null {
  const m = WALL.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dateOnly = m[4] === undefined;
  const [h, mi, s] = dateOnly ? (endOfDay ? [23, 59, 59] : [0, 0, 0]) : [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const guess = Date.UTC(y, mo - 1, d, h, mi, s, dateOnly && endOfDay ? 999 : 0);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return new Date(guess - offsetMs(guess, zone));
}

/** A spreadsheet date cell holds the wall clock in its UTC fields. */
export const sheetDateToWallClock = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
