import { randomUUID } from 'node:crypto';
import { sql, type Updateable } from 'kysely';
import type { Products } from '../../gen/db/schema.js';
import {
  ProductServiceService,
  type ArchiveProductRequest,
  type ArchiveProductResponse,
  type CreateProductRequest,
  type CreateProductResponse,
  type GetProductBySkuRequest,
  type GetProductBySkuResponse,
  type GetProductRequest,
  type GetProductResponse,
  type ListProductsRequest,
  type ListProductsResponse,
  type UpdateProductRequest,
  type UpdateProductResponse,
} from '../../gen/ts/imsop/inventory/v1/product_service.js';
import { Product, ProductStatus } from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import { alreadyExists, failedPrecondition, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { EncodedResponse, wrapAsField1 } from '../platform/grpc/encoded-response.js';
import { moneyToDecimal } from '../platform/money.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { CATALOGUE_TTL_SECONDS, productKey, productSkuKey, stockLevelKey } from './cache-keys.js';
import * as input from './input.js';
import { listProductsQuery } from './list-queries.js';
import { PRODUCT_STATUS, productColumns, stockLevelColumns, toProduct } from './mappers.js';
import { recordChanges, recordChange } from '../platform/change-feed/record-change.js';
import { productCreated, productUpdated, stockLevelSettingsChanged } from './stock-change-events.js';
import { readThrough, readThroughEncoded } from './read-cache.js';

/** Fields UpdateProduct may change (proto names, as update_mask paths use them). */
const UPDATABLE = [
  'sku',
  'name',
  'description',
  'unit_of_measure',
  'unit_cost',
  'selling_price',
  'reorder_point',
  'reorder_quantity',
  'supplier_id',
  'status',
  'lot_tracked',
  'serial_tracked',
] as const;

const SETTABLE_STATUS = [ProductStatus.PRODUCT_STATUS_ACTIVE, ProductStatus.PRODUCT_STATUS_DISCONTINUED];

const skuTaken = (sku: string) =>
  alreadyExists('SKU_TAKEN', `The organization already has a product with SKU ${sku}.`, { sku });

/**
 * Runs an insert or update of a product, turning the constraint failures a caller can cause
 * into their answers: a duplicate SKU, and a supplier_id that is not a supplier of this
 * organization (procurement's composite foreign key, once it exists, refuses other tenants'
 * suppliers too).
 */
async function writeProduct<T>(sku: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const e = error as { code?: string; constraint?: string };
    if (e.code === '23505') throw skuTaken(sku ?? '');
    if (e.code === '23503' && e.constraint?.includes('supplier'))
      throw notFound('supplier', 'supplier_id is not a supplier of this organization.');
    throw error;
  }
}

/** The product catalogue: create, read (cached), list, update, archive. */
export class ProductCatalog {
  constructor(private readonly app: AppContext) {}

