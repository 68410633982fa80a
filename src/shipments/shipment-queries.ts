import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { notFound } from '../platform/errors.js';
import { pointColumns, shipmentColumns, type ItemRow, type PointRow, type ShipmentRow } from './mappers.js';

/** The NOT_FOUND of a shipment that does not exist in the caller's organization (or at all). */
export const shipmentNotFound = () => notFound('shipment', 'Shipment not found.');

/** One shipment of the organization, or undefined. */
export function findShipment(work: UnitOfWork, id: string): Promise<ShipmentRow | undefined> {
  const { organizationId } = work.tenant;
  return work.tx
    .selectFrom('shipments')
    .select(shipmentColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * One shipment, locked (FOR NO KEY UPDATE) until the transaction ends: status changes and tracking
 * writers of a shipment take turns on this row.
 * @throws AppError NOT_FOUND with reason SHIPMENT_NOT_FOUND.
 */
export async function lockShipment(work: UnitOfWork, id: string): Promise<ShipmentRow> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('shipments')
    .select(shipmentColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw shipmentNotFound();
  return row;
}

/** The items of the given shipments, in line order. */
export async function loadItems(work: UnitOfWork, shipmentIds: string[]): Promise<Map<string, ItemRow[]>> {
  const { organizationId } = work.tenant;
  const byShipment = new Map<string, ItemRow[]>(shipmentIds.map((id) => [id, []]));
  if (shipmentIds.length === 0) return byShipment;
  const rows = await work.tx
    .selectFrom('shipment_items')
    .select(['shipment_id', 'product_id', 'quantity'])
    .where('organization_id', '=', organizationId)
    .where('shipment_id', 'in', shipmentIds)
    .orderBy('shipment_id')
    .orderBy('line_number')
    .execute();
  for (const row of rows) byShipment.get(row.shipment_id)?.push(row);
  return byShipment;
}

/**
 * Stored points of a shipment with a sequence after `afterSequence`, in order, at most
 * `limit`. The shipment's creation time (the partition key, read in SQL: a JS Date would drop
 * its microseconds) confines the read to the one partition holding the shipment's history.
 */
export function readPoints(
  work: UnitOfWork,
  shipmentId: string,
  afterSequence: number,
  limit: number,
): Promise<PointRow[]> {
  const { organizationId } = work.tenant;
  return work.tx
    .selectFrom('shipment_tracking')
    .select(pointColumns)
    .where('organization_id', '=', organizationId)
    .where('shipment_id', '=', shipmentId)
    .where('shipment_created_at', '=', (eb) =>
      eb
        .selectFrom('shipments')
        .select('created_at')
        .where('organization_id', '=', organizationId)
        .where('id', '=', shipmentId),
    )
    .where('sequence', '>', afterSequence)
    .orderBy('sequence')
    .limit(limit)
    .execute();
}
