import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { LocationStatus, LocationType, type Location } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  LocationServiceService,
  type CreateLocationRequest,
  type CreateLocationResponse,
  type DeactivateLocationRequest,
  type DeactivateLocationResponse,
  type GetLocationRequest,
  type GetLocationResponse,
  type ListLocationsRequest,
  type ListLocationsResponse,
} from '../../gen/ts/imsop/inventory/v1/location_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import type { SelectedRow } from '../platform/db/table-row.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { alreadyExists, AppError, failedPrecondition, GrpcStatus, notFound } from '../platform/errors.js';
import { checkEtag, formatEtag } from '../platform/etag.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { assertInboundOpen, requireWarehouse } from './references.js';

/**
 * Locations inside warehouses (migrations/0012): a tree per warehouse whose types decide the
 * stock state of what they hold. The default location of a warehouse has the warehouse's own
 * id and is created with the warehouse (a trigger), so nothing here creates it.
 */

const LOCATION_CODE = /^[A-Z0-9][A-Z0-9._/-]{0,63}$/;

export const locationColumns = [
  'id',
  'warehouse_id',
  'parent_id',
  'code',
  'name',
  'type',
  'is_default',
  'status',
  'version',
  'created_at',
  'updated_at',
] as const;

export type LocationRow = SelectedRow<'locations', typeof locationColumns>;

export const LOCATION_TYPE = enumMapping(
  {
    receiving: LocationType.LOCATION_TYPE_RECEIVING,
    storage: LocationType.LOCATION_TYPE_STORAGE,
    picking: LocationType.LOCATION_TYPE_PICKING,
    hold: LocationType.LOCATION_TYPE_HOLD,
    damaged: LocationType.LOCATION_TYPE_DAMAGED,
    shipping: LocationType.LOCATION_TYPE_SHIPPING,
  },
  LocationType.LOCATION_TYPE_UNSPECIFIED,
);

export const LOCATION_STATUS = enumMapping(
  { active: LocationStatus.LOCATION_STATUS_ACTIVE, inactive: LocationStatus.LOCATION_STATUS_INACTIVE },
  LocationStatus.LOCATION_STATUS_UNSPECIFIED,
);

/** What stock in a location of this type is: sellable, or on hand but not available. */
export type StockStateText = 'available' | 'hold' | 'damaged';
export const stockStateOf = (type: string): StockStateText =>
  type === 'hold' ? 'hold' : type === 'damaged' ? 'damaged' : 'available';

