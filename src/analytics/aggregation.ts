import type { AppContext } from '../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import type { Database } from '../platform/db/database.js';
import { allOrganizationIds } from '../platform/db/organization-ids.js';
import type { Logger } from '../platform/logger.js';
import { aggregateDay } from './aggregate-day.js';
import { runExclusively, type Ran, type Skipped } from './exclusive-run.js';
import type { DomainFacts } from './read-ports/domain-facts.js';
import { addDays, dayOf, type Day } from './utc-day.js';

export const AGGREGATION_JOB = 'analytics.aggregate';

export interface AggregationReport {
  days: Day[];
  organizations: number;
  /** Metric rows stored, over all organizations and days. */
  rows: number;
}

export interface AggregationOptions {
  /** The UTC days to aggregate. */
  days: Day[];
  /** Only these organizations; default every organization. */
  organizationIds?: string[];
  /** Called after each organization, for progress output. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Aggregates the given days for every organization (or the given ones), each organization and
 * day in its own tenant transaction under row level security: a failure stops the run but leaves
 * what was done, and re-running simply recomputes. Exclusive across instances: when another
 * instance is aggregating right now this returns `{ ran: false, reason: 'busy' }` and does
 * nothing. With `every` (scheduled runs) it also does nothing when any instance already ran it
 * within that many milliseconds.
 */
export async function aggregate(
  db: Database,
  facts: DomainFacts,
  options: AggregationOptions,
  every?: number,
): Promise<Ran<AggregationReport> | Skipped> {
  return runExclusively(
    db,
    AGGREGATION_JOB,
    async () => {
      const organizations = options.organizationIds ?? (await allOrganizationIds(db));
      let rows = 0;
      let done = 0;
      for (const organizationId of organizations) {
        for (const day of options.days) {
          rows += (await db.inTenant({ organizationId }, (work) => aggregateDay(work, facts, day))).length;
        }
        options.onProgress?.(++done, organizations.length);
      }
      return { days: options.days, organizations: organizations.length, rows };
    },
    every,
  );
}

/**
 * The scheduled aggregation: today so far and yesterday (whose last hours may have been
 * aggregated before they happened), once per ANALYTICS_AGGREGATION_INTERVAL_MS across all
 * instances. Each instance checks every minute (or every interval, if shorter) whether a run is
 * due, so the schedule survives restarts and any one instance can carry it.
 */
export function aggregationTask(app: AppContext, facts: DomainFacts): BackgroundTask {
  const interval = app.config.ANALYTICS_AGGREGATION_INTERVAL_MS;
  return new PeriodicTask(
    'analytics.aggregation',
    Math.min(interval, 60_000),
    () => scheduledAggregation(app.db, facts, interval, app.logger),
    app.logger,
  );
}

async function scheduledAggregation(db: Database, facts: DomainFacts, interval: number, logger: Logger): Promise<void> {
  const today = dayOf(new Date());
  const outcome = await aggregate(db, facts, { days: [addDays(today, -1), today] }, interval);
  if (outcome.ran) logger.info({ ...outcome.result }, 'aggregated analytics metrics');
}
