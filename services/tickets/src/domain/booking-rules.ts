export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
/** `09:00`, or a window such as `09:00-11:00`. */
export const APPOINTMENT_TIME = /^([01]\d|2[0-3]):[0-5]\d(-([01]\d|2[0-3]):[0-5]\d)?$/;

/** Today's date (YYYY-MM-DD) in the shop's time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A customer may book today or later, "today" being the shop's date. */
export function isBookableDate(date: string, timeZone: string, now = new Date()): boolean {
  return date >= todayIn(timeZone, now);
}

/** A real calendar date, not 2026-02-30. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A window's end must come after its start. */
export function isOrderedWindow(value: string): boolean {
  const [start, end] = value.split('-');
  return !end || start < end;
}
