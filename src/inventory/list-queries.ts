import { sql, type Kysely } from 'kysely';
import type { DB } from '../../gen/db/schema.js';
import {
  productColumns,
  reservationColumns,
  stockLevelColumns,
  transactionColumns,
  warehouseColumns,
} from './mappers.js';

/**
 * The list queries of the inventory domain, as builders shared by the services and by
 * scripts/explain-inventory.ts, so the plans documented in docs/inventory-query-plans.md are the
 * plans of exactly these statements.
 *
 * All of them page by keyset: the filter, then "after the last row of the previous page" on the
 * sort key, then LIMIT page size + 1 (the extra row only says whether another page exists).
 * Every one names organization_id explicitly, on top of row level security.
 */

/** A Kysely handle: the transaction of a request, or any connection in scripts. */
type Q = Kysely<DB>;

export interface ProductListFilter {
  /** A stored status, or undefined for "every status except archived". */
  status?: string;
  skuPrefix?: string;
  /** The prefix's case-insensitive key (platform/case-insensitive-key.ts). */
  namePrefix?: string;
  supplierId?: string;
}

/** Products in SKU order; the cursor is the last SKU. */
export function listProductsQuery(
  q: Q,
  organizationId: string,
  f: ProductListFilter,
  afterSku: string | undefined,
  limit: number,
) {
  let query = q.selectFrom('products').select(productColumns).where('organization_id', '=', organizationId);
  query = f.status ? query.where('status', '=', f.status) : query.where('status', '<>', 'archived');
  if (f.skuPrefix) {
    query = query.where('sku', '>=', f.skuPrefix);
    const end = prefixEnd(f.skuPrefix);
    if (end !== undefined) query = query.where('sku', '<', end);
  }
  if (f.namePrefix) {
    // name_key is the name's case-insensitive key in byte order: a prefix is a range of
    // products_org_name_idx.
    query = query.where('name_key', '>=', f.namePrefix);
    const end = prefixEnd(f.namePrefix);
    if (end !== undefined) query = query.where('name_key', '<', end);
  }
  if (f.supplierId) query = query.where('supplier_id', '=', f.supplierId);
  if (afterSku !== undefined) query = query.where('sku', '>', afterSku);
  return query.orderBy('sku').limit(limit + 1);
}

/** Warehouses in code order; the cursor is the last code. */
export function listWarehousesQuery(
  q: Q,
  organizationId: string,
  status: string | undefined,
  afterCode: string | undefined,
  limit: number,
) {
  let query = q.selectFrom('warehouses').select(warehouseColumns).where('organization_id', '=', organizationId);
  if (status) query = query.where('status', '=', status);
  if (afterCode !== undefined) query = query.where('code', '>', afterCode);
  return query.orderBy('code').limit(limit + 1);
}

export interface StockLevelListFilter {
  productId?: string;
  warehouseId?: string;
  lowStockOnly: boolean;
}

/**
 * Stock levels ordered by (warehouse_id, product_id); the cursor is that pair. With a product
 * filter the order is the one of inventory_product_idx, with a warehouse filter (or none) the
 * primary key's, and "low stock only" reads inventory_low_stock_idx, a partial index whose
 * predicate is exactly the filter written here: the stored low_stock flag (available <= reorder
 * point), written as a bare column, not compared with a parameter, so that the planner can prove
 * the predicate. Its predicate is the flag and not the quantities, so that reservations, which
 * change quantity_available, update the level in place (migrations/0016).
 */
export function listStockLevelsQuery(
  q: Q,
  organizationId: string,
  f: StockLevelListFilter,
  after: [string, string] | undefined,
  limit: number,
) {
  let query = q.selectFrom('inventory').select(stockLevelColumns).where('organization_id', '=', organizationId);
  if (f.productId) query = query.where('product_id', '=', f.productId);
  if (f.warehouseId) query = query.where('warehouse_id', '=', f.warehouseId);
  if (f.lowStockOnly) query = query.where(sql<boolean>`low_stock`);
  if (after) {
    const [warehouseId, productId] = after;
    // With one column fixed by the filter, compare the other alone: a plain range the index
    // can start from, which a row comparison across a fixed column would not be.
    if (f.productId) query = query.where('warehouse_id', '>', warehouseId);
    else if (f.warehouseId) query = query.where('product_id', '>', productId);
    else query = query.where(sql<boolean>`(warehouse_id, product_id) > (${warehouseId}::uuid, ${productId}::uuid)`);
  }
  return query
    .orderBy('warehouse_id')
    .orderBy('product_id')
    .limit(limit + 1);
}

/**
 * "Inventory by product" in one statement: the product with this SKU (one row with NULL level
 * columns when it has no stock anywhere, no row when there is no such product) and its levels
 * with their warehouses, by warehouse name. Level columns are prefixed `level_` where they would
 * collide with the product's.
 */
