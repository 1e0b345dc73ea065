import { QueryTypes, type Sequelize } from 'sequelize';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { dialectOf } from '../db/database.js';
import { affectedRows } from '../db/results.js';
import type { ScheduledJob } from '../scheduler.js';

/**
 * Retention of the kit's bookkeeping tables, from the environment:
 * - OUTBOX_RETENTION_HOURS (default 72): `sent` outbox rows older than this are deleted. Pending and
 *   failed rows are never deleted, whatever their age.
 * - INBOX_RETENTION_HOURS (default 336 = 14 days): inbox rows older than this are deleted. It must be
 *   longer than the longest time after which the bus can deliver an event again: Kafka keeps topics
 *   7 days by default and a consumer group reset (or a new replica starting from an old committed
 *   offset) replays from there; a NATS JetStream consumer can be re-created from the stream's start.
 *   An inbox row deleted before its event can come back would let that event take effect twice.
 * - JOB_LOCK_RETENTION_HOURS (default 48): the scheduler's tick claims.
 * - PRUNE_CRON (default every hour at minute 41): when the job runs (one replica per tick).
 */
export const retentionConfigSchema = z.object({
  OUTBOX_RETENTION_HOURS: z.coerce.number().positive().default(72),
  INBOX_RETENTION_HOURS: z.coerce.number().positive().default(336),
  JOB_LOCK_RETENTION_HOURS: z.coerce.number().positive().default(48),
  PRUNE_CRON: z.string().min(9).default('0 41 * * * *'),
});
export type RetentionConfig = z.infer<typeof retentionConfigSchema>;

export const loadRetentionConfig = (env: Record<string, string | undefined> = process.env): RetentionConfig =>
  loadConfig(retentionConfigSchema, env as NodeJS.ProcessEnv);

export interface PruneResult {
  outbox: number;
  inbox: number;
  jobLocks: number;
}

const CHUNK = 5000;
const hoursAgo = (hours: number, now: Date) => new Date(now.getTime() - hours * 3_600_000);

/**
 * Deletes in chunks of a few thousand rows so no statement holds locks for long next to live traffic.
 * MySQL/MariaDB take `DELETE ... LIMIT`; SQLite (single process, small tables) deletes in one go.
 */
async function deleteInChunks(sequelize: Sequelize, table: string, where: string, replacements: unknown[]): Promise<number> {
  const mysql = dialectOf(sequelize) === 'mysql';
  let total = 0;
  for (;;) {
    // BULKDELETE makes both dialects answer with the count of deleted rows
    const deleted: unknown = await sequelize.query(`DELETE FROM ${table} WHERE ${where}${mysql ? ` LIMIT ${CHUNK}` : ''}`, { replacements, type: QueryTypes.BULKDELETE });
    const n = affectedRows(deleted);
    total += n;
    if (!mysql || n < CHUNK) return total;
  }
}

/** Removes what is old and already handled: sent outbox rows, old inbox rows, old job tick claims. */
export async function pruneKitTables(sequelize: Sequelize, retention: Omit<RetentionConfig, 'PRUNE_CRON'>, now = new Date()): Promise<PruneResult> {
  const outbox = await deleteInChunks(sequelize, 'outbox', `status = 'sent' AND sent_at < ?`, [hoursAgo(retention.OUTBOX_RETENTION_HOURS, now)]);
  const inbox = await deleteInChunks(sequelize, 'inbox', 'handled_at < ?', [hoursAgo(retention.INBOX_RETENTION_HOURS, now)]);
  const jobLocks = await deleteInChunks(sequelize, 'job_locks', 'locked_at < ?', [hoursAgo(retention.JOB_LOCK_RETENTION_HOURS, now)]);
  return { outbox, inbox, jobLocks };
}

/** The job every service gets from `startService`. */
export function pruneJob(sequelize: Sequelize, retention: RetentionConfig, onPruned?: (result: PruneResult) => void): ScheduledJob {
  return {
    name: 'kit.prune-outbox-inbox',
    cron: retention.PRUNE_CRON,
    run: async () => {
      const result = await pruneKitTables(sequelize, retention);
      onPruned?.(result);
    },
  };
}
