import { randomUUID } from 'node:crypto';
import { sql, type Updateable } from 'kysely';
import type { Warehouses } from '../../gen/db/schema.js';
import type { PostalAddress } from '../../gen/ts/google/type/postal_address.js';
import { Warehouse, WarehouseStatus } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  WarehouseServiceService,
  type CreateWarehouseRequest,
  type CreateWarehouseResponse,
  type DeactivateWarehouseRequest,
  type DeactivateWarehouseResponse,
  type GetWarehouseRequest,
  type GetWarehouseResponse,
  type ListWarehousesRequest,
  type ListWarehousesResponse,
  type UpdateWarehouseRequest,
  type UpdateWarehouseResponse,
} from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { alreadyExists, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { warehouseCreated, warehouseUpdated } from './stock-change-events.js';
import { CATALOGUE_TTL_SECONDS, warehouseKey } from './cache-keys.js';
import * as input from './input.js';
import { listWarehousesQuery } from './list-queries.js';
import { WAREHOUSE_STATUS, warehouseColumns, toWarehouse } from './mappers.js';
import { readThrough } from './read-cache.js';

const UPDATABLE = ['code', 'name', 'address', 'capacity_units', 'manager_user_id', 'status'] as const;

const codeTaken = (code: string) =>
  alreadyExists('WAREHOUSE_CODE_TAKEN', `The organization already has a warehouse with code ${code}.`, { code });

/**
 * Runs an insert or update of a warehouse, turning the two constraint failures a caller can
 * cause into their answers: a duplicate code, and a manager who is not a user of this
 * organization (the composite foreign key to users refuses other tenants' users too, without
 * this domain reading identity's tables).
 */
async function writeWarehouse<T>(code: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23505') throw codeTaken(code ?? '');
    if (e.code === '23503' && e.constraint?.includes('manager'))
      throw notFound('user', 'manager_user_id is not a user of this organization.');
    throw error;
  }
}

/** Warehouses: create, read (cached), list, update, deactivate. */
export class WarehouseDirectory {
  constructor(private readonly app: AppContext) {}

