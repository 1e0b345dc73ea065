import { hostname } from 'node:os';
import { QueryTypes, UniqueConstraintError, type Sequelize } from 'sequelize';
import { cycles } from '../metrics.js';

const owner = `${hostname()}:${process.pid}`;

/**
 * One replica per interval. The kit scheduler keys its lock on the tick's start time, which carries
 * the milliseconds each process happened to wake at, so replicas rarely collide on it; this claims the
 * interval itself (now rounded to ORDER_CHECK_INTERVAL) in the same `job_locks` table.
 */
export async function claimInterval(sequelize: Sequelize, job: string, intervalSeconds: number, now = Date.now()): Promise<boolean> {
  const slot = Math.round(now / 1000 / intervalSeconds) * intervalSeconds;
  try {
    await sequelize.query('INSERT INTO job_locks (job, tick, owner, locked_at) VALUES (?, ?, ?, ?)', {
      replacements: [`${job}:interval`, new Date(slot * 1000).toISOString(), owner, new Date()],
      type: QueryTypes.INSERT,
    });
    cycles.inc({ job, outcome: 'ran' });
    return true;
  } catch (err) {
    if (!(err instanceof UniqueConstraintError)) throw err;
    cycles.inc({ job, outcome: 'skipped' });
    return false;
  }
}
