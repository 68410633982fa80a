import { sql } from 'kysely';
import { SupplierStatus, type Supplier } from '../../gen/ts/imsop/procurement/v1/resources.js';
import {
  SupplierServiceService,
  type CreateSupplierRequest,
  type CreateSupplierResponse,
  type DeactivateSupplierRequest,
  type GetSupplierRequest,
  type GetSupplierResponse,
  type ListSuppliersRequest,
  type ListSuppliersResponse,
  type ReactivateSupplierRequest,
  type UpdateSupplierRequest,
  type UpdateSupplierResponse,
} from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { alreadyExists, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { created, domainEvent, updated } from '../platform/change-feed/resource-change.js';
import { mutation, wireMethod, type MethodDefinition } from '../platform/mutation.js';
import type { PageTokens } from '../platform/page-tokens.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { SUPPLIER, supplierJson } from './change-events.js';
import { supplierColumns, toSupplier, type SupplierRow } from './mappers.js';
import { supplierPerformance } from './supplier-performance.js';
import { SUPPLIER_UPDATABLE, supplierValues } from './supplier-rules.js';

const NAME_KEY = 'suppliers_org_name_key';
const nameTaken = () => alreadyExists('SUPPLIER_NAME_TAKEN', 'The organization already has a supplier with this name.');

const STATUS_FILTER: Partial<Record<SupplierStatus, string>> = {
  [SupplierStatus.SUPPLIER_STATUS_ACTIVE]: 'active',
  [SupplierStatus.SUPPLIER_STATUS_INACTIVE]: 'inactive',
};

/** Suppliers of the caller's organization. Suppliers are deactivated, never deleted. */
export class SupplierService {
  constructor(
    private readonly db: Database,
    private readonly pageTokens: PageTokens,
  ) {}

  /** @throws AppError INVALID_ARGUMENT for bad fields; ALREADY_EXISTS `SUPPLIER_NAME_TAKEN`. */
  async create(scope: TenantScope, request: CreateSupplierRequest): Promise<CreateSupplierResponse> {
    const v = new Violations();
    if (!request.supplier) v.add('supplier', 'is required').throwIfAny();
    const values = supplierValues(v, 'supplier.', request.supplier!, SUPPLIER_UPDATABLE);
    v.throwIfAny();
    try {
      return await mutation(
        this.db,
        scope,
        wireMethod(SupplierServiceService.createSupplier),
        request,
        async (work) => {
          const row = await work.tx
            .insertInto('suppliers')
            .values({
              organization_id: scope.organizationId,
              name: values.name!,
              name_key: values.name_key!,
              ...values,
            })
            .returning(supplierColumns)
            .executeTakeFirstOrThrow();
          const supplier = toSupplier(row);
          await recordChange(work, created(SUPPLIER, supplierJson(supplier)));
          return { supplier };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, NAME_KEY)) throw nameTaken();
      throw error;
    }
  }

  /** @throws AppError INVALID_ARGUMENT (id not a UUID), NOT_FOUND `SUPPLIER_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetSupplierRequest): Promise<GetSupplierResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return this.db.inTenant(scope, async (work) => {
      const row = await findSupplier(work, request.id);
      if (!row) throw notFound('supplier');
      return { supplier: (await withPerformance(work, [row]))[0] };
    });
  }

  /**
   * Suppliers in the order of their names' case-insensitive keys (byte order), keyset-paged on
   * that key, which is unique per organization.
   * @throws AppError INVALID_ARGUMENT for a bad page size, status or page token.
   */
  async list(scope: TenantScope, request: ListSuppliersRequest): Promise<ListSuppliersResponse> {
    const v = new Violations().maxChars('name_prefix', request.namePrefix, 200);
    const status = STATUS_FILTER[request.status];
    if (request.status !== SupplierStatus.SUPPLIER_STATUS_UNSPECIFIED && !status)
      v.add('status', 'is not a known supplier status');
    v.throwIfAny();
    const size = resolvePageSize(request.pageSize);
    const prefix = request.namePrefix.trim();
    const binding = {
      organizationId: scope.organizationId,
      method: SupplierServiceService.listSuppliers.path,
      filter: { status, prefix },
    };
    const after = this.pageTokens.decode(request.pageToken, binding, ['text']);
    return this.db.inTenant(scope, async (work) => {
      let query = work.tx
        .selectFrom('suppliers')
        .select([...supplierColumns, 'name_key'])
        .where('organization_id', '=', scope.organizationId);
      if (status) query = query.where('status', '=', status);
      if (prefix) {
        // A range on name_key (not LIKE, which is not leakproof: see 0005); the prefix's key is
        // a prefix of the keys of the names it starts.
        const low = caseInsensitiveKey(prefix);
        query = query.where('name_key', '>=', low);
        const end = prefixEnd(low);
        if (end !== undefined) query = query.where('name_key', '<', end);
      }
      if (after) query = query.where('name_key', '>', after[0]);
      const rows = await query
        .orderBy('name_key')
        .limit(size + 1)
        .execute();
      const page = this.pageTokens.page(rows, size, binding, (row) => [row.name_key]);
      return { suppliers: await withPerformance(work, page.items), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * @throws AppError INVALID_ARGUMENT (mask, values), NOT_FOUND, ALREADY_EXISTS
   *   `SUPPLIER_NAME_TAKEN`, ABORTED `ETAG_MISMATCH`.
   */
  async update(scope: TenantScope, request: UpdateSupplierRequest): Promise<UpdateSupplierResponse> {
    const paths = maskPaths(request.updateMask, SUPPLIER_UPDATABLE) as Set<(typeof SUPPLIER_UPDATABLE)[number]>;
    const v = new Violations();
    if (!request.supplier) v.add('supplier', 'is required').throwIfAny();
    v.uuid('supplier.id', request.supplier!.id);
    const values = supplierValues(v, 'supplier.', request.supplier!, paths);
    v.throwIfAny();
    try {
      return await mutation(
        this.db,
        scope,
        wireMethod(SupplierServiceService.updateSupplier),
        request,
        async (work) => {
          const current = await lockSupplier(work, request.supplier!.id);
          checkEtag(request.supplier!.etag, current.version);
          const row = await work.tx
            .updateTable('suppliers')
            .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
            .where('organization_id', '=', scope.organizationId)
            .where('id', '=', current.id)
            .returning(supplierColumns)
            .executeTakeFirstOrThrow();
          const [supplier] = await withPerformance(work, [row]);
          // Performance is measured, not edited: the same figures on both sides of the diff.
          const before = toSupplier(current, supplier!.performance);
          await recordChange(work, updated(SUPPLIER, supplierJson(before), supplierJson(supplier!)));
          return { supplier };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, NAME_KEY)) throw nameTaken();
      throw error;
    }
  }

  /**
   * Deactivates or reactivates; setting the status it already has changes nothing (not even
   * the etag).
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, ABORTED `ETAG_MISMATCH`.
   */
  setStatus<
    Req extends DeactivateSupplierRequest | ReactivateSupplierRequest,
    Res extends { supplier: Supplier | undefined },
  >(scope: TenantScope, method: MethodDefinition<Req, Res>, request: Req, status: 'active' | 'inactive'): Promise<Res> {
    new Violations().uuid('id', request.id).throwIfAny();
    return mutation(this.db, scope, wireMethod(method), request, async (work) => {
      const current = await lockSupplier(work, request.id);
      checkEtag(request.etag, current.version);
      if (current.status === status) return { supplier: (await withPerformance(work, [current]))[0] } as Res;
      const row = await work.tx
        .updateTable('suppliers')
        .set({ status, version: sql`version + 1`, updated_at: sql`now()` })
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', current.id)
        .returning(supplierColumns)
        .executeTakeFirstOrThrow();
      const [supplier] = await withPerformance(work, [row]);
      const eventType = status === 'inactive' ? 'supplier.deactivated' : 'supplier.reactivated';
      const before = toSupplier(current, supplier!.performance);
      await recordChange(work, domainEvent(eventType, supplierJson(supplier!), supplierJson(before)));
      return { supplier } as Res;
    });
  }
}

export function findSupplier(work: UnitOfWork, id: string): Promise<SupplierRow | undefined> {
  const { organizationId } = work.tenant;
  return work.tx
    .selectFrom('suppliers')
    .select(supplierColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The supplier row, locked for the rest of the transaction. @throws AppError NOT_FOUND. */
async function lockSupplier(work: UnitOfWork, id: string): Promise<SupplierRow> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('suppliers')
    .select(supplierColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('supplier');
  return row;
}

async function withPerformance(work: UnitOfWork, rows: SupplierRow[]): Promise<Supplier[]> {
  const performance = await supplierPerformance(
    work,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSupplier(r, performance.get(r.id)));
}

/**
 * The least string above every string that starts with `prefix` in byte ("C") order (UTF-8
 * byte order is code point order): the prefix with its last code point incremented; undefined
 * when there is none.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last === 0xd800) last = 0xe000; // surrogates are not characters
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return undefined;
}
