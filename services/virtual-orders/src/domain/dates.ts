/** Business days (Asia/Shanghai, a fixed +08:00) ↔ instants. */

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isRealDate(text: string): boolean {
  if (!DATE_PATTERN.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const offsetMinutes = (offset: string) => {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number);
  return sign * (h * 60 + m);
};

/** The instant a business day starts. */
export const dayStart = (day: string, offset: string) => new Date(`${day}T00:00:00${offset}`);

/** The business day an instant falls in. */
export const businessDay = (at: Date, offset: string) => new Date(at.getTime() + offsetMinutes(offset) * 60_000).toISOString().slice(0, 10);

export const addDays = (at: Date, days: number) => new Date(at.getTime() + days * 86_400_000);
export const addHours = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000);

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
