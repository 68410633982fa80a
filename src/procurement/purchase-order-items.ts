import { sql } from 'kysely';
import type { PurchaseOrderItem } from '../../gen/ts/imsop/procurement/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition, invalidArgument, AppError, GrpcStatus } from '../platform/errors.js';
import { moneyToDecimal } from '../platform/money.js';
import { isUuid, type Violations } from '../platform/validation.js';
import { dateToText, utcDatePlusDays } from '../platform/calendar-date.js';
import type { InventoryPort } from './inventory-port.js';
import type { ItemRow } from './mappers.js';

/** Most lines one order may have. */
export const MAX_ITEMS = 500;
/** Most units one line may order (the column's CHECK). */
export const MAX_QUANTITY = 1_000_000_000;
/**
 * Largest line total and order total, in whole currency units: Money's units must stay exact
 * as a JS number on the way out (and numeric(19, 4) has room for it).
 */
const MAX_AMOUNT_UNITS = 10_000_000_000_000n;
const SCALE = 10_000n; // 4 decimal places, as stored

/** One item as written by a client, validated and normalised. */
export interface ItemInput {
  /** Position in the request's list (for field paths). */
  index: number;
  /** The existing line it changes; empty for a new line. */
  id: string;
  productId: string;
  quantityOrdered: number;
  /** Exact decimal with 4 places, in the order's currency. */
  unitPrice: string;
  /** 'YYYY-MM-DD', or undefined: keep the line's date, or default it for a new line. */
  expectedDate: string | undefined;
}

/**
 * Validates the items of a request. Prices must be in `currency` (when known; an invalid
 * currency is reported elsewhere). Line totals and the order total must stay below 10^13
 * currency units. `allowIds`: whether entries may name existing lines (updates only).
 */
export function parseItems(
  v: Violations,
  prefix: string,
  items: PurchaseOrderItem[],
  currency: string | undefined,
  allowIds: boolean,
): ItemInput[] {
  if (items.length > MAX_ITEMS) {
    v.add(prefix, `must have at most ${MAX_ITEMS} items`);
    return [];
  }
  const seenIds = new Set<string>();
  let total = 0n;
  const parsed = items.map((item, index): ItemInput => {
    const at = (f: string) => `${prefix}[${index}].${f}`;
    const id = item.id.trim().toLowerCase();
    if (id !== '') {
      if (!allowIds) v.add(at('id'), 'must be empty: the server assigns item ids');
      else if (!isUuid(id)) v.add(at('id'), 'must be a UUID (an existing line) or empty (a new line)');
      else if (seenIds.has(id)) v.add(at('id'), 'names the same line as an earlier entry');
      seenIds.add(id);
    }
    const productId = item.productId.trim().toLowerCase();
    v.uuid(at('product_id'), productId);
    const quantity = item.quantityOrdered;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY)
      v.add(at('quantity_ordered'), `must be a whole number from 1 to ${MAX_QUANTITY}`);
    const price = moneyToDecimal(v, at('unit_price'), item.unitPrice);
    if (price && currency && price.currency !== currency)
      v.add(at('unit_price.currency_code'), `must be the order's currency ${currency}`);
    const expectedDate = item.expectedDate ? dateToText(v, at('expected_date'), item.expectedDate) : undefined;
    if (price && Number.isInteger(quantity) && quantity > 0) {
      const lineTotal = BigInt(quantity) * scaled(price.amount);
      if (lineTotal > MAX_AMOUNT_UNITS * SCALE)
        v.add(at('unit_price'), 'makes the line total exceed 10^13 currency units');
      total += lineTotal;
    }
    return { index, id, productId, quantityOrdered: quantity, unitPrice: price?.amount ?? '0', expectedDate };
  });
  if (total > MAX_AMOUNT_UNITS * SCALE) v.add(prefix, 'make the order total exceed 10^13 currency units');
  return parsed;
}

/** "12.3400" -> 123400n (the stored scale of 4 decimals). */
function scaled(amount: string): bigint {
  const [whole = '0', frac = ''] = amount.split('.');
  return BigInt(whole) * SCALE + BigInt(frac.padEnd(4, '0').slice(0, 4));
}

/**
 * Checks that products can be ordered: they exist in the organization and are ACTIVE.
 * @throws AppError NOT_FOUND `PRODUCT_NOT_FOUND` (another organization's product too),
 *   FAILED_PRECONDITION `PRODUCT_NOT_ORDERABLE`; metadata `field` names the item.
 */
