import { sql, type UpdateObject } from 'kysely';
import type { DB } from '../../gen/db/schema.js';
import type { PurchaseOrder } from '../../gen/ts/imsop/procurement/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { notFound } from '../platform/errors.js';
import { itemColumns, purchaseOrderColumns, toPurchaseOrder, type ItemRow, type PurchaseOrderRow } from './mappers.js';

/** Reads and writes of purchase orders shared by the service and receiving. */

/** Column changes of an order (values or SQL expressions); version and updated_at are automatic. */
export type PurchaseOrderChange = Omit<UpdateObject<DB, 'purchase_orders'>, 'version' | 'updated_at'>;

export async function findPurchaseOrder(work: UnitOfWork, id: string): Promise<PurchaseOrderRow | undefined> {
  const { organizationId } = work.tenant;
  return work.tx
    .selectFrom('purchase_orders')
    .select(purchaseOrderColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The order's row, locked until the transaction ends: every change of an order or its items
 * (edits, state changes, receipts) takes this lock first, so they serialise per order and
 * always see each other's effects.
 * @throws AppError NOT_FOUND `PURCHASE_ORDER_NOT_FOUND`.
 */
export async function lockPurchaseOrder(work: UnitOfWork, id: string): Promise<PurchaseOrderRow> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('purchase_orders')
    .select(purchaseOrderColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('purchase order');
  return row;
}

/** The order's items, in line order. */
export async function loadItems(work: UnitOfWork, purchaseOrderId: string): Promise<ItemRow[]> {
  return (await loadItemsOf(work, [purchaseOrderId])).get(purchaseOrderId)!;
}

/** The items of the given orders, in line order, by order (one query for all of them). */
export async function loadItemsOf(
  work: UnitOfWork,
  purchaseOrderIds: readonly string[],
): Promise<Map<string, ItemRow[]>> {
  const { organizationId } = work.tenant;
  const byOrder = new Map<string, ItemRow[]>(purchaseOrderIds.map((id) => [id, []]));
  if (purchaseOrderIds.length === 0) return byOrder;
  const rows = await work.tx
    .selectFrom('purchase_order_items')
    .select(itemColumns)
    .where('organization_id', '=', organizationId)
    .where('purchase_order_id', 'in', purchaseOrderIds)
    .orderBy('purchase_order_id')
    .orderBy('line_number')
    .execute();
  for (const row of rows) byOrder.get(row.purchase_order_id)?.push(row);
  return byOrder;
}

/** The order as the API shows it, with its items. */
export async function withItems(work: UnitOfWork, row: PurchaseOrderRow): Promise<PurchaseOrder> {
  return toPurchaseOrder(row, await loadItems(work, row.id));
}

/**
 * Applies `set` to the order and bumps its version (the etag) and update time: every change of
 * an order goes through here, so no change can leave the etag unchanged.
 */
export function touchPurchaseOrder(
  work: UnitOfWork,
  id: string,
  set: PurchaseOrderChange = {},
): Promise<PurchaseOrderRow> {
  const { organizationId } = work.tenant;
  return work.tx
    .updateTable('purchase_orders')
    .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .returning(purchaseOrderColumns)
    .executeTakeFirstOrThrow();
}

/**
 * The exact sum of the order's line totals, computed by PostgreSQL from the item rows as they
 * are at that point of the transaction (numeric: no rounding anywhere). Every change of items
 * sets total_amount to this in the same transaction, so the total always matches the lines.
 */
export function itemsTotal(organizationId: string, purchaseOrderId: string) {
  return sql<string>`(SELECT coalesce(sum(i.line_total), 0) FROM purchase_order_items i
    WHERE i.organization_id = ${organizationId} AND i.purchase_order_id = ${purchaseOrderId})`;
}
