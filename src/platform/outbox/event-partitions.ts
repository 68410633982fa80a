import { sql } from 'kysely';
import type { AppContext } from '../app-context.js';
import { PeriodicTask, type BackgroundTask } from '../background-task.js';
import type { Database } from '../db/database.js';

/** How often each instance makes sure the coming months' partitions exist (cheap when they do). */
const MAINTENANCE_INTERVAL_MS = 6 * 3600_000;
/**
 * Months prepared beyond the current one. Events are written by domain transactions, which would
 * fail on a missing partition; three months of margin means an instance would have to run for a
 * quarter without this task ever succeeding before that could happen.
 */
export const EVENT_PARTITIONS_AHEAD = 3;

/**
 * Creates the monthly partitions of the outbox (analytics_events) for `around`'s month and
 * `monthsAhead` months after it, if missing (migrations/0007 explains the layout).
 * @returns how many partitions were created.
 */
export async function ensureEventPartitions(
  db: Database,
  around: Date,
  monthsAhead = EVENT_PARTITIONS_AHEAD,
): Promise<number> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{
      created: number;
    }>`SELECT ensure_analytics_event_partitions(${around}, ${monthsAhead}) AS created`.execute(tx);
    return rows[0]?.created ?? 0;
  });
}

/**
 * Ensures the partitions when the server starts, then every few hours. Scheduled with analytics'
 * background work (analytics reads the outbox), hence the task's name.
 */
export function eventPartitionTask(app: AppContext): BackgroundTask {
  const run = async () => {
    const created = await ensureEventPartitions(app.db, new Date());
    if (created > 0) app.logger.info({ created }, 'created analytics_events partitions');
  };
  return new PeriodicTask('analytics.event-partitions', MAINTENANCE_INTERVAL_MS, run, app.logger, { runAtStart: true });
}
