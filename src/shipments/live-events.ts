import type { Bus } from '../platform/bus/bus.js';
import type { Logger } from '../platform/logger.js';
import type { PointRow, ShipmentRow } from './mappers.js';

/**
 * What travels on the bus after a commit: newly stored tracking points, grouped by shipment,
 * with the shipment's state after them (the organization feed filters on it). JSON, so dates
 * are ISO strings. Two channels: one per shipment (WatchShipment listens to one shipment
 * without seeing the organization's whole traffic) and one per organization (the feed).
 */
export interface LivePoint {
  shipment_id: string;
  sequence: number;
  update_id: string | null;
  location: string;
  latitude: number | null;
  longitude: number | null;
  event_time: string;
  recorded_at: string;
  status: string | null;
  note: string;
}

export interface LiveShipment {
  id: string;
  type: string;
  status: string;
  carrier: string;
  tracking_number: string | null;
  origin_warehouse_id: string | null;
  destination_warehouse_id: string | null;
}

/** The points one transaction stored for one shipment. */
export interface ShipmentPoints {
  shipment: LiveShipment;
  points: LivePoint[];
}

export const shipmentChannel = (organizationId: string, shipmentId: string) =>
  `shipments.tracking.${organizationId}.${shipmentId}`;
export const feedChannel = (organizationId: string) => `shipments.feed.${organizationId}`;

export function toLiveShipment(row: Pick<ShipmentRow, keyof LiveShipment>): LiveShipment {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    carrier: row.carrier,
    tracking_number: row.tracking_number,
    origin_warehouse_id: row.origin_warehouse_id,
    destination_warehouse_id: row.destination_warehouse_id,
  };
}

export function toLivePoint(row: PointRow): LivePoint {
  return {
    ...row,
    sequence: Number(row.sequence),
    event_time: row.event_time.toISOString(),
    recorded_at: row.recorded_at.toISOString(),
  };
}

export function fromLivePoint(point: LivePoint): PointRow {
  return { ...point, event_time: new Date(point.event_time), recorded_at: new Date(point.recorded_at) };
}

/** A bus message as ShipmentPoints, or undefined when it is not one (never trust the wire). */
export function asShipmentPoints(message: unknown): ShipmentPoints | undefined {
  const m = message as Partial<ShipmentPoints> | null;
  if (!m || typeof m !== 'object' || !m.shipment || typeof m.shipment.id !== 'string' || !Array.isArray(m.points))
    return undefined;
  return m as ShipmentPoints;
}

/**
 * Publishes what a committed transaction stored. Call it only after commit (afterCommit): a
 * watcher must never see a point that could still roll back. Not awaited by the writer's ack
 * path: a bus failure is logged, and watchers recover the point from the database (the next
 * point reveals the gap, an idle watcher polls).
 */
export function publishStoredPoints(bus: Bus, logger: Logger, organizationId: string, batches: ShipmentPoints[]): void {
  if (batches.length === 0) return;
  const failed = (error: unknown) =>
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'publishing tracking points failed');
  for (const batch of batches) bus.publish(shipmentChannel(organizationId, batch.shipment.id), batch).catch(failed);
  bus.publish(feedChannel(organizationId), batches).catch(failed);
}
