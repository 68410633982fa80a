import { sql, type RawBuilder } from 'kysely';

/**
 * Inventory's stock history as queries over its own tables, for readers outside the domain
 * (analytics' daily metrics, through src/adapters/). Each returns a SQL relation the reader
 * embeds in its own statement, inside its own tenant transaction.
 */

/**
 * Every stock level of the organization that existed at `at`, with its balance as it stood
 * then: the current balance minus what the ledger changed since (design rule 6: the ledger
 * always sums to the level). For a recent instant that reads only the newest ledger rows, and
 * the answer for a past instant never changes once its ledger is complete. Each level carries
 * its product's current unit cost (a cost history is not kept).
 *
 * Columns: warehouse_id, on_hand, reserved, reorder_point, unit_cost (null when the product has
 * none), unit_cost_currency.
 */
export function stockLevelsAt(
  organizationId: string,
  at: Date,
): RawBuilder<{
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  reorder_point: number;
  unit_cost: string | null;
  unit_cost_currency: string;
}> {
  const org = organizationId;
  return sql`
    WITH since AS (
      SELECT warehouse_id, product_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
      FROM inventory_transactions
      WHERE organization_id = ${org} AND created_at >= ${at}
      GROUP BY warehouse_id, product_id
    )
    SELECT i.warehouse_id, i.quantity_on_hand - coalesce(s.on_hand, 0) AS on_hand,
           i.quantity_reserved - coalesce(s.reserved, 0) AS reserved, i.reorder_point,
           p.unit_cost, p.unit_cost_currency
    FROM inventory i
    JOIN products p ON p.organization_id = i.organization_id AND p.id = i.product_id
    LEFT JOIN since s ON s.warehouse_id = i.warehouse_id AND s.product_id = i.product_id
    WHERE i.organization_id = ${org} AND p.organization_id = ${org} AND i.created_at < ${at}`;
}

/**
 * The organization's stock ledger entries made in [start, end). Columns: type, warehouse_id,
 * units: the absolute on-hand change, or the reserved change for the entries that only reserve
 * or free stock (reserve, release, expire).
 */
export function stockMovementsBetween(
  organizationId: string,
  start: Date,
  end: Date,
): RawBuilder<{ type: string; warehouse_id: string; units: number }> {
  return sql`
    SELECT type, warehouse_id, abs(CASE WHEN type IN ('reserve', 'release', 'expire') THEN reserved_delta ELSE on_hand_delta END) AS units
    FROM inventory_transactions
    WHERE organization_id = ${organizationId} AND created_at >= ${start} AND created_at < ${end}`;
}
