import { sql } from 'kysely';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { MetricRow } from '../metric-catalogue.js';
import type { DomainFacts } from '../read-ports/domain-facts.js';
import type { DayWindow } from '../utc-day.js';
import { metricRows } from './day-window.js';

/**
 * Purchase orders by supplier and in total:
 * - purchase_orders_submitted / purchase_order_value (per currency): orders submitted that day,
 *   whatever happened to them afterwards;
 * - purchase_order_cycle_time: mean seconds from submission to full receipt of the orders that
 *   became fully received that day.
 */
export async function purchaseOrderMetrics(
  work: UnitOfWork,
  w: DayWindow,
  { procurement: facts }: DomainFacts,
): Promise<MetricRow[]> {
  return metricRows(
    work.tx,
    sql`
    WITH submitted AS (
      SELECT CASE WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE '' END AS dimension_kind,
             coalesce(supplier_id::text, '') AS dimension_value,
             CASE WHEN grouping(currency_code) = 0 THEN currency_code ELSE '' END AS currency_code,
             count(*) AS orders,
             coalesce(sum(total_amount), 0) AS amount
      FROM (${facts.ordersSubmittedIn(work.tenant, w)}) AS submitted_orders
      GROUP BY GROUPING SETS ((supplier_id, currency_code), (supplier_id), (currency_code), ())
    ), received AS (
      SELECT CASE WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE '' END AS dimension_kind,
             coalesce(supplier_id::text, '') AS dimension_value,
             count(*) AS orders,
             round(avg(extract(epoch FROM received_at - submitted_at)), 3) AS seconds
      FROM (${facts.ordersReceivedIn(work.tenant, w)}) AS received_orders
      GROUP BY GROUPING SETS ((supplier_id), ())
    )
    SELECT 'purchase_orders_submitted' AS metric, dimension_kind, dimension_value, '' AS currency_code, orders::numeric AS value, orders AS sample_count
      FROM submitted WHERE currency_code = ''
    UNION ALL
    SELECT 'purchase_order_value', dimension_kind, dimension_value, currency_code, amount, orders FROM submitted WHERE currency_code <> ''
    UNION ALL
    SELECT 'purchase_order_cycle_time', dimension_kind, dimension_value, '', seconds, orders FROM received WHERE orders > 0`,
  );
}

/**
 * Supplier delivery performance of the order lines due that day (on orders placed with the
 * supplier, ProcurementFacts.linesDueOn), by supplier and in total:
 * - supplier_on_time_rate: lines fully received by the end of their due day (UTC), the same rule
 *   as procurement's supplier performance;
 * - supplier_fill_rate: units received by the end of the due day (capped at the ordered quantity
 *   per line) over units ordered; its sample count is the units ordered, so that several days
 *   combine into the exact rate.
 * Both come from receipt times, so a day's figures no longer change once it is over.
 */
export async function supplierMetrics(
  work: UnitOfWork,
  w: DayWindow,
  { procurement: facts }: DomainFacts,
): Promise<MetricRow[]> {
  return metricRows(
    work.tx,
    sql`
    WITH due AS (${facts.linesDueOn(work.tenant, w)}), grouped AS (
      SELECT CASE WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE '' END AS dimension_kind,
             coalesce(supplier_id::text, '') AS dimension_value,
             count(*) AS lines,
             count(*) FILTER (WHERE on_time) AS on_time,
             sum(filled) AS filled,
             sum(quantity_ordered) AS ordered
      FROM due
      GROUP BY GROUPING SETS ((supplier_id), ())
    )
    SELECT 'supplier_on_time_rate' AS metric, dimension_kind, dimension_value, '' AS currency_code,
           round(on_time::numeric / lines, 6) AS value, lines AS sample_count
      FROM grouped WHERE lines > 0
    UNION ALL
    SELECT 'supplier_fill_rate', dimension_kind, dimension_value, '', round(filled::numeric / ordered, 6), ordered
      FROM grouped WHERE lines > 0 AND ordered > 0`,
  );
}
