import { sql } from 'kysely';
import { StockState, type StockBalance } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  StockServiceService,
  type ListStockBalancesRequest,
  type ListStockBalancesResponse,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { AppContext } from '../platform/app-context.js';
import { textToDate } from '../platform/calendar-date.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import type { BalanceRow } from './balance-movement.js';
import * as input from './input.js';
import { requireLocation, stockStateOf } from './locations.js';
import { requireLot } from './lots.js';
import { requireProduct, requireWarehouse } from './references.js';

/**
 * Reading balances: the rows of stock_balances, and the default location's untracked stock of
 * each level (its on hand less its located units, migrations/0012) shown as one more balance.
 */

/** A balance with what a reader wants to see of its location and lot. */
export interface BalanceView {
  warehouse_id: string;
  location_id: string;
  location_code: string;
  location_type: string;
  product_id: string;
  lot_id: string | null;
  lot_number: string | null;
  expires_on: string | null;
  quantity_on_hand: number;
  quantity_reserved: number;
  last_counted_at: Date | null;
  updated_at: Date | null;
}

/** BalanceView's columns, as the union of located and default-location rows names them. */
const balanceViewColumns = sql.join(
  (
    [
      'warehouse_id',
      'location_id',
      'location_code',
      'location_type',
      'product_id',
      'lot_id',
      'lot_number',
      'expires_on',
      'quantity_on_hand',
      'quantity_reserved',
      'last_counted_at',
      'updated_at',
    ] satisfies (keyof BalanceView)[]
  ).map((c) => sql.ref(`x.${c}`)),
);

const STATE = {
  available: StockState.STOCK_STATE_AVAILABLE,
  hold: StockState.STOCK_STATE_ON_HOLD,
  damaged: StockState.STOCK_STATE_DAMAGED,
};

export function toStockBalance(row: BalanceView | BalanceRow): StockBalance {
  const view = row as Partial<BalanceView> & BalanceRow;
  const state = stockStateOf(view.location_type ?? 'storage');
  return {
    warehouseId: row.warehouse_id,
    locationId: row.location_id,
    locationCode: view.location_code ?? (row.location_id === row.warehouse_id ? 'DEFAULT' : ''),
    productId: row.product_id,
    lotId: row.lot_id ?? '',
    lotNumber: view.lot_number ?? '',
    expiryDate: view.expires_on ? textToDate(view.expires_on) : undefined,
    quantityOnHand: row.quantity_on_hand,
    quantityReserved: row.quantity_reserved,
    quantityAvailable: state === 'available' ? row.quantity_on_hand - row.quantity_reserved : 0,
    state: STATE[state],
    lastCountedTime: row.last_counted_at ?? undefined,
    updateTime: row.updated_at ?? undefined,
  };
}

export interface BalanceFilter {
  warehouseId?: string;
  productId?: string;
  locationId?: string;
  lotId?: string;
  includeEmpty: boolean;
}

/**
 * Balances in (warehouse, location code, product, lot) order, keyset-paged on that key; the
 * cursor's lot is '' for untracked stock.
 */
