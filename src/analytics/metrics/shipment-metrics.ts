import { sql } from 'kysely';
import type { UnitOfWork } from '../../platform/db/unit-of-work.js';
import type { MetricRow } from '../metric-catalogue.js';
import type { DomainFacts } from '../read-ports/domain-facts.js';
import type { DayWindow } from '../utc-day.js';
import { metricRows } from './day-window.js';

/**
 * Shipments delivered that day, by carrier (its case-insensitive key: "DHL" and "dhl" are one
 * carrier, as for tracking numbers) and in total:
 * - shipment_transit_time: mean seconds from dispatch to delivery;
 * - shipment_on_time_rate: of those with an expected delivery time, the share delivered by then.
 */
export async function shipmentMetrics(
  work: UnitOfWork,
  w: DayWindow,
  { shipments: facts }: DomainFacts,
): Promise<MetricRow[]> {
  return metricRows(
    work.tx,
    sql`
    WITH grouped AS (
      SELECT CASE WHEN grouping(carrier_key) = 0 THEN 'carrier' ELSE '' END AS dimension_kind,
             coalesce(carrier_key, '') AS dimension_value,
             count(*) AS delivered,
             round(avg(extract(epoch FROM delivered_at - shipped_at)), 3) AS seconds,
             count(*) FILTER (WHERE expected_delivery_at IS NOT NULL) AS with_expected,
             count(*) FILTER (WHERE delivered_at <= expected_delivery_at) AS on_time
      FROM (${facts.deliveriesIn(work.tenant, w)}) AS deliveries
      GROUP BY GROUPING SETS ((carrier_key), ())
    )
    SELECT 'shipment_transit_time' AS metric, dimension_kind, dimension_value, '' AS currency_code, seconds AS value, delivered AS sample_count
      FROM grouped WHERE delivered > 0
    UNION ALL
    SELECT 'shipment_on_time_rate', dimension_kind, dimension_value, '', round(on_time::numeric / with_expected, 6), with_expected
      FROM grouped WHERE with_expected > 0`,
  );
}

/** tracking_updates: tracking points stored that day. */
export async function trackingMetrics(
  work: UnitOfWork,
  w: DayWindow,
  { shipments: facts }: DomainFacts,
): Promise<MetricRow[]> {
  return metricRows(
    work.tx,
    sql`
    SELECT 'tracking_updates' AS metric, '' AS dimension_kind, '' AS dimension_value, '' AS currency_code,
           count(*)::numeric AS value, count(*) AS sample_count
    FROM (${facts.trackingPointsRecordedIn(work.tenant, w)}) AS points`,
  );
}