  /** @throws AppError INVALID_ARGUMENT, ALREADY_EXISTS `WAREHOUSE_CODE_TAKEN`, NOT_FOUND `USER_NOT_FOUND`. */
  async create(scope: TenantScope, request: CreateWarehouseRequest): Promise<CreateWarehouseResponse> {
    const v = new Violations();
    const values = warehouseValues(v, request.warehouse, new Set(UPDATABLE), 'create');
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(WarehouseServiceService.createWarehouse), request, async (work) => {
      const row = await writeWarehouse(values.code, () =>
        work.tx
          .insertInto('warehouses')
          .values({ ...values, organization_id: org, id: randomUUID(), code: values.code!, name: values.name! })
          .onConflict((oc) => oc.columns(['organization_id', 'code']).doNothing())
          .returning(warehouseColumns)
          .executeTakeFirst(),
      );
      if (!row) throw codeTaken(values.code!);
      await recordChange(work, warehouseCreated(row));
      return { warehouse: toWarehouse(row) };
    });
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `WAREHOUSE_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetWarehouseRequest): Promise<GetWarehouseResponse> {
    const v = new Violations();
    const id = input.id(v, 'warehouse_id', request.warehouseId);
    v.throwIfAny();
    const org = scope.organizationId;
    const warehouse = await readThrough(this.app.cache, warehouseKey(org, id), CATALOGUE_TTL_SECONDS, Warehouse, () =>
      this.app.db.inTenant(scope, async (work) => toWarehouse(await this.#load(work, id))),
    );
    return { warehouse };
  }

  async list(scope: TenantScope, request: ListWarehousesRequest): Promise<ListWarehousesResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    let status: string | undefined;
    if (request.status !== WarehouseStatus.WAREHOUSE_STATUS_UNSPECIFIED) {
      status = WAREHOUSE_STATUS.fromProto(request.status);
      if (!status) v.add('status', 'is not a known warehouse status');
    }
    v.throwIfAny();
    const org = scope.organizationId;
    const binding = { organizationId: org, method: WarehouseServiceService.listWarehouses.path, filter: { status } };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['text']);
    const rows = await this.app.db.inTenant(scope, (work) =>
      listWarehousesQuery(work.tx, org, status, after?.[0], limit).execute(),
    );
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.code]);
    return { warehouses: page.items.map(toWarehouse), nextPageToken: page.nextPageToken };
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND, ABORTED `ETAG_MISMATCH`, ALREADY_EXISTS. */
  async update(scope: TenantScope, request: UpdateWarehouseRequest): Promise<UpdateWarehouseResponse> {
    const v = new Violations();
    const id = input.id(v, 'warehouse.id', request.warehouse?.id);
    const paths = maskPaths(request.updateMask, UPDATABLE);
    const values = warehouseValues(v, request.warehouse, paths, 'update');
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(WarehouseServiceService.updateWarehouse), request, async (work) => {
      const current = await this.#load(work, id, true);
      checkEtag(request.warehouse!.etag, current.version);
      const row = await writeWarehouse(values.code, () =>
        work.tx
          .updateTable('warehouses')
          .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
          .where('organization_id', '=', org)
          .where('id', '=', id)
          .returning(warehouseColumns)
          .executeTakeFirstOrThrow(),
      );
      await recordChange(work, warehouseUpdated(row, [...paths, 'etag', 'update_time']));
      work.afterCommit(() => this.app.cache.delete(warehouseKey(org, id)));
      return { warehouse: toWarehouse(row) };
    });
  }

  /** Idempotent: an inactive warehouse is returned unchanged. @throws AppError NOT_FOUND, ABORTED. */
  async deactivate(scope: TenantScope, request: DeactivateWarehouseRequest): Promise<DeactivateWarehouseResponse> {
    const v = new Violations();
    const id = input.id(v, 'warehouse_id', request.warehouseId);
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(
      this.app.db,
      scope,
      wireMethod(WarehouseServiceService.deactivateWarehouse),
      request,
      async (work) => {
        const current = await this.#load(work, id, true);
        checkEtag(request.etag, current.version);
        if (current.status === 'inactive') return { warehouse: toWarehouse(current) };
        const row = await work.tx
          .updateTable('warehouses')
          .set({ status: 'inactive', version: sql`version + 1`, updated_at: sql`now()` })
          .where('organization_id', '=', org)
          .where('id', '=', id)
          .returning(warehouseColumns)
          .executeTakeFirstOrThrow();
        await recordChange(work, warehouseUpdated(row, ['status', 'etag', 'update_time']));
        work.afterCommit(() => this.app.cache.delete(warehouseKey(org, id)));
        return { warehouse: toWarehouse(row) };
      },
    );
  }

  async #load(work: UnitOfWork, id: string, lock = false) {
    const org = work.tenant.organizationId;
    let query = work.tx
      .selectFrom('warehouses')
      .select(warehouseColumns)
      .where('organization_id', '=', org)
      .where('id', '=', id);
    // NO KEY UPDATE: levels being created at this warehouse take KEY SHARE (foreign key check).
    if (lock) query = query.forNoKeyUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('warehouse');
    return row;
  }
}

const SETTABLE_STATUS = [WarehouseStatus.WAREHOUSE_STATUS_ACTIVE, WarehouseStatus.WAREHOUSE_STATUS_INACTIVE];

function warehouseValues(
  v: Violations,
  warehouse: Warehouse | undefined,
  paths: ReadonlySet<string>,
  mode: 'create' | 'update',
): Updateable<Warehouses> {
  if (!warehouse) {
    v.add('warehouse', 'is required');
    return {};
  }
  const out: Updateable<Warehouses> = {};
  if (paths.has('code')) out.code = input.warehouseCode(v, 'warehouse.code', warehouse.code);
  if (paths.has('name')) {
    v.requireText('warehouse.name', warehouse.name, 200);
    out.name = warehouse.name.trim();
  }
  if (paths.has('address')) out.address = JSON.stringify(addressJson(v, 'warehouse.address', warehouse.address));
  if (paths.has('capacity_units')) {
    const capacity = input.intInRange(v, 'warehouse.capacity_units', warehouse.capacityUnits, 0, 2_147_483_647);
    out.capacity_units = capacity === 0 ? null : capacity;
  }
  if (paths.has('manager_user_id'))
    out.manager_user_id = input.optionalId(v, 'warehouse.manager_user_id', warehouse.managerUserId) || null;
  if (paths.has('status')) {
    const status =
      mode === 'create' && warehouse.status === WarehouseStatus.WAREHOUSE_STATUS_UNSPECIFIED
        ? WarehouseStatus.WAREHOUSE_STATUS_ACTIVE
        : warehouse.status;
    const allowed = input.enumValue(
      v,
      'warehouse.status',
      status,
      SETTABLE_STATUS,
      'WAREHOUSE_STATUS_ACTIVE, WAREHOUSE_STATUS_INACTIVE',
    );
    if (allowed !== undefined) out.status = WAREHOUSE_STATUS.fromProto(allowed);
  }
  return out;
}

/**
 * A PostalAddress as stored: its proto3 JSON field names (lowerCamelCase), empty fields left
 * out; {} for no address.
 * Lengths are bounded so an address cannot grow the row without limit.
 */
function addressJson(v: Violations, field: string, address: PostalAddress | undefined): Record<string, unknown> {
  if (!address) return {};
  const regionCode = address.regionCode.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(regionCode)) v.add(`${field}.region_code`, 'is required: a CLDR region code such as DE or US');
  if (address.revision !== 0) v.add(`${field}.revision`, 'must be 0');
  const out: Record<string, unknown> = { regionCode };
  const scalar: [keyof PostalAddress, string][] = [
    ['languageCode', 'language_code'],
    ['postalCode', 'postal_code'],
    ['sortingCode', 'sorting_code'],
    ['administrativeArea', 'administrative_area'],
    ['locality', 'locality'],
    ['sublocality', 'sublocality'],
    ['organization', 'organization'],
  ];
  for (const [key, name] of scalar) {
    const value = input.text(v, `${field}.${name}`, address[key] as string, 200);
    if (value) out[key] = value;
  }
  for (const [key, name] of [
    ['addressLines', 'address_lines'],
    ['recipients', 'recipients'],
  ] as const) {
    const lines = address[key];
    if (lines.length > 5) v.add(`${field}.${name}`, 'must have at most 5 entries');
    lines.forEach((line, i) => input.text(v, `${field}.${name}[${i}]`, line, 200));
    if (lines.length > 0) out[key] = lines.map((l) => l.trim());
  }
  return out;
}
