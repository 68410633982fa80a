import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { AppError, GrpcStatus, notFound } from '../platform/errors.js';

/**
 * Looks up the locations, lots and products (with their tracking) that counts, traces and the
 * expiry task name, in the caller's organization only: another organization's id is NOT_FOUND
 * exactly like a missing one.
 */

export interface LocationRef {
  id: string;
  type: string;
  status: string;
}

export interface LotRef {
  id: string;
  product_id: string;
  lot_number: string;
}

export interface TrackedProduct {
  id: string;
  sku: string;
  reorder_point: number;
  lot_tracked: boolean;
  serial_tracked: boolean;
}

/** NOT_FOUND `LOCATION_NOT_FOUND`, naming the request field when given. */
export const locationNotFound = (field?: string) =>
  new AppError(GrpcStatus.NOT_FOUND, 'LOCATION_NOT_FOUND', 'location not found.', {
    metadata: { resource: 'location', ...(field ? { field } : {}) },
  });

/** NOT_FOUND `LOT_NOT_FOUND`, naming the request field when given. */
export const lotNotFound = (field?: string) =>
  new AppError(GrpcStatus.NOT_FOUND, 'LOT_NOT_FOUND', 'lot not found.', {
    metadata: { resource: 'lot', ...(field ? { field } : {}) },
  });

/** @throws AppError NOT_FOUND `LOCATION_NOT_FOUND` (also for a location of another warehouse). */
export async function requireLocation(
  work: UnitOfWork,
  warehouseId: string,
  locationId: string,
  field?: string,
): Promise<LocationRef> {
  const row = await work.tx
    .selectFrom('locations')
    .select(['id', 'type', 'status'])
    .where('organization_id', '=', work.tenant.organizationId)
    .where('warehouse_id', '=', warehouseId)
    .where('id', '=', locationId)
    .executeTakeFirst();
  if (!row) throw locationNotFound(field);
  return row;
}

/** @throws AppError NOT_FOUND `LOT_NOT_FOUND` (also for a lot of another product). */
export async function requireLotOf(
  work: UnitOfWork,
  productId: string,
  lotId: string,
  field?: string,
): Promise<LotRef> {
  const row = await work.tx
    .selectFrom('lots')
    .select(['id', 'product_id', 'lot_number'])
    .where('organization_id', '=', work.tenant.organizationId)
    .where('product_id', '=', productId)
    .where('id', '=', lotId)
    .executeTakeFirst();
  if (!row) throw lotNotFound(field);
  return row;
}

/**
 * The products named, with their tracking flags, in one query.
 * @throws AppError NOT_FOUND `PRODUCT_NOT_FOUND` for the first one missing.
 */
export async function trackingOf(
  work: UnitOfWork,
  named: readonly { productId: string; field: string }[],
): Promise<Map<string, TrackedProduct>> {
  const ids = [...new Set(named.map((n) => n.productId))];
  const rows =
    ids.length === 0
      ? []
      : await work.tx
          .selectFrom('products')
          .select(['id', 'sku', 'reorder_point', 'lot_tracked', 'serial_tracked'])
          .where('organization_id', '=', work.tenant.organizationId)
          .where('id', 'in', ids)
          .execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  if (named.some((n) => !found.has(n.productId))) throw notFound('product');
  return found;
}
