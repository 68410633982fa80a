import type { InferResult } from 'kysely';
import { settingsKey, type Database, type TenantScope } from '../platform/db/database.js';
import { textArray } from '../platform/db/inline-parameters.js';
import { PreparedRead } from '../platform/db/prepared-read.js';
import { KeyedBatcher } from '../platform/keyed-batcher.js';
import { productsInventoryQuery } from './list-queries.js';

/** "Inventory by product" answers for at most this many warehouses. */
const PRODUCT_INVENTORY_MAX_WAREHOUSES = 1000;

/** The most SKUs one coalesced read asks for. */
const MAX_SKUS_PER_READ = 100;

/**
 * Coalesced reads in flight per tenant scope at once: enough to keep PostgreSQL busy while the
 * next batch gathers, few enough that a burst of one tenant leaves the pool to others.
 */
const READS_IN_FLIGHT = 4;

/** "Inventory by product" for several SKUs, compiled once (prepared-read.ts). */
const inventoryBySkus = new PreparedRead((q, organizationId: string, skus: string) =>
  productsInventoryQuery(q, organizationId, skus, PRODUCT_INVENTORY_MAX_WAREHOUSES),
);

/** One row of productsInventoryQuery: the product, and one of its levels or NULLs. */
type InventoryRow = InferResult<ReturnType<typeof productsInventoryQuery>>[number];

interface SkuRead {
  scope: TenantScope;
  sku: string;
}

/**
 * "Inventory by product" reads (GetProductInventory), coalesced: the calls of one tenant scope
 * (organization, user and actor kind: the same row-level security settings) that arrive while
 * its earlier reads are in flight are answered by ONE statement for all their SKUs. So a busy
 * tenant's reads cost PostgreSQL one round trip, one wake-up and one plan per batch instead of
 * per call; a quiet tenant's read runs at once, alone. Each call still sees every write
 * committed before it arrived: its statement starts after it was queued.
 */
export class InventoryBySku {
  readonly #batcher: KeyedBatcher<SkuRead, InventoryRow[]>;

  constructor(private readonly db: Database) {
    this.#batcher = new KeyedBatcher((reads) => this.#readTogether(reads), {
      maxBatch: MAX_SKUS_PER_READ,
      maxInFlight: READS_IN_FLIGHT,
    });
  }

  /**
   * The product with this (normalised) SKU and its levels, by warehouse name: one row with NULL
   * level columns when it has no stock anywhere, none when there is no such product.
   */
  read(scope: TenantScope, sku: string): Promise<InventoryRow[]> {
    return this.#batcher.submit(settingsKey(scope), { scope, sku });
  }

  async #readTogether(reads: SkuRead[]): Promise<PromiseSettledResult<InventoryRow[]>[]> {
    const skus = [...new Set(reads.map((r) => r.sku))];
    const rows = await this.db.readPrepared(reads[0]!.scope, inventoryBySkus, [
      reads[0]!.scope.organizationId,
      textArray(skus),
    ]);
    const bySku = new Map<string, InventoryRow[]>();
    for (const row of rows) {
      const own = bySku.get(row.sku);
      if (own) own.push(row);
      else bySku.set(row.sku, [row]);
    }
    return reads.map((r) => ({ status: 'fulfilled', value: bySku.get(r.sku) ?? [] }));
  }
}