export function toLocation(row: LocationRow): Location {
  return {
    id: row.id,
    warehouseId: row.warehouse_id,
    parentId: row.parent_id ?? '',
    code: row.code,
    name: row.name,
    type: LOCATION_TYPE.toProto(row.type),
    status: LOCATION_STATUS.toProto(row.status),
    isDefault: row.is_default,
    etag: formatEtag(row.version),
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}

/**
 * A location of the organization, optionally required to be in `warehouseId` (a location of
 * another warehouse is NOT_FOUND there, as is another organization's).
 * @throws AppError NOT_FOUND `LOCATION_NOT_FOUND` (with `field` when given).
 */
export async function requireLocation(
  work: UnitOfWork,
  locationId: string,
  warehouseId?: string,
  field?: string,
): Promise<LocationRow> {
  let query = work.tx
    .selectFrom('locations')
    .select(locationColumns)
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', '=', locationId);
  if (warehouseId) query = query.where('warehouse_id', '=', warehouseId);
  const row = await query.executeTakeFirst();
  if (!row) throw locationNotFound(field);
  return row;
}

export const locationNotFound = (field?: string) =>
  field
    ? new AppError(GrpcStatus.NOT_FOUND, 'LOCATION_NOT_FOUND', `${field} names no location of this warehouse.`, {
        metadata: { resource: 'location', field },
      })
    : notFound('location');

/** Stock goes only into active locations. @throws AppError FAILED_PRECONDITION `LOCATION_INACTIVE`. */
export function assertLocationOpen(location: LocationRow): void {
  if (location.status !== 'active') {
    throw failedPrecondition('LOCATION_INACTIVE', `Location ${location.code} is inactive: it takes no stock.`, {
      location_id: location.id,
    });
  }
}

/** Locations: create, read, list, deactivate when empty. */
export class LocationDirectory {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS `LOCATION_CODE_TAKEN`, FAILED_PRECONDITION. */
  async create(scope: TenantScope, request: CreateLocationRequest): Promise<CreateLocationResponse> {
    const v = new Violations();
    const l = request.location;
    const warehouseId = input.id(v, 'location.warehouse_id', l?.warehouseId);
    const parentId = input.optionalId(v, 'location.parent_id', l?.parentId);
    const code = (l?.code ?? '').trim().replace(/[a-z]+/g, (s) => s.toUpperCase());
    if (code === '') v.add('location.code', 'is required');
    else if (!LOCATION_CODE.test(code))
      v.add(
        'location.code',
        "must be 1-64 characters of letters, digits, '.', '_', '/' or '-', starting with a letter or digit",
      );
    const name = (l?.name ?? '').trim();
    if (name === '') v.add('location.name', 'is required');
    else v.maxChars('location.name', name, 200);
    let type = 'storage';
    if (l && l.type !== LocationType.LOCATION_TYPE_UNSPECIFIED) {
      const known = LOCATION_TYPE.fromProto(l.type);
      if (!known) v.add('location.type', 'is not a known location type');
      else type = known;
    }
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(LocationServiceService.createLocation), request, async (work) => {
      assertInboundOpen(await requireWarehouse(work, warehouseId));
      if (parentId) assertLocationOpen(await requireLocation(work, parentId, warehouseId, 'location.parent_id'));
      const row = await work.tx
        .insertInto('locations')
        .values({
          organization_id: org,
          id: randomUUID(),
          warehouse_id: warehouseId,
          parent_id: parentId || null,
          code,
          name,
          type,
        })
        .onConflict((oc) => oc.columns(['organization_id', 'warehouse_id', 'code']).doNothing())
        .returning(locationColumns)
        .executeTakeFirst();
      if (!row)
        throw alreadyExists('LOCATION_CODE_TAKEN', `The warehouse already has a location with code ${code}.`, { code });
      return { location: toLocation(row) };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `LOCATION_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetLocationRequest): Promise<GetLocationResponse> {
    const v = new Violations();
    const id = input.id(v, 'location_id', request.locationId);
    v.throwIfAny();
    const row = await this.app.db.inTenant(scope, (work) => requireLocation(work, id));
    return { location: toLocation(row) };
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND (warehouse, parent). */
  async list(scope: TenantScope, request: ListLocationsRequest): Promise<ListLocationsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const warehouseId = input.id(v, 'warehouse_id', request.warehouseId);
    const parentId = input.optionalId(v, 'parent_id', request.parentId);
    let type: string | undefined;
    if (request.type !== LocationType.LOCATION_TYPE_UNSPECIFIED) {
      type = LOCATION_TYPE.fromProto(request.type);
      if (!type) v.add('type', 'is not a known location type');
    }
    let status = 'active';
    if (request.status !== LocationStatus.LOCATION_STATUS_UNSPECIFIED) {
      const known = LOCATION_STATUS.fromProto(request.status);
      if (!known) v.add('status', 'is not a known location status');
      else status = known;
    }
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = { warehouseId, parentId: parentId || undefined, type, status };
    const binding = { organizationId: org, method: LocationServiceService.listLocations.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['text']);
    const rows = await this.app.db.inTenant(scope, async (work) => {
      await requireWarehouse(work, warehouseId);
      if (filter.parentId) await requireLocation(work, filter.parentId, warehouseId, 'parent_id');
      let query = work.tx
        .selectFrom('locations')
        .select(locationColumns)
        .where('organization_id', '=', org)
        .where('warehouse_id', '=', warehouseId)
        .where('status', '=', status);
      if (filter.parentId) query = query.where('parent_id', '=', filter.parentId);
      if (type) query = query.where('type', '=', type);
      if (after) query = query.where('code', '>', after[0]);
      return query
        .orderBy('code')
        .limit(limit + 1)
        .execute();
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.code]);
    return { locations: page.items.map(toLocation), nextPageToken: page.nextPageToken };
  }

  /**
   * Deactivates an empty location. Its balances' levels are locked first (the domain's order:
   * levels before their balances), so no movement can put stock there while it is checked.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ABORTED `ETAG_MISMATCH`.
   */
  async deactivate(scope: TenantScope, request: DeactivateLocationRequest): Promise<DeactivateLocationResponse> {
    const v = new Violations();
    const id = input.id(v, 'location_id', request.locationId);
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(
      this.app.db,
      scope,
      wireMethod(LocationServiceService.deactivateLocation),
      request,
      async (work) => {
        const location = await work.tx
          .selectFrom('locations')
          .select(locationColumns)
          .where('organization_id', '=', org)
          .where('id', '=', id)
          .forNoKeyUpdate()
          .executeTakeFirst();
        if (!location) throw notFound('location');
        checkEtag(request.etag, location.version);
        if (location.is_default) {
          throw failedPrecondition('DEFAULT_LOCATION', "The warehouse's default location cannot be deactivated.", {
            location_id: id,
          });
        }
        if (location.status === 'inactive') return { location: toLocation(location) };
        // Lock the levels of every product stocked here, in the domain's order, then look.
        await sql`SELECT 1 FROM inventory i
        WHERE i.organization_id = ${org} AND i.warehouse_id = ${location.warehouse_id}
          AND i.product_id IN (SELECT product_id FROM stock_balances
                               WHERE organization_id = ${org} AND warehouse_id = ${location.warehouse_id} AND location_id = ${id})
        ORDER BY i.warehouse_id, i.product_id FOR NO KEY UPDATE OF i`.execute(work.tx);
        const { busy } = await work.tx
          .selectNoFrom((eb) => [
            eb
              .or([
                eb.exists(
                  eb
                    .selectFrom('stock_balances')
                    .select('id')
                    .where('organization_id', '=', org)
                    .where('location_id', '=', id)
                    .where('quantity_on_hand', '>', 0),
                ),
                eb.exists(
                  eb
                    .selectFrom('locations')
                    .select('id')
                    .where('organization_id', '=', org)
                    .where('parent_id', '=', id)
                    .where('status', '=', 'active'),
                ),
                eb.exists(
                  eb
                    .selectFrom('cycle_counts')
                    .select('id')
                    .where('organization_id', '=', org)
                    .where('location_id', '=', id)
                    .where('status', '=', 'open'),
                ),
              ])
              .as('busy'),
          ])
          .executeTakeFirstOrThrow();
        if (busy) {
          throw failedPrecondition(
            'LOCATION_NOT_EMPTY',
            `Location ${location.code} still holds stock, has active locations inside it or an open cycle count.`,
            { location_id: id },
          );
        }
        const row = await work.tx
          .updateTable('locations')
          .set({ status: 'inactive', version: sql`version + 1`, updated_at: sql`now()` })
          .where('organization_id', '=', org)
          .where('id', '=', id)
          .returning(locationColumns)
          .executeTakeFirstOrThrow();
        return { location: toLocation(row) };
      },
    );
  }
}
