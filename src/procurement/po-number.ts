import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';

/**
 * The organization's next purchase order number, gapless and race-free: one counter row per
 * organization, advanced by a single upsert in the transaction that creates the order. The row
 * lock it takes makes concurrent creates of one organization wait for each other (never the
 * same number), and a create that rolls back rolls its number back too (no gap). The wait is
 * as short as the creating transaction, so allocate the number late in it.
 */
export async function nextPurchaseOrderNumber(work: UnitOfWork): Promise<number> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .insertInto('purchase_order_counters')
    .values({ organization_id: organizationId, last_number: 1 })
    .onConflict((oc) =>
      oc.column('organization_id').doUpdateSet({ last_number: sql`purchase_order_counters.last_number + 1` }),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}
