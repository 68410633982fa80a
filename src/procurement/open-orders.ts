import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/** Units of a product still to come: ordered less received, over approved and partially received orders. */
export async function openOrderQuantity(work: UnitOfWork, productId: string): Promise<number> {
  const { rows } = await sql<{ open: string }>`
    SELECT coalesce(sum(greatest(i.quantity_ordered - i.quantity_received, 0)), 0)::text AS open
    FROM purchase_order_items i
      JOIN purchase_orders o ON o.organization_id = i.organization_id AND o.id = i.purchase_order_id
    WHERE i.organization_id = ${work.tenant.organizationId} AND i.product_id = ${productId}
      AND o.status IN ('approved', 'partially_received')`.execute(work.tx);
  return Number(rows[0]?.open ?? 0);
}
