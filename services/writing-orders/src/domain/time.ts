/** Dates and times as the studio sees them (BUSINESS_TIMEZONE). */

const partsOf = (date: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}:${get('second')}` };
};

/** YYYY-MM-DD of an instant in the zone. */
export const dayIn = (timeZone: string, at = new Date()) => partsOf(at, timeZone).date;

/** `2024-03-30 10:30:00`, the way the seed shows times. */
export function localDateTime(at: Date | string | null | undefined, timeZone: string): string | null {
  if (!at) return null;
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return null;
  const p = partsOf(d, timeZone);
  return `${p.date} ${p.time}`;
}

/** A real calendar date, not 2026-02-30. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The calendar day `days` after (or before, if negative) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The instant a day starts in the zone (handles any offset, DST included). */
export function startOfDay(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  // the zone's offset at that moment, then corrected once more for offset changes around it
  const offsetAt = (at: Date) => {
    const p = partsOf(at, timeZone);
    return Date.parse(`${p.date}T${p.time}Z`) - at.getTime();
  };
  const first = new Date(guess.getTime() - offsetAt(guess));
  return new Date(guess.getTime() - offsetAt(first));
}
