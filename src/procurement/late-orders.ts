import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../platform/background-task.js';
import { recordChanges } from '../platform/change-feed/record-change.js';
import { resourcesWithEvent } from '../platform/change-feed/recorded-events.js';
import { domainEvent } from '../platform/change-feed/resource-change.js';
import type { Database } from '../platform/db/database.js';
import { organizationIds } from '../platform/db/organization-ids.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { PURCHASE_ORDER, purchaseOrderJson } from './change-events.js';
import { purchaseOrderColumns, toPurchaseOrder } from './mappers.js';
import { loadItemsOf } from './purchase-order-queries.js';
import type { PurchaseOrderState } from './purchase-order-status.js';

export const PURCHASE_ORDER_LATE = 'purchase_order.late';

/** Orders placed with the supplier and still waiting for goods: the ones that can be late. */
const AWAITING_GOODS: readonly PurchaseOrderState[] = ['approved', 'partially_received'];

/** Orders marked late per tenant transaction. */
const BATCH = 100;

/**
 * Records `purchase_order.late` for the organization's orders that became late, once per order:
 * an order placed with its supplier (approved or partially received) is late once the expected
 * date of one of its open lines (fewer units received than ordered) has passed, i.e. that UTC
 * day is over, the rule supplier performance uses for "on time". The event carries the order as
 * it stands, recorded by the system.
 *
 * Once: an order is only a candidate while no late event is recorded for it, and only when its
 * earliest open line fell due within the last `lookbackDays` (less than the change feed keeps
 * events, so the record it checks is still there). Orders are claimed with SKIP LOCKED and
 * checked again once locked, so instances sweeping at once never record one twice, and a receipt
 * in flight on an order (which holds its lock) is not raced: the order is looked at next sweep.
 *
 * @returns how many orders were recorded late.
 */
export async function recordLateOrders(work: UnitOfWork, lookbackDays: number): Promise<number> {
  const { organizationId } = work.tenant;
  let recorded = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await work.tx
      .selectFrom('purchase_orders as po')
      .select(purchaseOrderColumns.map((c) => `po.${c}` as const))
      .where('po.organization_id', '=', organizationId)
      .where('po.status', 'in', AWAITING_GOODS)
      .where(
        sql<boolean>`(
          SELECT min(i.expected_date) FROM purchase_order_items i
          WHERE i.organization_id = po.organization_id AND i.purchase_order_id = po.id
            AND i.quantity_received < i.quantity_ordered
        ) BETWEEN (now() AT TIME ZONE 'UTC')::date - ${lookbackDays}::int AND (now() AT TIME ZONE 'UTC')::date - 1`,
      )
      .$if(after !== undefined, (q) => q.where('po.id', '>', after!))
      .orderBy('po.id')
      .limit(BATCH)
      .forNoKeyUpdate()
      .skipLocked()
      .execute();
    // Asked once the rows are locked, so a sweep that recorded one of them and committed before
    // we got its lock is seen; while we hold the locks nobody else records these.
    const already = await resourcesWithEvent(
      work,
      PURCHASE_ORDER,
      PURCHASE_ORDER_LATE,
      rows.map((r) => r.id),
    );
    const late = rows.filter((r) => !already.has(r.id));
    const items = await loadItemsOf(
      work,
      late.map((r) => r.id),
    );
    await recordChanges(
      work,
      late.map((row) => domainEvent(PURCHASE_ORDER_LATE, purchaseOrderJson(toPurchaseOrder(row, items.get(row.id)!)))),
    );
    recorded += late.length;
    if (rows.length < BATCH) return recorded;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * One sweep over every organization, each in its own transaction (no user: the system records).
 * @returns how many orders were recorded late.
 */
export async function sweepLateOrders(db: Database, lookbackDays: number): Promise<number> {
  let recorded = 0;
  for await (const organizationId of organizationIds(db)) {
    recorded += await db.inTenant({ organizationId }, (work) => recordLateOrders(work, lookbackDays));
  }
  return recorded;
}

/** The sweep, every PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS (0 turns it off). */
export function lateOrdersTask(app: AppContext, lookbackDays: number): BackgroundTask {
  return new PeriodicTask(
    'procurement.late-orders',
    app.config.PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS,
    async () => {
      const late = await sweepLateOrders(app.db, lookbackDays);
      if (late > 0) app.logger.info({ late }, 'purchase orders recorded late');
    },
    app.logger,
    { runAtStart: true },
  );
}
