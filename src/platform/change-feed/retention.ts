import { sql } from 'kysely';
import { PeriodicTask, type BackgroundTask } from '../background-task.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';

/**
 * Deletes the change events older than `retentionDays`, `batchSize` at a time (one short
 * transaction each, through the SECURITY DEFINER purge_change_events of migrations/0010), until
 * none is left. Cursors that old are refused anyway (CURSOR_EXPIRED), so nobody can ask for them.
 * Safe with several instances running it at once: each batch deletes what is still there.
 * @returns how many events were deleted.
 */
export async function purgeExpiredChanges(db: Database, retentionDays: number, batchSize: number): Promise<number> {
  const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const purged = await db.withoutTenant(async (tx) => {
      const { rows } = await sql<{
        purged: number;
      }>`SELECT purge_change_events(${cutoff}::timestamptz, ${batchSize}::integer) AS purged`.execute(tx);
      return rows[0]?.purged ?? 0;
    });
    total += purged;
    if (purged < batchSize) return total;
  }
}

/** The scheduled purge: every `intervalMs` (0: never), first one interval after start. */
export function changeFeedRetentionTask(
  db: Database,
  logger: Logger,
  options: { retentionDays: number; intervalMs: number; batchSize: number },
): BackgroundTask {
  return new PeriodicTask(
    'change-feed.retention',
    options.intervalMs,
    async () => {
      const purged = await purgeExpiredChanges(db, options.retentionDays, options.batchSize);
      if (purged > 0)
        logger.info({ purged, retentionDays: options.retentionDays }, 'change feed: expired events purged');
    },
    logger,
  );
}