export async function checkOrderable(
  work: UnitOfWork,
  inventory: InventoryPort,
  prefix: string,
  items: ItemInput[],
): Promise<void> {
  if (items.length === 0) return;
  const statuses = await inventory.productStatuses(work, [...new Set(items.map((i) => i.productId))]);
  for (const item of items) {
    const field = `${prefix}[${item.index}].product_id`;
    const status = statuses.get(item.productId);
    if (status === undefined) {
      throw new AppError(GrpcStatus.NOT_FOUND, 'PRODUCT_NOT_FOUND', `product not found (${field}).`, {
        metadata: { resource: 'product', field },
      });
    }
    if (status !== 'active') {
      throw failedPrecondition('PRODUCT_NOT_ORDERABLE', `The product in ${field} is ${status} and cannot be ordered.`, {
        field,
        status,
      });
    }
  }
}

/**
 * Makes `items` the order's lines: entries with the id of an existing line change it, entries
 * without id become new lines (numbered after `lastLineNumber`), existing lines not named are
 * removed. Products of new lines and of lines whose product changes must be orderable. The
 * caller holds the order's lock and recomputes the total afterwards.
 * @returns the order's new last_line_number.
 * @throws AppError INVALID_ARGUMENT for an id that is not a line of this order; the errors of
 *   checkOrderable.
 */
export async function replaceItems(
  work: UnitOfWork,
  inventory: InventoryPort,
  order: { id: string; lastLineNumber: number; leadTimeDays: number },
  prefix: string,
  items: ItemInput[],
  existing: ItemRow[],
): Promise<number> {
  const { organizationId } = work.tenant;
  const byId = new Map(existing.map((row) => [row.id, row]));
  const unknown = items.filter((i) => i.id !== '' && !byId.has(i.id));
  if (unknown.length > 0) {
    throw invalidArgument(
      unknown.map((i) => ({ field: `${prefix}[${i.index}].id`, description: 'is not a line of this purchase order' })),
    );
  }
  await checkOrderable(
    work,
    inventory,
    prefix,
    items.filter((i) => i.id === '' || byId.get(i.id)!.product_id !== i.productId),
  );

  const kept = new Set(items.map((i) => i.id).filter(Boolean));
  const removed = existing.filter((row) => !kept.has(row.id)).map((row) => row.id);
  if (removed.length > 0) {
    await work.tx
      .deleteFrom('purchase_order_items')
      .where('organization_id', '=', organizationId)
      .where('id', 'in', removed)
      .execute();
  }
  for (const item of items.filter((i) => i.id !== '')) {
    const row = byId.get(item.id)!;
    const expectedDate = item.expectedDate ?? row.expected_date;
    const same =
      row.product_id === item.productId &&
      row.quantity_ordered === item.quantityOrdered &&
      scaled(row.unit_price) === scaled(item.unitPrice) &&
      row.expected_date === expectedDate;
    if (same) continue; // an unchanged line is not rewritten (nor audited)
    await work.tx
      .updateTable('purchase_order_items')
      .set({
        product_id: item.productId,
        quantity_ordered: item.quantityOrdered,
        unit_price: item.unitPrice,
        expected_date: expectedDate,
        updated_at: sql`now()`,
      })
      .where('organization_id', '=', organizationId)
      .where('id', '=', item.id)
      .execute();
  }
  return insertItems(
    work,
    order,
    items.filter((i) => i.id === ''),
  );
}

/**
 * Adds lines to an order, numbered after `order.lastLineNumber`; a line without expected date
 * is due `order.leadTimeDays` after today (UTC). Products must have been checked.
 * @returns the order's new last_line_number.
 */
export async function insertItems(
  work: UnitOfWork,
  order: { id: string; lastLineNumber: number; leadTimeDays: number },
  items: ItemInput[],
): Promise<number> {
  const { organizationId } = work.tenant;
  let lineNumber = order.lastLineNumber;
  if (items.length === 0) return lineNumber;
  const defaultDate = utcDatePlusDays(order.leadTimeDays);
  await work.tx
    .insertInto('purchase_order_items')
    .values(
      items.map((item) => ({
        organization_id: organizationId,
        purchase_order_id: order.id,
        line_number: ++lineNumber,
        product_id: item.productId,
        quantity_ordered: item.quantityOrdered,
        unit_price: item.unitPrice,
        expected_date: item.expectedDate ?? defaultDate,
      })),
    )
    .execute();
  return lineNumber;
}
