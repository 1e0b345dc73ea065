/** Ratings: one per writer per studio day, a score from 1 to 10 with at most one decimal. */

/** The score in tenths (85 for 8.5), or the message telling the inspector what is wrong. */
export function checkScore(score: unknown): { tenths: number } | { error: string } {
  const value = typeof score === 'string' && score.trim() !== '' ? Number(score) : score;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 10) return { error: '评分必须在1到10之间' };
  const tenths = Math.round(value * 10);
  if (Math.abs(tenths - value * 10) > 1e-6) return { error: '评分最多保留一位小数' };
  return { tenths };
}

/** 85 → 8.5 */
export const scoreFromTenths = (tenths: number) => tenths / 10;
