import { sql, type RawBuilder } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition, notFound } from '../platform/errors.js';

/**
 * Looks up the product and warehouse a stock request names, in the caller's organization only:
 * another organization's id is NOT_FOUND exactly like a missing one. No row locks: a movement
 * locks stock levels, never the catalogue, so catalogue edits never queue behind stock traffic.
 */

export interface ProductRef {
  id: string;
  sku: string;
  status: string;
  reorder_point: number;
  lot_tracked: boolean;
  serial_tracked: boolean;
}

/** Whether the product's stock lives in balances by lot or serial (never the level alone). */
export const isTracked = (product: ProductRef) => product.lot_tracked || product.serial_tracked;

export interface WarehouseRef {
  id: string;
  status: string;
}

/** @throws AppError NOT_FOUND `PRODUCT_NOT_FOUND`. */
export async function requireProduct(work: UnitOfWork, productId: string): Promise<ProductRef> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('products')
    .select(['id', 'sku', 'status', 'reorder_point', 'lot_tracked', 'serial_tracked'])
    .where('organization_id', '=', organizationId)
    .where('id', '=', productId)
    .executeTakeFirst();
  if (!row) throw notFound('product');
  return row;
}

/** @throws AppError NOT_FOUND `WAREHOUSE_NOT_FOUND`. */
export async function requireWarehouse(work: UnitOfWork, warehouseId: string): Promise<WarehouseRef> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('warehouses')
    .select(['id', 'status'])
    .where('organization_id', '=', organizationId)
    .where('id', '=', warehouseId)
    .executeTakeFirst();
  if (!row) throw notFound('warehouse');
  return row;
}

/** Receipts, transfers in and reservations need a product that is not archived. */
export function assertStockable(product: ProductRef): void {
  if (product.status === 'archived') {
    throw failedPrecondition(
      'PRODUCT_ARCHIVED',
      `Product ${product.sku} is archived: it can no longer be received or reserved.`,
      {
        product_id: product.id,
      },
    );
  }
}

/** Receipts, transfers in and reservations need an active warehouse. */
export function assertInboundOpen(warehouse: WarehouseRef): void {
  if (warehouse.status !== 'active') {
    throw failedPrecondition(
      'WAREHOUSE_INACTIVE',
      'The warehouse is inactive: it accepts no inbound stock and no new reservations.',
      {
        warehouse_id: warehouse.id,
      },
    );
  }
}

/** Whether the level of product `p` at warehouse `w` has active reservations past their expiry. */
const hasLapsed = sql<boolean>`EXISTS (SELECT 1 FROM reservations r
  WHERE r.organization_id = p.organization_id AND r.warehouse_id = w.id AND r.product_id = p.id
    AND r.status = 'active' AND r.expire_time <= now())`;

/**
 * requireProduct + requireWarehouse + the level's available quantity (undefined when the level
 * has never had stock) + whether it has active reservations past their expiry, in one round
 * trip, for the hot path (reserving).
 * @throws AppError NOT_FOUND `PRODUCT_NOT_FOUND` or `WAREHOUSE_NOT_FOUND`.
 */
export async function requireStockTarget(
  work: UnitOfWork,
  key: { warehouseId: string; productId: string },
): Promise<{
  product: ProductRef;
  warehouse: WarehouseRef;
  available: number | undefined;
  hasLapsedReservations: boolean;
}> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('products as p')
    .leftJoin('warehouses as w', (j) =>
      j.onRef('w.organization_id', '=', 'p.organization_id').on('w.id', '=', key.warehouseId),
    )
    .leftJoin('inventory as i', (j) =>
      j
        .onRef('i.organization_id', '=', 'p.organization_id')
        .onRef('i.product_id', '=', 'p.id')
        .onRef('i.warehouse_id', '=', 'w.id'),
    )
    .select([
      'p.id',
      'p.sku',
      'p.status',
      'p.reorder_point',
      'p.lot_tracked',
      'p.serial_tracked',
      'w.id as warehouse_id',
      'w.status as warehouse_status',
      'i.quantity_available',
    ])
    .select(hasLapsed.as('has_lapsed'))
    .where('p.organization_id', '=', organizationId)
    .where('p.id', '=', key.productId)
    .executeTakeFirst();
  if (!row) throw notFound('product');
  if (!row.warehouse_id || !row.warehouse_status) throw notFound('warehouse');
  return {
    product: {
      id: row.id,
      sku: row.sku,
      status: row.status,
      reorder_point: row.reorder_point,
      lot_tracked: row.lot_tracked,
      serial_tracked: row.serial_tracked,
    },
    warehouse: { id: row.warehouse_id, status: row.warehouse_status },
    available: row.quantity_available ?? undefined,
    hasLapsedReservations: Boolean(row.has_lapsed),
  };
}

/**
 * What the level-only hot paths (a batched reservation, a plain receipt) need of a product `p`
 * and a warehouse `w`: the product untracked and not archived, the warehouse active. Anything
 * else takes the path that checks step by step and answers the exact error.
 */
const openForLevelOnly = sql<boolean>`p.status <> 'archived' AND NOT p.lot_tracked AND NOT p.serial_tracked AND w.status = 'active'`;

/** The product and the warehouse of a level as one row (none when either is missing), for the targets below. */
const productAtWarehouse = (organizationId: string, key: { warehouseId: string; productId: string }) =>
  sql`FROM products p JOIN warehouses w ON w.organization_id = p.organization_id AND w.id = ${key.warehouseId}
    WHERE p.organization_id = ${organizationId} AND p.id = ${key.productId}`;

/**
 * requireStockTarget's checks for a reservation, as a statement to run inside the reserving one
 * (StockLedger.tryReserveEach), so they cost no round trip of their own: one row when the product
 * and the warehouse exist, `reservable` when the product is untracked and not archived and the
 * warehouse is active, and `has_lapsed` as in requireStockTarget. The exact error of a failed
 * check is left to requireStockTarget, on the one-by-one path.
 */
export function reservableTarget(
  organizationId: string,
  key: { warehouseId: string; productId: string },
): RawBuilder<{ reservable: boolean; has_lapsed: boolean }> {
  return sql`SELECT ${openForLevelOnly} AS reservable, ${hasLapsed} AS has_lapsed ${productAtWarehouse(organizationId, key)}`;
}

/**
 * A plain receipt's checks (requireProduct, requireWarehouse, assertStockable, assertInboundOpen,
 * and an untracked product: no lot or serial numbers to take), as a statement to run inside the
 * receiving one (StockLedger.tryReceive): one row when the product and the warehouse exist,
 * `receivable` when the receipt may go to the level alone, and the product's reorder point for a
 * level the receipt creates. The exact error of a failed check is left to the step-by-step path.
 */
export function receivableTarget(
  organizationId: string,
  key: { warehouseId: string; productId: string },
): RawBuilder<ReceivableTarget> {
  return sql`SELECT ${openForLevelOnly} AS receivable, p.reorder_point ${productAtWarehouse(organizationId, key)}`;
}

/** See receivableTarget. */
export interface ReceivableTarget {
  receivable: boolean;
  reorder_point: number;
}
