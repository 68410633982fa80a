import { sql } from 'kysely';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { MetricRow } from '../metric-catalogue.js';
import { metricRows, type DayWindow } from './day-window.js';

/**
 * Stock position at the end of the day (inventory_value, inventory_units, stock_outs,
 * low_stock), per warehouse and in total.
 *
 * Each level's balance at the end of the day is its current balance minus what the ledger
 * changed since (design rule 6: the ledger always sums to the level). For today and
 * yesterday, which is what the schedule aggregates, that reads only the newest ledger rows, and
 * the result for a past day never changes once its ledger is complete. Values use each
 * product's current unit cost (a cost history is not kept); levels of products without a cost
 * count for units and stock-outs but not for value.
 */
export async function stockPositionMetrics(work: UnitOfWork, w: DayWindow): Promise<MetricRow[]> {
  const org = work.tenant.organizationId;
  return metricRows(
    work.tx,
    sql`
    WITH since_end AS (
      SELECT warehouse_id, product_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
      FROM inventory_transactions
      WHERE organization_id = ${org} AND created_at >= ${w.end}
      GROUP BY warehouse_id, product_id
    ), levels AS (
      SELECT i.warehouse_id, i.quantity_on_hand - coalesce(s.on_hand, 0) AS on_hand,
             i.quantity_reserved - coalesce(s.reserved, 0) AS reserved, i.reorder_point,
             p.unit_cost, p.unit_cost_currency
      FROM inventory i
      JOIN products p ON p.organization_id = i.organization_id AND p.id = i.product_id
      LEFT JOIN since_end s ON s.warehouse_id = i.warehouse_id AND s.product_id = i.product_id
      WHERE i.organization_id = ${org} AND p.organization_id = ${org} AND i.created_at < ${w.end}
    ), counts AS (
      SELECT CASE WHEN grouping(warehouse_id) = 0 THEN 'warehouse' ELSE '' END AS dimension_kind,
             coalesce(warehouse_id::text, '') AS dimension_value,
             count(*) AS levels,
             coalesce(sum(on_hand), 0) AS units,
             count(*) FILTER (WHERE on_hand - reserved <= 0) AS stock_outs,
             count(*) FILTER (WHERE on_hand - reserved > 0 AND on_hand - reserved <= reorder_point) AS low_stock
      FROM levels
      GROUP BY GROUPING SETS ((warehouse_id), ())
    ), values_by_currency AS (
      SELECT CASE WHEN grouping(warehouse_id) = 0 THEN 'warehouse' ELSE '' END AS dimension_kind,
             coalesce(warehouse_id::text, '') AS dimension_value,
             unit_cost_currency AS currency_code,
             sum(on_hand * unit_cost) AS value,
             count(*) AS levels
      FROM levels
      WHERE unit_cost IS NOT NULL
      GROUP BY GROUPING SETS ((warehouse_id, unit_cost_currency), (unit_cost_currency))
    )
    SELECT 'inventory_units' AS metric, dimension_kind, dimension_value, '' AS currency_code, units::numeric AS value, levels AS sample_count FROM counts
    UNION ALL
    SELECT 'stock_outs', dimension_kind, dimension_value, '', stock_outs, levels FROM counts
    UNION ALL
    SELECT 'low_stock', dimension_kind, dimension_value, '', low_stock, levels FROM counts
    UNION ALL
    SELECT 'inventory_value', dimension_kind, dimension_value, currency_code, value, levels FROM values_by_currency`,
  );
}

/**
 * The day's stock ledger entries (stock_movements by movement type, by warehouse and in total;
 * stock_movement_units by movement type and in total). Units are the on-hand change, or the
 * reserved change for entries that only reserve or free stock, as absolute values.
 */
export async function stockMovementMetrics(work: UnitOfWork, w: DayWindow): Promise<MetricRow[]> {
  const org = work.tenant.organizationId;
  return metricRows(
    work.tx,
    sql`
    WITH grouped AS (
      SELECT CASE WHEN grouping(type) = 0 THEN 'movement_type' WHEN grouping(warehouse_id) = 0 THEN 'warehouse' ELSE '' END AS dimension_kind,
             coalesce(type, warehouse_id::text, '') AS dimension_value,
             count(*) AS entries,
             coalesce(sum(abs(CASE WHEN type IN ('reserve', 'release', 'expire') THEN reserved_delta ELSE on_hand_delta END)), 0) AS units
      FROM inventory_transactions
      WHERE organization_id = ${org} AND created_at >= ${w.start} AND created_at < ${w.end}
      GROUP BY GROUPING SETS ((type), (warehouse_id), ())
    )
    SELECT 'stock_movements' AS metric, dimension_kind, dimension_value, '' AS currency_code, entries::numeric AS value, entries AS sample_count FROM grouped
    UNION ALL
    SELECT 'stock_movement_units', dimension_kind, dimension_value, '', units, entries FROM grouped WHERE dimension_kind <> 'warehouse'`,
  );
}
