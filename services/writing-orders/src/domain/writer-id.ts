/** Writer ids are `w` + YYMMDD (the studio's day) + a two-digit sequence of that day: w24072001. */
export const MAX_WRITERS_PER_DAY = 99;

export const WRITING_EXPERIENCES = ['大学水平', '在职水平', '事业单位水平', '淘宝老手', '在职老师', '期刊报告科研'] as const;
export type WritingExperience = (typeof WRITING_EXPERIENCES)[number];

/** YYMMDD of `now` in the studio's time zone. */
export function writerDay(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: '2-digit', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}${get('month')}${get('day')}`;
}

/** The id for the `sequence`-th writer of `day`, or null once the day's 99 numbers are used up. */
export function writerId(day: string, sequence: number): string | null {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_WRITERS_PER_DAY) return null;
  return `w${day}${String(sequence).padStart(2, '0')}`;
}

export const WRITER_ID_PATTERN = /^w\d{8}$/;
