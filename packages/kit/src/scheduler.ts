import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import { jobRuns } from './metrics.js';

export interface ScheduledJob {
  name: string;
  /** Cron pattern (seconds optional), e.g. every 15 minutes: `0 *\/15 * * * *`. */
  cron: string;
  /** Runs once per scheduled occurrence cluster-wide; `tick` is that occurrence (the same on every replica). */
  run: (tick: Date) => Promise<void>;
}

/**
 * The occurrence of `pattern` a wake-up at `now` belongs to: the latest one at or before `now`.
 * croner never fires before the occurrence and tells only when the process actually woke (its
 * `currentRun()`, milliseconds and all), which differs on every replica; the occurrence does not.
 * Searches back from `now` over a doubling window, so a late wake-up costs a few steps, not a scan.
 */
export function scheduledOccurrence(pattern: Cron, now: Date): Date {
  const at = now.getTime();
  for (let back = 1000; back <= 5 * 366 * 86_400_000; back *= 2) {
    let occurrence = pattern.nextRun(new Date(at - back));
    if (!occurrence) break;
    if (occurrence.getTime() > at) continue;
    for (let next = pattern.nextRun(occurrence); next && next.getTime() <= at; next = pattern.nextRun(next)) occurrence = next;
    return occurrence;
  }
  return new Date(Math.floor(at / 1000) * 1000);
}

/**
 * Runs jobs on a cron pattern. Each tick first claims (job, scheduled occurrence) in `job_locks`;
 * the primary key lets exactly one replica win, the others skip that tick.
 */
export class Scheduler {
  private readonly crons: Cron[] = [];
  private readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly logger: Logger,
  ) {}

  add(job: ScheduledJob): void {
    // a timer-less twin of the job's cron, only to compute occurrences
    const pattern = new Cron(job.cron, { paused: true });
    const cron = new Cron(job.cron, { protect: true, paused: false }, async () => {
      const run = this.runTick(job, scheduledOccurrence(pattern, new Date()));
      this.inFlight.add(run);
      await run.finally(() => this.inFlight.delete(run));
    });
    this.crons.push(cron);
  }

  /** Claims the tick (a scheduled occurrence) and runs the job if the claim won. Returns whether it ran. */
  async runTick(job: ScheduledJob, tick: Date): Promise<boolean> {
    try {
      await this.sequelize.query('INSERT INTO job_locks (job, tick, owner, locked_at) VALUES (?, ?, ?, ?)', {
        replacements: [job.name, tick.toISOString(), this.owner, new Date()],
        type: QueryTypes.INSERT,
      });
    } catch (err) {
      if (err instanceof UniqueConstraintError) {
        jobRuns.inc({ job: job.name, outcome: 'skipped_locked' });
        return false;
      }
      throw err;
    }
    try {
      await job.run(tick);
      jobRuns.inc({ job: job.name, outcome: 'ran' });
    } catch (err) {
      jobRuns.inc({ job: job.name, outcome: 'failed' });
      this.logger.error({ err, job: job.name, tick }, 'scheduled job failed');
    }
    return true;
  }

  async stop(): Promise<void> {
    this.crons.forEach((c) => c.stop());
    await Promise.allSettled([...this.inFlight]);
  }
}
