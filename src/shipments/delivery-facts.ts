import { sql, type RawBuilder } from 'kysely';

/**
 * Shipments' delivery and tracking history as queries over its own tables, for readers outside
 * the domain (analytics' daily metrics, through src/adapters/). Each returns a SQL relation the
 * reader embeds in its own statement, inside its own tenant transaction.
 */

/**
 * Shipments delivered in [start, end). Columns: carrier_key (the carrier's case-insensitive
 * key), shipped_at, delivered_at, expected_delivery_at.
 */
export function deliveriesBetween(
  organizationId: string,
  start: Date,
  end: Date,
): RawBuilder<{ carrier_key: string; shipped_at: Date; delivered_at: Date; expected_delivery_at: Date | null }> {
  return sql`
    SELECT carrier_key, shipped_at, delivered_at, expected_delivery_at
    FROM shipments
    WHERE organization_id = ${organizationId} AND status = 'delivered' AND delivered_at >= ${start} AND delivered_at < ${end}`;
}

/**
 * Tracking points stored in [start, end). Column: recorded_at. A point is never stored before
 * its shipment exists, so month partitions of shipments created after `end` are not read.
 */
export function trackingPointsRecordedBetween(
  organizationId: string,
  start: Date,
  end: Date,
): RawBuilder<{ recorded_at: Date }> {
  return sql`
    SELECT recorded_at
    FROM shipment_tracking
    WHERE organization_id = ${organizationId} AND recorded_at >= ${start} AND recorded_at < ${end} AND shipment_created_at < ${end}`;
}