  /**
   * @throws AppError INVALID_ARGUMENT (field violations), ALREADY_EXISTS `SKU_TAKEN`.
   */
  async create(scope: TenantScope, request: CreateProductRequest): Promise<CreateProductResponse> {
    const v = new Violations();
    const values = productValues(v, request.product, new Set(UPDATABLE), 'create');
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(ProductServiceService.createProduct), request, async (work) => {
      const row = await writeProduct(values.sku, () =>
        work.tx
          .insertInto('products')
          .values({
            ...values,
            organization_id: org,
            id: randomUUID(),
            sku: values.sku!,
            name: values.name!,
            name_key: values.name_key!,
          })
          .onConflict((oc) => oc.columns(['organization_id', 'sku']).doNothing())
          .returning(productColumns)
          .executeTakeFirst(),
      );
      if (!row) throw skuTaken(values.sku!);
      await recordChange(work, productCreated(row));
      return { product: toProduct(row) };
    });
  }

  /**
   * The response already encoded: a warm read sends the cached product's bytes as they are
   * (the hottest read of the service; decoding and re-encoding them was most of its cost).
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND `PRODUCT_NOT_FOUND`.
   */
  async get(scope: TenantScope, request: GetProductRequest): Promise<EncodedResponse<GetProductResponse>> {
    const v = new Violations();
    const id = input.id(v, 'product_id', request.productId);
    v.throwIfAny();
    const org = scope.organizationId;
    const product = await readThroughEncoded(this.app.cache, productKey(org, id), CATALOGUE_TTL_SECONDS, Product, () =>
      this.app.db.inTenant(scope, async (work) => toProduct(await this.#load(work, 'id', id))),
    );
    return new EncodedResponse(wrapAsField1(product));
  }

  /** @throws AppError INVALID_ARGUMENT (malformed SKU), NOT_FOUND `PRODUCT_NOT_FOUND`. */
  async getBySku(scope: TenantScope, request: GetProductBySkuRequest): Promise<GetProductBySkuResponse> {
    return { product: await this.productBySku(scope, request.sku, 'sku') };
  }

  /** The product with this SKU (cached), for this service and for "inventory by product". */
  async productBySku(scope: TenantScope, rawSku: string, field: string): Promise<Product> {
    const v = new Violations();
    const sku = input.sku(v, field, rawSku);
    v.throwIfAny();
    const org = scope.organizationId;
    return readThrough(this.app.cache, productSkuKey(org, sku!), CATALOGUE_TTL_SECONDS, Product, () =>
      this.app.db.inTenant(scope, async (work) => toProduct(await this.#load(work, 'sku', sku!))),
    );
  }

  /** @throws AppError INVALID_ARGUMENT (page_size, page_token, filters). */
  async list(scope: TenantScope, request: ListProductsRequest): Promise<ListProductsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    let status: string | undefined;
    if (request.status !== ProductStatus.PRODUCT_STATUS_UNSPECIFIED) {
      status = PRODUCT_STATUS.fromProto(request.status);
      if (!status) v.add('status', 'is not a known product status');
    }
    const skuPrefix = input.skuPrefix(request.skuPrefix);
    v.maxChars('sku_prefix', skuPrefix, 64);
    const givenNamePrefix = request.namePrefix.trim();
    v.maxChars('name_prefix', givenNamePrefix, 200);
    const namePrefix = caseInsensitiveKey(givenNamePrefix);
    const supplierId = input.optionalId(v, 'supplier_id', request.supplierId);
    v.throwIfAny();

    const org = scope.organizationId;
    const filter = {
      status,
      skuPrefix: skuPrefix || undefined,
      namePrefix: namePrefix || undefined,
      supplierId: supplierId || undefined,
    };
    const binding = { organizationId: org, method: ProductServiceService.listProducts.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['text']);
    const rows = await this.app.db.inTenant(scope, (work) =>
      listProductsQuery(work.tx, org, filter, after?.[0], limit).execute(),
    );
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.sku]);
    return { products: page.items.map(toProduct), nextPageToken: page.nextPageToken };
  }

  /**
   * A new reorder_point is also applied to the product's stock levels that follow it.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, ABORTED `ETAG_MISMATCH`, ALREADY_EXISTS `SKU_TAKEN`.
   */
  async update(scope: TenantScope, request: UpdateProductRequest): Promise<UpdateProductResponse> {
    const v = new Violations();
    const id = input.id(v, 'product.id', request.product?.id);
    const paths = maskPaths(request.updateMask, UPDATABLE);
    const values = productValues(v, request.product, paths, 'update');
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(ProductServiceService.updateProduct), request, async (work) => {
      // NO KEY UPDATE: stock movements that create a level take KEY SHARE on the product (the
      // foreign key check) and must not queue behind a catalogue edit.
      const current = await work.tx
        .selectFrom('products')
        .select(['sku', 'version', 'reorder_point', 'lot_tracked', 'serial_tracked'])
        .where('organization_id', '=', org)
        .where('id', '=', id)
        .forNoKeyUpdate()
        .executeTakeFirst();
      if (!current) throw notFound('product');
      checkEtag(request.product!.etag, current.version);
      const retracks =
        (values.lot_tracked !== undefined && values.lot_tracked !== current.lot_tracked) ||
        (values.serial_tracked !== undefined && values.serial_tracked !== current.serial_tracked);
      if (retracks) {
        // Stock is kept by lot and serial, or not: it cannot switch under existing stock. The
        // levels are locked while looking, so no movement adds stock meanwhile.
        const levels = await work.tx
          .selectFrom('inventory')
          .select(['quantity_on_hand'])
          .where('organization_id', '=', org)
          .where('product_id', '=', id)
          .orderBy('warehouse_id')
          .forNoKeyUpdate()
          .execute();
        if (levels.some((l) => l.quantity_on_hand > 0)) {
          throw failedPrecondition(
            'TRACKING_CHANGE_WITH_STOCK',
            `Product ${current.sku} has stock: its lot or serial tracking cannot change.`,
            { product_id: id },
          );
        }
      }
      const row = await writeProduct(values.sku, () =>
        work.tx
          .updateTable('products')
          .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
          .where('organization_id', '=', org)
          .where('id', '=', id)
          .returning(productColumns)
          .executeTakeFirstOrThrow(),
      );
      const stale = [productKey(org, id), productSkuKey(org, current.sku), productSkuKey(org, row.sku)];
      const changes = [productUpdated(row, [...paths, 'etag', 'update_time'])];
      if (values.reorder_point !== undefined && values.reorder_point !== current.reorder_point) {
        const levels = await work.tx
          .updateTable('inventory')
          .set({ reorder_point: values.reorder_point, version: sql`version + 1`, updated_at: sql`now()` })
          .where('organization_id', '=', org)
          .where('product_id', '=', id)
          .where('reorder_point_overridden', '=', false)
          .returning(stockLevelColumns)
          .execute();
        for (const l of levels) {
          stale.push(stockLevelKey(org, l.warehouse_id, id));
          const before = { ...l, reorder_point: current.reorder_point, version: l.version - 1 };
          changes.push(...stockLevelSettingsChanged(before, l, ['reorder_point']));
        }
      }
      await recordChanges(work, changes);
      work.afterCommit(() => this.app.cache.delete(...stale));
      return { product: toProduct(row) };
    });
  }

  /** Idempotent: archiving an archived product returns it unchanged. @throws AppError NOT_FOUND, ABORTED. */
  async archive(scope: TenantScope, request: ArchiveProductRequest): Promise<ArchiveProductResponse> {
    const v = new Violations();
    const id = input.id(v, 'product_id', request.productId);
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(ProductServiceService.archiveProduct), request, async (work) => {
      const current = await this.#load(work, 'id', id, true);
      checkEtag(request.etag, current.version);
      if (current.status === 'archived') return { product: toProduct(current) };
      const row = await work.tx
        .updateTable('products')
        .set({ status: 'archived', version: sql`version + 1`, updated_at: sql`now()` })
        .where('organization_id', '=', org)
        .where('id', '=', id)
        .returning(productColumns)
        .executeTakeFirstOrThrow();
      await recordChange(work, productUpdated(row, ['status', 'etag', 'update_time']));
      work.afterCommit(() => this.app.cache.delete(productKey(org, id), productSkuKey(org, row.sku)));
      return { product: toProduct(row) };
    });
  }

  async #load(work: UnitOfWork, by: 'id' | 'sku', value: string, lock = false) {
    const org = work.tenant.organizationId;
    let query = work.tx
      .selectFrom('products')
      .select(productColumns)
      .where('organization_id', '=', org)
      .where(by, '=', value);
    if (lock) query = query.forNoKeyUpdate();
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('product');
    return row;
  }
}

