import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import { organizationIds } from '../platform/db/organization-ids.js';

const HOUR_MS = 3_600_000;
/** Attempts deleted per statement: short transactions, however long the log grew. */
const BATCH = 5000;

/**
 * Keeps the delivery log bounded: every hour, in each organization's own transaction, deletes
 * the attempts older than WEBHOOKS_LOG_RETENTION_DAYS, a batch at a time. Safe on several
 * instances at once (a row deleted twice is deleted once).
 */
export function deliveryLogRetentionTask(app: AppContext): BackgroundTask {
  return new PeriodicTask(
    'webhooks.log_retention',
    HOUR_MS,
    async () => void (await pruneDeliveryLog(app)),
    app.logger,
    {
      runAtStart: true,
    },
  );
}

/** @returns how many attempts were deleted. */
export async function pruneDeliveryLog(app: AppContext): Promise<number> {
  const days = app.config.WEBHOOKS_LOG_RETENTION_DAYS;
  let deleted = 0;
  for await (const organizationId of organizationIds(app.db)) {
    for (;;) {
      const batch = await app.db.inTenant({ organizationId }, async (work) => {
        const result = await work.tx
          .deleteFrom('webhook_deliveries')
          .where('organization_id', '=', organizationId)
          .where(
            'id',
            'in',
            work.tx
              .selectFrom('webhook_deliveries')
              .select('id')
              .where('organization_id', '=', organizationId)
              .where('attempted_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
              .limit(BATCH),
          )
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
      deleted += batch;
      if (batch < BATCH) break;
    }
  }
  return deleted;
}
