import { sql, type RawBuilder } from 'kysely';
import { PLACED_STATES } from './purchase-order-status.js';

/**
 * Procurement's order history as queries over its own tables, for readers outside the domain
 * (analytics' daily metrics, through src/adapters/). Each returns a SQL relation the reader
 * embeds in its own statement, inside its own tenant transaction.
 */

/** Orders submitted in [start, end), whatever happened to them afterwards. Columns: supplier_id, currency_code, total_amount. */
export function ordersSubmittedBetween(
  organizationId: string,
  start: Date,
  end: Date,
): RawBuilder<{ supplier_id: string; currency_code: string; total_amount: string }> {
  return sql`
    SELECT supplier_id, currency_code, total_amount
    FROM purchase_orders
    WHERE organization_id = ${organizationId} AND submitted_at >= ${start} AND submitted_at < ${end}`;
}

/** Orders that became fully received in [start, end). Columns: supplier_id, submitted_at, received_at. */
export function ordersReceivedBetween(
  organizationId: string,
  start: Date,
  end: Date,
): RawBuilder<{ supplier_id: string; submitted_at: Date; received_at: Date }> {
  return sql`
    SELECT supplier_id, submitted_at, received_at
    FROM purchase_orders
    WHERE organization_id = ${organizationId} AND received_at >= ${start} AND received_at < ${end}`;
}

/**
 * The lines due on the UTC day [dayStart, dayEnd) (expected_date = that day) of orders placed
 * with their supplier, as delivered by the end of the day: the same rule as the supplier
 * performance (on time = fully received by the end of the due day), with the units from the
 * receipts, so a day's answer no longer changes once it is over.
 *
 * Columns: supplier_id, quantity_ordered, on_time, filled (units received before dayEnd, at most
 * the ordered quantity).
 */
export function orderLinesDueOn(
  organizationId: string,
  dayStart: Date,
  dayEnd: Date,
): RawBuilder<{ supplier_id: string; quantity_ordered: number; on_time: boolean; filled: number }> {
  const org = organizationId;
  const placed = sql.join(PLACED_STATES.map((state) => sql.lit(state)));
  return sql`
    SELECT po.supplier_id, i.quantity_ordered,
           (i.fully_received_at IS NOT NULL AND i.fully_received_at < ${dayEnd}) AS on_time,
           least(i.quantity_ordered, coalesce((
             SELECT sum(l.quantity) FROM receipt_lines l
             JOIN receipts r ON r.organization_id = l.organization_id AND r.id = l.receipt_id
             WHERE l.organization_id = ${org} AND r.organization_id = ${org} AND l.purchase_order_item_id = i.id
               AND r.received_at < ${dayEnd}), 0)) AS filled
    FROM purchase_order_items i
    JOIN purchase_orders po ON po.organization_id = i.organization_id AND po.id = i.purchase_order_id
    WHERE i.organization_id = ${org} AND po.organization_id = ${org}
      AND i.expected_date = (${dayStart}::timestamptz AT TIME ZONE 'UTC')::date
      AND po.status IN (${placed})`;
}
