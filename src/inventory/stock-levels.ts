import { sql } from 'kysely';
import { StockLevel } from '../../gen/ts/imsop/inventory/v1/resources.js';
import {
  StockServiceService,
  type GetProductInventoryRequest,
  type GetProductInventoryResponse,
  type GetStockLevelRequest,
  type GetStockLevelResponse,
  type ListStockBalancesRequest,
  type ListStockBalancesResponse,
  type ListStockLevelsRequest,
  type ListStockLevelsResponse,
  type UpdateStockLevelRequest,
  type UpdateStockLevelResponse,
  type WarehouseStock,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import { checkEtag } from '../platform/etag.js';
import { notFound } from '../platform/errors.js';
import { maskPaths } from '../platform/field-mask.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { recordChanges } from '../platform/change-feed/record-change.js';
import { stockLevelSettingsChanged } from './stock-change-events.js';
import type { InboundStockPort } from './inbound-port.js';
import { balancesQuery, listStockBalances, toStockBalance, type BalanceView } from './balance-reads.js';
import { STOCK_TTL_SECONDS, stockLevelKey } from './cache-keys.js';
import * as input from './input.js';
import { InventoryBySku } from './inventory-by-sku.js';
import { listStockLevelsQuery } from './list-queries.js';
import { stockLevelColumns, toProduct, toStockLevel, WAREHOUSE_STATUS, type StockLevelRow } from './mappers.js';
import { readThrough } from './read-cache.js';
import { requireProduct, requireWarehouse } from './references.js';
import { StockLedger } from './stock-ledger.js';

const LEVEL_SETTINGS = ['reorder_point', 'reorder_point_overridden'] as const;

/** A level that has never had a movement: zeros, following the product's reorder point. */
function emptyLevel(warehouseId: string, productId: string, reorderPoint: number): StockLevelRow {
  return {
    warehouse_id: warehouseId,
    product_id: productId,
    quantity_on_hand: 0,
    quantity_reserved: 0,
    quantity_available: 0,
    quantity_on_hold: 0,
    quantity_damaged: 0,
    reorder_point: reorderPoint,
    reorder_point_overridden: false,
    version: 0,
    updated_at: null,
  };
}

/** Reading stock levels (cached single reads, keyset lists, inventory by product) and their settings. */
export class StockLevels {
  readonly #bySku: InventoryBySku;

  constructor(
    private readonly app: AppContext,
    private readonly inbound: InboundStockPort,
  ) {
    this.#bySku = new InventoryBySku(app.db);
  }

  /** ListStockBalances (balance-reads.ts). */
  balances(scope: TenantScope, request: ListStockBalancesRequest): Promise<ListStockBalancesResponse> {
    return listStockBalances(this.app, scope, request);
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND (product, warehouse). */
  async get(scope: TenantScope, request: GetStockLevelRequest): Promise<GetStockLevelResponse> {
    const v = new Violations();
    const warehouseId = input.id(v, 'warehouse_id', request.warehouseId);
    const productId = input.id(v, 'product_id', request.productId);
    v.throwIfAny();
    const org = scope.organizationId;
    const stockLevel = await readThrough(
      this.app.cache,
      stockLevelKey(org, warehouseId, productId),
      STOCK_TTL_SECONDS,
      StockLevel,
      () =>
        this.app.db.inTenant(scope, async (work) => {
          const product = await requireProduct(work, productId);
          await requireWarehouse(work, warehouseId);
          const row = await work.tx
            .selectFrom('inventory')
            .select(stockLevelColumns)
            .where('organization_id', '=', org)
            .where('warehouse_id', '=', warehouseId)
            .where('product_id', '=', productId)
            .executeTakeFirst();
          return toStockLevel(row ?? emptyLevel(warehouseId, productId, product.reorder_point));
        }),
      // A level without a row follows the product's reorder point, and a change of that would
      // not reach its cache entry: only real levels are cached.
      (level) => level.updateTime !== undefined,
    );
    return { stockLevel };
  }

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND when a filter names a missing product or warehouse. */
  async list(scope: TenantScope, request: ListStockLevelsRequest): Promise<ListStockLevelsResponse> {
    const v = new Violations();
    const limit = resolvePageSize(request.pageSize);
    const productId = input.optionalId(v, 'product_id', request.productId);
    const warehouseId = input.optionalId(v, 'warehouse_id', request.warehouseId);
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = {
      productId: productId || undefined,
      warehouseId: warehouseId || undefined,
      lowStockOnly: request.lowStockOnly,
    };
    const binding = { organizationId: org, method: StockServiceService.listStockLevels.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['uuid', 'uuid']);
    const rows = await this.app.db.inTenant(scope, async (work) => {
      if (filter.productId) await requireProduct(work, filter.productId);
      if (filter.warehouseId) await requireWarehouse(work, filter.warehouseId);
      return listStockLevelsQuery(work.tx, org, filter, after, limit).execute();
    });
    const page = this.app.pageTokens.page(rows, limit, binding, (r) => [r.warehouse_id, r.product_id]);
    const stockLevels = page.items.map(toStockLevel);
    if (request.includeInbound && stockLevels.length > 0) {
      const products = [...new Set(stockLevels.map((l) => l.productId))];
      const inTransit = await this.app.db.inTenant(scope, async (work) => {
        const byProduct = new Map<string, Map<string, number>>();
        for (const p of products) byProduct.set(p, await this.inbound.inTransit(work, p));
        return byProduct;
      });
      for (const l of stockLevels) l.quantityInTransit = inTransit.get(l.productId)?.get(l.warehouseId) ?? 0;
    }
    return { stockLevels, nextPageToken: page.nextPageToken };
  }

  /**
   * One statement, one round trip (Database.read), shared with the tenant's other calls in flight
   * (inventory-by-sku.ts): the product and its levels are read together, so the totals always
   * belong to the product shown.
   * @throws AppError INVALID_ARGUMENT (malformed SKU), NOT_FOUND `PRODUCT_NOT_FOUND`.
   */
  async productInventory(
    scope: TenantScope,
    request: GetProductInventoryRequest,
  ): Promise<GetProductInventoryResponse> {
    const v = new Violations();
    const sku = input.sku(v, 'sku', request.sku);
    v.throwIfAny();
    const rows = await this.#bySku.read(scope, sku!);
    if (rows.length === 0) throw notFound('product');
    const warehouses: WarehouseStock[] = [];
    for (const r of rows) {
      if (r.warehouse_id === null) continue; // the product's one row when it has no levels
      warehouses.push({
        warehouseCode: r.warehouse_code!,
        warehouseName: r.warehouse_name!,
        warehouseStatus: WAREHOUSE_STATUS.toProto(r.warehouse_status!),
        balances: [],
        stockLevel: toStockLevel({
          warehouse_id: r.warehouse_id,
          product_id: r.id,
          quantity_on_hand: r.quantity_on_hand!,
          quantity_reserved: r.quantity_reserved!,
          quantity_available: r.quantity_available,
          quantity_on_hold: r.quantity_on_hold!,
          quantity_damaged: r.quantity_damaged!,
          reorder_point: r.level_reorder_point!,
          reorder_point_overridden: r.reorder_point_overridden!,
          version: r.level_version!,
          updated_at: r.level_updated_at,
        }),
      });
    }
    if (request.includeBalances && warehouses.length > 0) {
      // Balances are a second read, only when asked: the common answer stays one statement.
      const productId = rows[0]!.id;
      const balances = await this.app.db.inTenant(scope, async (work) => {
        const all: BalanceView[] = [];
        let after: [string, string, string, string] | undefined;
        for (;;) {
          const page = (await balancesQuery(work, { productId, includeEmpty: false }, after, 500).execute(work.tx))
            .rows;
          all.push(...page.slice(0, 500));
          if (page.length <= 500) return all;
          const last = page[499]!;
          after = [last.warehouse_id, last.location_code, last.product_id, last.lot_id ?? ''];
        }
      });
      for (const w of warehouses)
        w.balances = balances.filter((b) => b.warehouse_id === w.stockLevel!.warehouseId).map(toStockBalance);
    }
    let incoming = 0;
    if (request.includeInbound) {
      const productId = rows[0]!.id;
      const inbound = await this.app.db.inTenant(scope, async (work) => ({
        inTransit: await this.inbound.inTransit(work, productId),
        incoming: await this.inbound.incoming(work, productId),
      }));
      for (const w of warehouses)
        w.stockLevel!.quantityInTransit = inbound.inTransit.get(w.stockLevel!.warehouseId) ?? 0;
      incoming = inbound.incoming;
    }
    const sum = (pick: (l: StockLevel) => number) => warehouses.reduce((total, w) => total + pick(w.stockLevel!), 0);
    return {
      product: toProduct(rows[0]!),
      warehouses,
      totalOnHand: sum((l) => l.quantityOnHand),
      totalReserved: sum((l) => l.quantityReserved),
      totalAvailable: sum((l) => l.quantityAvailable),
      totalOnHold: sum((l) => l.quantityOnHold),
      totalDamaged: sum((l) => l.quantityDamaged),
      totalInTransit: sum((l) => l.quantityInTransit),
      totalIncoming: incoming,
    };
  }

  /**
   * Sets this location's reorder point (it then stops following the product), or with
   * `reorder_point_overridden` false makes it follow the product again. Creates the level when
   * it has never had stock (a level of zeros: the ledger, which has no entries for it, still
   * sums to it).
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND, ABORTED `ETAG_MISMATCH`.
   */
  async update(scope: TenantScope, request: UpdateStockLevelRequest): Promise<UpdateStockLevelResponse> {
    const v = new Violations();
    const level = request.stockLevel;
    const warehouseId = input.id(v, 'stock_level.warehouse_id', level?.warehouseId);
    const productId = input.id(v, 'stock_level.product_id', level?.productId);
    const paths = maskPaths(request.updateMask, LEVEL_SETTINGS);
    const setPoint = paths.has('reorder_point')
      ? input.intInRange(v, 'stock_level.reorder_point', level?.reorderPoint, 0, input.MAX_REORDER_QUANTITY)
      : undefined;
    const overridden = paths.has('reorder_point_overridden') ? Boolean(level?.reorderPointOverridden) : undefined;
    if (setPoint !== undefined && overridden === false) {
      v.add(
        'stock_level.reorder_point_overridden',
        'cannot be false while setting reorder_point (a set reorder point is an override)',
      );
    }
    v.throwIfAny();
    const org = scope.organizationId;
    return mutation(this.app.db, scope, wireMethod(StockServiceService.updateStockLevel), request, async (work) => {
      const product = await requireProduct(work, productId);
      await requireWarehouse(work, warehouseId);
      const current = await work.tx
        .selectFrom('inventory')
        .select(stockLevelColumns)
        .where('organization_id', '=', org)
        .where('warehouse_id', '=', warehouseId)
        .where('product_id', '=', productId)
        .forNoKeyUpdate()
        .executeTakeFirst();
      checkEtag(level!.etag, Number(current?.version ?? 0));
      const next =
        setPoint !== undefined
          ? { reorder_point: setPoint, reorder_point_overridden: true }
          : overridden
            ? { reorder_point: current?.reorder_point ?? product.reorder_point, reorder_point_overridden: true }
            : { reorder_point: product.reorder_point, reorder_point_overridden: false };
      const row = await work.tx
        .insertInto('inventory')
        .values({ organization_id: org, warehouse_id: warehouseId, product_id: productId, ...next })
        .onConflict((oc) =>
          oc
            .columns(['organization_id', 'warehouse_id', 'product_id'])
            .doUpdateSet({ ...next, version: sql`inventory.version + 1`, updated_at: sql`now()` }),
        )
        .returning(stockLevelColumns)
        .executeTakeFirstOrThrow();
      new StockLedger(work, this.app.cache).touch({ warehouseId, productId });
      // A level created here had zeros and the product's reorder point before.
      const before = current ?? { ...row, reorder_point: product.reorder_point, reorder_point_overridden: false };
      await recordChanges(work, stockLevelSettingsChanged(before, row, [...paths]));
      return { stockLevel: toStockLevel(row) };
    });
  }
}
