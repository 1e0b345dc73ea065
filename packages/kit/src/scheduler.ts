import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import { jobRuns } from './metrics.js';

export interface ScheduledJob {
  name: string;
  /** Cron pattern (seconds optional), e.g. every 15 minutes: `0 *\/15 * * * *`. */
  cron: string;
  run: () => Promise<void>;
}

/**
 * Runs jobs on a cron pattern. Each tick first claims (job, scheduled time) in `job_locks`; the
 * primary key lets exactly one replica win, the others skip that tick.
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
    const cron = new Cron(job.cron, { protect: true, paused: false }, async (self: Cron) => {
      const tick = (self.currentRun() ?? new Date()).toISOString();
      const run = this.runTick(job, tick);
      this.inFlight.add(run);
      await run.finally(() => this.inFlight.delete(run));
    });
    this.crons.push(cron);
  }

  /** Claims the tick and runs the job if the claim won. Returns whether it ran. */
  async runTick(job: ScheduledJob, tick: string): Promise<boolean> {
    try {
      await this.sequelize.query('INSERT INTO job_locks (job, tick, owner, locked_at) VALUES (?, ?, ?, ?)', {
        replacements: [job.name, tick, this.owner, new Date()],
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
      await job.run();
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
