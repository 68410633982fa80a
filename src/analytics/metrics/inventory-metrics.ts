import { sql } from 'kysely';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { MetricRow } from '../metric-catalogue.js';
import type { DomainFacts } from '../read-ports/domain-facts.js';
import type { DayWindow } from '../utc-day.js';
import { metricRows } from './day-window.js';

/**
 * Stock position at the end of the day (inventory_value, inventory_units, stock_outs,
 * low_stock), per warehouse and in total, over the levels as inventory says they stood then
 * (StockFacts.levelsAtEndOf: for today and yesterday, what the schedule aggregates, that reads
 * only the newest ledger rows, and a past day's answer never changes once its ledger is
 * complete). A level is out of stock when nothing is available, low when what is available is
 * at most its reorder point. Values use each product's current unit cost; levels of products
 * without a cost count for units and stock-outs but not for value.
 */
export async function stockPositionMetrics(
  work: UnitOfWork,
  w: DayWindow,
  { stock: facts }: DomainFacts,
): Promise<MetricRow[]> {
  return metricRows(
    work.tx,
    sql`
    WITH levels AS (${facts.levelsAtEndOf(work.tenant, w)}), counts AS (
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
 * stock_movement_units by movement type and in total), with the units each entry moved as
 * inventory counts them (StockFacts.movementsIn).
 */
export async function stockMovementMetrics(
  work: UnitOfWork,
  w: DayWindow,
  { stock: facts }: DomainFacts,
): Promise<MetricRow[]> {
  return metricRows(
    work.tx,
    sql`
    WITH grouped AS (
      SELECT CASE WHEN grouping(type) = 0 THEN 'movement_type' WHEN grouping(warehouse_id) = 0 THEN 'warehouse' ELSE '' END AS dimension_kind,
             coalesce(type, warehouse_id::text, '') AS dimension_value,
             count(*) AS entries,
             coalesce(sum(units), 0) AS units
      FROM (${facts.movementsIn(work.tenant, w)}) AS movements
      GROUP BY GROUPING SETS ((type), (warehouse_id), ())
    )
    SELECT 'stock_movements' AS metric, dimension_kind, dimension_value, '' AS currency_code, entries::numeric AS value, entries AS sample_count FROM grouped
    UNION ALL
    SELECT 'stock_movement_units', dimension_kind, dimension_value, '', units, entries FROM grouped WHERE dimension_kind <> 'warehouse'`,
  );
}
