import { MemoryCache } from '../platform/cache/memory-cache.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import type { Database, TenantScope } from '../platform/db/database.js';
import { resolveOrganization } from '../platform/db/resolve-organization.js';
import { compareLevelKeys, StockLedger, type LevelKey } from './stock-ledger.js';

const WAREHOUSES = [
  {
    code: 'MAIN',
    name: 'Main Warehouse',
    address: { regionCode: 'DE', postalCode: '10115', locality: 'Berlin', addressLines: ['Invalidenstr. 1'] },
  },
  {
    code: 'EAST',
    name: 'East Depot',
    address: { regionCode: 'PL', postalCode: '00-001', locality: 'Warszawa', addressLines: ['ul. Prosta 2'] },
  },
];

const PRODUCTS = [
  {
    sku: 'BOLT-M8',
    name: 'Hex bolt M8x40',
    unit_of_measure: 'box_of_100',
    unit_cost: '4.2000',
    selling_price: '7.9000',
    reorder_point: 20,
    reorder_quantity: 100,
  },
  {
    sku: 'NUT-M8',
    name: 'Hex nut M8',
    unit_of_measure: 'box_of_100',
    unit_cost: '1.8000',
    selling_price: '3.5000',
    reorder_point: 20,
    reorder_quantity: 100,
  },
  {
    sku: 'WASHER-M8',
    name: 'Washer M8',
    unit_of_measure: 'box_of_100',
    unit_cost: '0.9000',
    selling_price: '1.9000',
    reorder_point: 10,
    reorder_quantity: 50,
  },
  {
    sku: 'DRILL-18V',
    name: 'Cordless drill 18V',
    unit_of_measure: 'each',
    unit_cost: '54.0000',
    selling_price: '89.0000',
    reorder_point: 5,
    reorder_quantity: 10,
  },
  {
    sku: 'GLOVES-L',
    name: 'Work gloves, size L',
    unit_of_measure: 'pair',
    unit_cost: '2.1000',
    selling_price: '4.5000',
    reorder_point: 30,
    reorder_quantity: 120,
  },
];

/** Opening stock per (warehouse code, SKU); NUT-M8 at EAST starts below its reorder point. */
const OPENING_STOCK: [string, string, number][] = [
  ['MAIN', 'BOLT-M8', 120],
  ['MAIN', 'NUT-M8', 150],
  ['MAIN', 'WASHER-M8', 80],
  ['MAIN', 'DRILL-18V', 12],
  ['MAIN', 'GLOVES-L', 200],
  ['EAST', 'BOLT-M8', 40],
  ['EAST', 'NUT-M8', 8],
  ['EAST', 'DRILL-18V', 6],
];

/**
 * Inventory's part of the demo tenant: two warehouses, five products and opening stock received
 * through the stock ledger (so the ledger sums to the levels like everywhere else). Idempotent:
 * warehouses and products are matched by code and SKU, and stock is received only at levels
 * that do not exist yet. Runs as the platform ("system" actor).
 * @param organization the demo organization's name.
 * @returns lines describing what exists now, and the demo products' ids (for other domains' demo data).
 */
export async function loadInventoryDemo(
  owner: Database,
  organization: string,
): Promise<{ lines: string[]; productIds: string[] }> {
  const organizationId = await resolveOrganization(owner, organization);
  if (!organizationId) return { lines: [], productIds: [] };
  const scope: TenantScope = { organizationId, actorKind: 'system' };
  // No level the demo receives into existed before, so no cached read can be stale: a private
  // cache will do even while a server is running.
  const cache = new MemoryCache();
  return owner.inTenant(scope, async (work) => {
    await work.tx
      .insertInto('warehouses')
      .values(
        WAREHOUSES.map((w) => ({
          organization_id: organizationId,
          code: w.code,
          name: w.name,
          address: JSON.stringify(w.address),
        })),
      )
      .onConflict((oc) => oc.columns(['organization_id', 'code']).doNothing())
      .execute();
    await work.tx
      .insertInto('products')
      .values(
        PRODUCTS.map((p) => ({
          organization_id: organizationId,
          ...p,
          name_key: caseInsensitiveKey(p.name),
          unit_cost_currency: 'EUR',
          selling_price_currency: 'EUR',
        })),
      )
      .onConflict((oc) => oc.columns(['organization_id', 'sku']).doNothing())
      .execute();
    const warehouses = new Map(
      (
        await work.tx
          .selectFrom('warehouses')
          .select(['code', 'id'])
          .where('organization_id', '=', organizationId)
          .where(
            'code',
            'in',
            WAREHOUSES.map((w) => w.code),
          )
          .execute()
      ).map((w) => [w.code, w.id]),
    );
    const products = await work.tx
      .selectFrom('products')
      .select(['sku', 'id', 'reorder_point'])
      .where('organization_id', '=', organizationId)
      .where(
        'sku',
        'in',
        PRODUCTS.map((p) => p.sku),
      )
      .orderBy('sku')
      .execute();
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const existing = new Set(
      (
        await work.tx
          .selectFrom('inventory')
          .select(['warehouse_id', 'product_id'])
          .where('organization_id', '=', organizationId)
          .execute()
      ).map((l) => `${l.warehouse_id}/${l.product_id}`),
    );
    const receipts = OPENING_STOCK.map(([code, sku, quantity]) => ({
      key: { warehouseId: warehouses.get(code)!, productId: bySku.get(sku)!.id } satisfies LevelKey,
      reorderPoint: bySku.get(sku)!.reorder_point,
      quantity,
    }))
      .filter((r) => !existing.has(`${r.key.warehouseId}/${r.key.productId}`))
      .sort((a, b) => compareLevelKeys(a.key, b.key));
    const ledger = new StockLedger(work, cache);
    for (const r of receipts) {
      await ledger.move({
        type: 'receive',
        key: r.key,
        delta: { onHand: r.quantity, reserved: 0 },
        reorderPointIfNew: r.reorderPoint,
        reference: 'DEMO-OPENING',
        note: 'Opening stock of the demo tenant',
      });
    }
    return {
      lines: [
        `  warehouses:   ${WAREHOUSES.map((w) => `${w.code} (${w.name})`).join(', ')}`,
        `  products:     ${PRODUCTS.map((p) => p.sku).join(', ')}`,
        `  stock:        ${OPENING_STOCK.length} levels (${receipts.length} received now); NUT-M8 at EAST is low`,
      ],
      productIds: products.map((p) => p.id),
    };
  });
}
