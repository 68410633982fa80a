import { sql } from 'kysely';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { MetricRow } from '../metric-catalogue.js';
import { metricRows, type DayWindow } from './day-window.js';

/** Orders placed with a supplier: approved, and not cancelled (as procurement measures them). */
const PLACED = sql`('approved', 'partially_received', 'received', 'closed')`;

/**
 * Purchase orders by supplier and in total:
 * - purchase_orders_submitted / purchase_order_value (per currency): orders submitted that day,
 *   whatever happened to them afterwards;
 * - purchase_order_cycle_time: mean seconds from submission to full receipt of the orders that
 *   became fully received that day.
 */
export async function purchaseOrderMetrics(work: UnitOfWork, w: DayWindow): Promise<MetricRow[]> {
  const org = work.tenant.organizationId;
  return metricRows(
    work.tx,
    sql`
    WITH submitted AS (
      SELECT CASE WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE '' END AS dimension_kind,
             coalesce(supplier_id::text, '') AS dimension_value,
             CASE WHEN grouping(currency_code) = 0 THEN currency_code ELSE '' END AS currency_code,
             count(*) AS orders,
             coalesce(sum(total_amount), 0) AS amount
      FROM purchase_orders
      WHERE organization_id = ${org} AND submitted_at >= ${w.start} AND submitted_at < ${w.end}
      GROUP BY GROUPING SETS ((supplier_id, currency_code), (supplier_id), (currency_code), ())
    ), received AS (
      SELECT CASE WHEN grouping(supplier_id) = 0 THEN 'supplier' ELSE '' END AS dimension_kind,
             coalesce(supplier_id::text, '') AS dimension_value,
             count(*) AS orders,
             round(avg(extract(epoch FROM received_at - submitted_at)), 3) AS seconds
      FROM purchase_orders
      WHERE organization_id = ${org} AND received_at >= ${w.start} AND received_at < ${w.end}
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
 * Supplier delivery performance of the order lines due that day (expected_date = the day, on
 * orders placed with the supplier), by supplier and in total:
 * - supplier_on_time_rate: lines fully received by the end of their due day (UTC), the same rule
 *   as procurement's supplier performance;
 * - supplier_fill_rate: units received by the end of the due day (from the receipts, capped at
 *   the ordered quantity per line) over units ordered; its sample count is the units ordered, so
 *   that several days combine into the exact rate.
 * Both come from receipt times, so a day's figures no longer change once it is over.
 */
export async function supplierMetrics(work: UnitOfWork, w: DayWindow): Promise<MetricRow[]> {
  const org = work.tenant.organizationId;
  return metricRows(
    work.tx,
    sql`
    WITH due AS (
      SELECT po.supplier_id, i.quantity_ordered,
             (i.fully_received_at IS NOT NULL AND i.fully_received_at < ${w.end}) AS on_time,
             least(i.quantity_ordered, coalesce((
               SELECT sum(l.quantity) FROM receipt_lines l
               JOIN receipts r ON r.organization_id = l.organization_id AND r.id = l.receipt_id
               WHERE l.organization_id = ${org} AND r.organization_id = ${org} AND l.purchase_order_item_id = i.id
                 AND r.received_at < ${w.end}), 0)) AS filled
      FROM purchase_order_items i
      JOIN purchase_orders po ON po.organization_id = i.organization_id AND po.id = i.purchase_order_id
      WHERE i.organization_id = ${org} AND po.organization_id = ${org}
        AND i.expected_date = (${w.start}::timestamptz AT TIME ZONE 'UTC')::date
        AND po.status IN ${PLACED}
    ), grouped AS (
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
