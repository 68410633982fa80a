import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import type { MetricRow } from './metric-catalogue.js';
import type { MetricFamily } from './metrics/day-window.js';
import { purchaseOrderMetrics, supplierMetrics } from './metrics/procurement-metrics.js';
import { shipmentMetrics, trackingMetrics } from './metrics/shipment-metrics.js';
import { stockMovementMetrics, stockPositionMetrics } from './metrics/inventory-metrics.js';
import type { DomainFacts } from './read-ports/domain-facts.js';
import { startOf, addDays, type Day } from './utc-day.js';

/** Rows per INSERT: 8 parameters each stays far below PostgreSQL's 65535 per statement. */
const INSERT_CHUNK = 2000;

const FAMILIES: readonly MetricFamily[] = [
  stockPositionMetrics,
  stockMovementMetrics,
  purchaseOrderMetrics,
  supplierMetrics,
  shipmentMetrics,
  trackingMetrics,
];

/**
 * Computes every metric of one organization for one UTC day, from the facts the owning domains
 * give through `facts` (analytics reads no other domain's tables), and makes analytics_metrics
 * hold exactly that: rows are upserted, and the day's rows that were not computed this time (a
 * dimension value with nothing left to count) are deleted, all in the caller's unit of work
 * (whose tenant is the organization). Running it twice gives the same rows; nothing is ever
 * added up across runs.
 * @returns the rows now stored for the day.
 */
export async function aggregateDay(work: UnitOfWork, facts: DomainFacts, day: Day): Promise<MetricRow[]> {
  const { tx } = work;
  const { organizationId } = work.tenant;
  const window = { start: startOf(day), end: startOf(addDays(day, 1)) };
  const rows: MetricRow[] = [];
  for (const family of FAMILIES) rows.push(...(await family(work, window, facts)));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx
      .insertInto('analytics_metrics')
      .values(rows.slice(i, i + INSERT_CHUNK).map((r) => ({ organization_id: organizationId, day, ...r })))
      .onConflict((oc) =>
        oc
          .columns(['organization_id', 'metric', 'dimension_kind', 'dimension_value', 'currency_code', 'day'])
          .doUpdateSet({
            value: sql`excluded.value`,
            sample_count: sql`excluded.sample_count`,
            computed_at: sql`excluded.computed_at`,
          }),
      )
      .execute();
  }
  // Every row written above carries this transaction's now(); older ones are what disappeared.
  await tx
    .deleteFrom('analytics_metrics')
    .where('organization_id', '=', organizationId)
    .where('day', '=', sql<Date>`${day}::date`)
    .where('computed_at', '<', sql<Date>`now()`)
    .execute();
  return rows;
}