export function productInventoryQuery(q: Q, organizationId: string, sku: string, limit: number) {
  return productsWithLevels(q, organizationId, limit)
    .where('p.sku', '=', sku)
    .orderBy('l.warehouse_name')
    .orderBy('l.warehouse_code');
}

/**
 * productInventoryQuery for several SKUs at once (`skus`, a text[] literal), by SKU and then as
 * productInventoryQuery orders each: for coalesced reads (inventory-by-sku.ts).
 */
export function productsInventoryQuery(q: Q, organizationId: string, skus: string, limit: number) {
  return productsWithLevels(q, organizationId, limit)
    .where('p.sku', '=', (eb) => eb.fn.any(sql<string[]>`${skus}::text[]`))
    .orderBy('p.sku')
    .orderBy('l.warehouse_name')
    .orderBy('l.warehouse_code');
}

/** The organization's products, each with up to `limit` of its levels (by warehouse name), unfiltered and unordered. */
function productsWithLevels(q: Q, organizationId: string, limit: number) {
  return q
    .selectFrom('products as p')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('inventory as i')
          .innerJoin('warehouses as w', (j) =>
            j.onRef('w.organization_id', '=', 'i.organization_id').onRef('w.id', '=', 'i.warehouse_id'),
          )
          .select([
            'i.warehouse_id',
            'i.quantity_on_hand',
            'i.quantity_reserved',
            'i.quantity_available',
            'i.quantity_on_hold',
            'i.quantity_damaged',
            'i.reorder_point as level_reorder_point',
            'i.reorder_point_overridden',
            'i.version as level_version',
            'i.updated_at as level_updated_at',
            'w.code as warehouse_code',
            'w.name as warehouse_name',
            'w.status as warehouse_status',
          ])
          .where('i.organization_id', '=', organizationId)
          .where('w.organization_id', '=', organizationId)
          .whereRef('i.product_id', '=', 'p.id')
          .orderBy('w.name')
          .orderBy('w.code')
          .limit(limit)
          .as('l'),
      (join) => join.onTrue(),
    )
    .select(productColumns.map((c) => `p.${c}` as const))
    .select([
      'l.warehouse_id',
      'l.quantity_on_hand',
      'l.quantity_reserved',
      'l.quantity_available',
      'l.quantity_on_hold',
      'l.quantity_damaged',
      'l.level_reorder_point',
      'l.reorder_point_overridden',
      'l.level_version',
      'l.level_updated_at',
      'l.warehouse_code',
      'l.warehouse_name',
      'l.warehouse_status',
    ])
    .where('p.organization_id', '=', organizationId);
}

export interface TransactionListFilter {
  productId?: string;
  warehouseId?: string;
  type?: string;
  startTime?: Date;
  endTime?: Date;
}

/**
 * Ledger entries newest first, by (created_at, id); the cursor is created_at as PostgreSQL's
 * own text (microseconds: a JS Date would round them away and skip or repeat rows) and the id.
 */
export function listTransactionsQuery(
  q: Q,
  organizationId: string,
  f: TransactionListFilter,
  after: [string, string] | undefined,
  limit: number,
) {
  let query = q
    .selectFrom('inventory_transactions')
    .select([...transactionColumns, sql<string>`created_at::text`.as('cursor_time')])
    .where('organization_id', '=', organizationId);
  if (f.productId) query = query.where('product_id', '=', f.productId);
  if (f.warehouseId) query = query.where('warehouse_id', '=', f.warehouseId);
  if (f.type) query = query.where('type', '=', f.type);
  if (f.startTime) query = query.where('created_at', '>=', f.startTime);
  if (f.endTime) query = query.where('created_at', '<', f.endTime);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

export interface ReservationListFilter {
  productId?: string;
  warehouseId?: string;
  status?: string;
}

/** Reservations newest first, by (created_at, id), with the same exact cursor as the ledger. */
export function listReservationsQuery(
  q: Q,
  organizationId: string,
  f: ReservationListFilter,
  after: [string, string] | undefined,
  limit: number,
) {
  let query = q
    .selectFrom('reservations')
    .select([...reservationColumns, sql<string>`created_at::text`.as('cursor_time')])
    .where('organization_id', '=', organizationId);
  if (f.productId) query = query.where('product_id', '=', f.productId);
  if (f.warehouseId) query = query.where('warehouse_id', '=', f.warehouseId);
  if (f.status) query = query.where('status', '=', f.status);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
}

/**
 * The least string greater than every string starting with `prefix`, in byte ("C") order, or
 * undefined when there is none: the prefix with its last code point incremented (UTF-8 byte
 * order is code point order).
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last === 0xd800) last = 0xe000; // skip the surrogate range: not characters
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return undefined;
}