export function balancesQuery(
  work: UnitOfWork,
  f: BalanceFilter,
  after: [string, string, string, string] | undefined,
  limit: number,
) {
  const org = work.tenant.organizationId;
  const located = sql`SELECT b.warehouse_id, b.location_id, loc.code AS location_code, loc.type AS location_type, b.product_id,
      b.lot_id, lot.lot_number, to_char(lot.expires_on, 'YYYY-MM-DD') AS expires_on, b.quantity_on_hand, b.quantity_reserved,
      b.last_counted_at, b.updated_at
    FROM stock_balances b
      JOIN locations loc ON loc.organization_id = b.organization_id AND loc.id = b.location_id
      LEFT JOIN lots lot ON lot.organization_id = b.organization_id AND lot.id = b.lot_id
    WHERE b.organization_id = ${org}
      ${f.warehouseId ? sql`AND b.warehouse_id = ${f.warehouseId}` : sql``}
      ${f.productId ? sql`AND b.product_id = ${f.productId}` : sql``}
      ${f.locationId ? sql`AND b.location_id = ${f.locationId}` : sql``}
      ${f.lotId ? sql`AND b.lot_id = ${f.lotId}` : sql``}`;
  // The default location's untracked stock: no lot, and the location is the warehouse itself.
  const unlocated = f.lotId
    ? sql``
    : sql`UNION ALL
    SELECT i.warehouse_id, i.warehouse_id, 'DEFAULT', 'storage', i.product_id, NULL::uuid, NULL::text, NULL::text,
      i.quantity_on_hand - i.quantity_located, 0, i.default_last_counted_at, i.updated_at
    FROM inventory i
    WHERE i.organization_id = ${org}
      ${f.warehouseId ? sql`AND i.warehouse_id = ${f.warehouseId}` : sql``}
      ${f.productId ? sql`AND i.product_id = ${f.productId}` : sql``}
      ${f.locationId ? sql`AND i.warehouse_id = ${f.locationId}` : sql``}`;
  return sql<BalanceView>`SELECT ${balanceViewColumns} FROM (${located} ${unlocated}) x
    WHERE (${f.includeEmpty} OR x.quantity_on_hand > 0)
      ${
        after
          ? sql`AND (x.warehouse_id, x.location_code, x.product_id, coalesce(x.lot_id::text, '')) >
              (${after[0]}::uuid, ${after[1]}::text COLLATE "C", ${after[2]}::uuid, ${after[3]}::text)`
          : sql``
      }
    ORDER BY x.warehouse_id, x.location_code COLLATE "C", x.product_id, coalesce(x.lot_id::text, '')
    LIMIT ${limit + 1}`;
}

/** ListStockBalances. @throws AppError INVALID_ARGUMENT, NOT_FOUND for a filter naming nothing. */
export async function listStockBalances(
  app: AppContext,
  scope: TenantScope,
  request: ListStockBalancesRequest,
): Promise<ListStockBalancesResponse> {
  const v = new Violations();
  const limit = resolvePageSize(request.pageSize);
  const filter: BalanceFilter = {
    warehouseId: input.optionalId(v, 'warehouse_id', request.warehouseId) || undefined,
    productId: input.optionalId(v, 'product_id', request.productId) || undefined,
    locationId: input.optionalId(v, 'location_id', request.locationId) || undefined,
    lotId: input.optionalId(v, 'lot_id', request.lotId) || undefined,
    includeEmpty: request.includeEmpty,
  };
  if (!filter.warehouseId && !filter.productId && !filter.locationId && !filter.lotId)
    v.add('warehouse_id', 'or product_id, location_id or lot_id is required');
  v.throwIfAny();
  const org = scope.organizationId;
  const binding = { organizationId: org, method: StockServiceService.listStockBalances.path, filter };
  const after = app.pageTokens.decode(request.pageToken, binding, ['uuid', 'text', 'uuid', 'text']);
  const rows = await app.db.inTenant(scope, async (work) => {
    if (filter.warehouseId) await requireWarehouse(work, filter.warehouseId);
    if (filter.productId) await requireProduct(work, filter.productId);
    if (filter.locationId) await requireLocation(work, filter.locationId, filter.warehouseId);
    if (filter.lotId) await requireLot(work, filter.lotId);
    return (
      await balancesQuery(work, filter, after as [string, string, string, string] | undefined, limit).execute(work.tx)
    ).rows;
  });
  const page = app.pageTokens.page(rows, limit, binding, (r) => [
    r.warehouse_id,
    r.location_code,
    r.product_id,
    r.lot_id ?? '',
  ]);
  return { balances: page.items.map(toStockBalance), nextPageToken: page.nextPageToken };
}
