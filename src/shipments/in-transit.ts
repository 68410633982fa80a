import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/**
 * Units of a product on their way to each warehouse: items of inbound and transfer shipments that
 * were dispatched (shipped_at set) and are neither delivered nor cancelled, by destination.
 */
export async function inTransitByWarehouse(work: UnitOfWork, productId: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ warehouse_id: string; quantity: string }>`
    SELECT s.destination_warehouse_id AS warehouse_id, sum(i.quantity)::text AS quantity
    FROM shipment_items i
      JOIN shipments s ON s.organization_id = i.organization_id AND s.id = i.shipment_id
    WHERE i.organization_id = ${work.tenant.organizationId} AND i.product_id = ${productId}
      AND s.destination_warehouse_id IS NOT NULL AND s.shipped_at IS NOT NULL
      AND s.status NOT IN ('delivered', 'cancelled')
    GROUP BY s.destination_warehouse_id`.execute(work.tx);
  return new Map(rows.map((r) => [r.warehouse_id, Number(r.quantity)]));
}
