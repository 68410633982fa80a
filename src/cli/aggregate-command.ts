import { analyticsFacts } from '../adapters/analytics-facts.js';
import { aggregate } from '../analytics/aggregation.js';
import { daysBetween, dayOf, parseDay } from '../analytics/utc-day.js';
import type { Database } from '../platform/db/database.js';
import { organizationProgress } from './progress.js';

const MAX_DAYS = 366;

/**
 * `imsop analytics aggregate --date D [--to D2]`: aggregates the daily metrics of those UTC days
 * for every organization now, with a progress bar. Safe while servers run their scheduled
 * aggregation: if one is aggregating right now, this fails and says so (nothing half-done).
 * @throws Error for malformed dates or a range over 366 days, or when another instance is
 *   aggregating right now.
 */
export async function aggregateCommand(
  db: Database,
  from: string | undefined,
  to: string | undefined,
): Promise<string[]> {
  const first = parseDay(from ?? dayOf(new Date()));
  const last = parseDay(to ?? from ?? dayOf(new Date()));
  if (!first || !last) throw new Error('--date and --to must be calendar dates written YYYY-MM-DD');
  const days = daysBetween(first, last);
  if (days.length === 0) throw new Error('--to must not be before --date');
  if (days.length > MAX_DAYS) throw new Error(`at most ${MAX_DAYS} days per run`);
  const progress = organizationProgress('aggregating');
  let outcome;
  try {
    outcome = await aggregate(db, analyticsFacts, {
      days,
      onProgress: (done, total) => progress.update(done, total, `${days.length} day(s)`),
    });
  } finally {
    progress.stop();
  }
  if (!outcome.ran) throw new Error('another instance is aggregating right now; try again when it has finished');
  const { organizations, rows } = outcome.result;
  return [
    `Aggregated ${days.length === 1 ? first : `${first} to ${last}`}: ${organizations} organization(s), ${rows} metric row(s).`,
  ];
}
