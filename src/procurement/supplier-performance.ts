import { sql } from 'kysely';
import type { SupplierPerformance } from '../../gen/ts/imsop/procurement/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { NO_PERFORMANCE } from './mappers.js';
import { PLACED_STATES } from './purchase-order-status.js';

/**
 * Delivery performance of some suppliers, derived on read from their orders' lines and receipts
 * (always consistent with them; two grouped queries per call, whatever the number of
 * suppliers). Exported for analytics, which reports the same figures.
 *
 * - A line is *measured* once it is fully received or its expected date (UTC) has passed.
 * - on_time_rate: measured lines fully received on or before their expected date (UTC day).
 * - fill_rate: units received (capped at the ordered quantity per line) / units ordered,
 *   over measured lines.
 * - average_lead_time_days: mean time from the order's approval to each receipt against it.
 *
 * @returns one entry per requested supplier (NO_PERFORMANCE when there is nothing to measure).
 */
export async function supplierPerformance(
  work: UnitOfWork,
  supplierIds: readonly string[],
): Promise<Map<string, SupplierPerformance>> {
  const { organizationId } = work.tenant;
  const result = new Map<string, SupplierPerformance>(supplierIds.map((id) => [id, { ...NO_PERFORMANCE }]));
  if (supplierIds.length === 0) return result;
  const ids = [...new Set(supplierIds)];

  const lines = await work.tx
    .selectFrom('purchase_order_items as i')
    .innerJoin('purchase_orders as po', (join) =>
      join.onRef('po.organization_id', '=', 'i.organization_id').onRef('po.id', '=', 'i.purchase_order_id'),
    )
    .select([
      'po.supplier_id',
      sql<number>`count(*)::int`.as('measured'),
      sql<number>`(count(*) FILTER (WHERE (i.fully_received_at AT TIME ZONE 'UTC')::date <= i.expected_date))::int`.as(
        'on_time',
      ),
      sql<number>`sum(least(i.quantity_received, i.quantity_ordered))::float8`.as('filled'),
      sql<number>`sum(i.quantity_ordered)::float8`.as('ordered'),
    ])
    .where('i.organization_id', '=', organizationId)
    .where('po.organization_id', '=', organizationId)
    .where('po.supplier_id', 'in', ids)
    .where('po.status', 'in', PLACED_STATES)
    .where((eb) =>
      eb.or([
        eb('i.fully_received_at', 'is not', null),
        eb('i.expected_date', '<', sql<Date>`(now() AT TIME ZONE 'UTC')::date`),
      ]),
    )
    .groupBy('po.supplier_id')
    .execute();
  for (const row of lines) {
    const p = result.get(row.supplier_id)!;
    p.measuredLineCount = row.measured;
    p.onTimeRate = row.on_time / row.measured;
    p.fillRate = row.ordered > 0 ? row.filled / row.ordered : undefined;
  }

  const receipts = await work.tx
    .selectFrom('receipts as r')
    .innerJoin('purchase_orders as po', (join) =>
      join.onRef('po.organization_id', '=', 'r.organization_id').onRef('po.id', '=', 'r.purchase_order_id'),
    )
    .select([
      'po.supplier_id',
      sql<number>`count(*)::int`.as('receipts'),
      sql<number>`(avg(extract(epoch FROM r.received_at - po.approved_at)) / 86400)::float8`.as('average_days'),
    ])
    .where('r.organization_id', '=', organizationId)
    .where('po.organization_id', '=', organizationId)
    .where('po.supplier_id', 'in', ids)
    .groupBy('po.supplier_id')
    .execute();
  for (const row of receipts) {
    const p = result.get(row.supplier_id)!;
    p.receiptCount = row.receipts;
    p.averageLeadTimeDays = row.average_days;
  }
  return result;
}