/**
 * Validates the fields of `product` named in `paths` and returns their column values. On create
 * every field is read (empty ones take their defaults); on update only the masked ones.
 */
function productValues(
  v: Violations,
  product: Product | undefined,
  paths: ReadonlySet<string>,
  mode: 'create' | 'update',
): Updateable<Products> {
  if (!product) {
    v.add('product', 'is required');
    return {};
  }
  const out: Updateable<Products> = {};
  if (paths.has('sku')) out.sku = input.sku(v, 'product.sku', product.sku);
  if (paths.has('name')) {
    v.requireText('product.name', product.name, 200);
    out.name = product.name.trim();
    out.name_key = caseInsensitiveKey(out.name);
  }
  if (paths.has('description')) out.description = input.text(v, 'product.description', product.description, 4000);
  if (paths.has('unit_of_measure'))
    out.unit_of_measure = input.unitOfMeasure(v, 'product.unit_of_measure', product.unitOfMeasure);
  if (paths.has('unit_cost')) {
    const cost = moneyToDecimal(v, 'product.unit_cost', product.unitCost, { required: false });
    out.unit_cost = cost?.amount ?? null;
    out.unit_cost_currency = cost?.currency ?? null;
  }
  if (paths.has('selling_price')) {
    const price = moneyToDecimal(v, 'product.selling_price', product.sellingPrice, { required: false });
    out.selling_price = price?.amount ?? null;
    out.selling_price_currency = price?.currency ?? null;
  }
  if (paths.has('reorder_point'))
    out.reorder_point = input.intInRange(
      v,
      'product.reorder_point',
      product.reorderPoint,
      0,
      input.MAX_REORDER_QUANTITY,
    );
  if (paths.has('reorder_quantity')) {
    out.reorder_quantity = input.intInRange(
      v,
      'product.reorder_quantity',
      product.reorderQuantity,
      0,
      input.MAX_REORDER_QUANTITY,
    );
  }
  if (paths.has('supplier_id'))
    out.supplier_id = input.optionalId(v, 'product.supplier_id', product.supplierId) || null;
  if (paths.has('lot_tracked')) out.lot_tracked = Boolean(product.lotTracked);
  if (paths.has('serial_tracked')) out.serial_tracked = Boolean(product.serialTracked);
  if (paths.has('status')) {
    const status =
      mode === 'create' && product.status === ProductStatus.PRODUCT_STATUS_UNSPECIFIED
        ? ProductStatus.PRODUCT_STATUS_ACTIVE
        : product.status;
    const allowed = input.enumValue(
      v,
      'product.status',
      status,
      SETTABLE_STATUS,
      'PRODUCT_STATUS_ACTIVE, PRODUCT_STATUS_DISCONTINUED (archive with ArchiveProduct)',
    );
    if (allowed !== undefined) out.status = PRODUCT_STATUS.fromProto(allowed);
  }
  return out;
}
