/**
 * ORDER_CHECK_INTERVAL seconds as a cron pattern (with seconds) for the kit scheduler: below a minute
 * `*\/N` seconds (a divisor of 60 keeps the gaps even), otherwise every round(N/60) minutes.
 */
export function intervalCron(seconds: number): string {
  if (seconds < 60) return `*/${seconds} * * * * *`;
  const minutes = Math.min(60, Math.round(seconds / 60));
  return minutes >= 60 ? '0 0 * * * *' : `0 */${minutes} * * * *`;
}
