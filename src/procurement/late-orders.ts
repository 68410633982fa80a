import { sql } from 'kysely';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { sweepThreshold, thresholdSweepTask, type Threshold } from '../platform/change-feed/threshold-sweep.js';
import type { Database } from '../platform/db/database.js';
import { purchaseOrderJson } from './change-events.js';
import { purchaseOrderColumns, toPurchaseOrder, type PurchaseOrderRow } from './mappers.js';
import { loadItemsOf } from './purchase-order-queries.js';
import type { PurchaseOrderState } from './purchase-order-status.js';

export const PURCHASE_ORDER_LATE = 'purchase_order.late';

/** Orders placed with the supplier and still waiting for goods: the ones that can be late. */
const AWAITING_GOODS: readonly PurchaseOrderState[] = ['approved', 'partially_received'];

/**
 * `purchase_order.late`, once per order: an order placed with its supplier (approved or
 * partially received) is late once the expected date of one of its open lines (fewer units
 * received than ordered) has passed, i.e. that UTC day is over, the rule supplier performance
 * uses for "on time". The event carries the order as it stands. An order is a candidate only
 * when its earliest open line fell due within the last `lookbackDays`; a receipt in flight on it
 * (which holds its lock) is not raced: the order is looked at next sweep.
 */
export function lateOrders(lookbackDays: number): Threshold<PurchaseOrderRow> {
  return {
    eventType: PURCHASE_ORDER_LATE,
    candidates: (work) =>
      work.tx
        .selectFrom('purchase_orders as po')
        .select(purchaseOrderColumns.map((c) => `po.${c}` as const))
        .where('po.organization_id', '=', work.tenant.organizationId)
        .where('po.status', 'in', AWAITING_GOODS)
        .where(
          sql<boolean>`(
            SELECT min(i.expected_date) FROM purchase_order_items i
            WHERE i.organization_id = po.organization_id AND i.purchase_order_id = po.id
              AND i.quantity_received < i.quantity_ordered
          ) BETWEEN (now() AT TIME ZONE 'UTC')::date - ${lookbackDays}::int AND (now() AT TIME ZONE 'UTC')::date - 1`,
        ),
    idColumn: 'po.id',
    resources: async (work, rows) => {
      const items = await loadItemsOf(
        work,
        rows.map((r) => r.id),
      );
      return rows.map((row) => purchaseOrderJson(toPurchaseOrder(row, items.get(row.id)!)));
    },
  };
}

/**
 * One sweep over every organization, each in its own transaction.
 * @returns how many orders were recorded late.
 */
export function sweepLateOrders(db: Database, lookbackDays: number): Promise<number> {
  return sweepThreshold(db, lateOrders(lookbackDays));
}

/** The sweep, every PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS (0 turns it off). */
export function lateOrdersTask(app: AppContext, lookbackDays: number): BackgroundTask {
  return thresholdSweepTask(
    app,
    'procurement.late-orders',
    app.config.PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS,
    lateOrders(lookbackDays),
  );
}
