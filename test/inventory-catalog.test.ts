import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { ProductStatus, WarehouseStatus } from '../gen/ts/imsop/inventory/v1/resources.js';
import { loadInventoryDemo } from '../src/inventory/demo-data.js';
import { ownerDatabase } from '../src/runtime.js';
import { expectError } from './support/expect-error.js';
import { adminQuery, supplierIdFor, unbalancedLevels } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { Status } from './support/sdk.js';
import { seedOrganization } from './support/server.js';
import { signIn } from './support/tenant.js';

const it = inventoryTest;

const eur = (units: number, nanos = 0) => ({ currencyCode: 'EUR', units, nanos });

describe('products', () => {
  it('creates a product with exact money, reads it by id and by SKU in any case', async ({ server, a }) => {
    const { product } = await a.imsop.products.createProduct({
      product: {
        sku: 'bolt-m8.40',
        name: 'Bolt M8x40',
        description: 'Zinc plated',
        unitOfMeasure: 'box_of_100',
        unitCost: eur(12, 345_600_000),
        sellingPrice: eur(19, 990_000_000),
        reorderPoint: 10,
        reorderQuantity: 50,
      },
    });
    expect(product).toMatchObject({
      sku: 'BOLT-M8.40',
      name: 'Bolt M8x40',
      unitOfMeasure: 'box_of_100',
      unitCost: eur(12, 345_600_000),
      sellingPrice: eur(19, 990_000_000),
      reorderPoint: 10,
      reorderQuantity: 50,
      status: ProductStatus.PRODUCT_STATUS_ACTIVE,
      supplierId: '',
      etag: '"v1"',
    });
    const rows = await adminQuery<{ unit_cost: string }>(server, 'SELECT unit_cost::text FROM products WHERE id = $1', [
      product!.id,
    ]);
    expect(rows[0]!.unit_cost).toBe('12.3456');

    expect((await a.imsop.products.getProduct({ productId: product!.id })).product).toEqual(product);
    expect((await a.imsop.products.getProductBySku({ sku: ' Bolt-M8.40 ' })).product).toEqual(product);
  });

  it('refuses a duplicate SKU with ALREADY_EXISTS but lets another organization use it', async ({ a, b }) => {
    await a.imsop.products.createProduct({ product: { sku: 'DUP-1', name: 'First' } });
    const dup = await expectError(a.imsop.products.createProduct({ product: { sku: 'dup-1', name: 'Second' } }));
    expect(dup).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'SKU_TAKEN' });
    expect(
      (await b.imsop.products.createProduct({ product: { sku: 'DUP-1', name: 'Other tenant' } })).product?.sku,
    ).toBe('DUP-1');
  });

  it('reports every invalid field at once', async ({ a }) => {
    const bad = await expectError(
      a.imsop.products.createProduct({
        product: {
          sku: 'no spaces!',
          name: '',
          unitOfMeasure: 'Kilo Gram',
          unitCost: eur(1, 123_450_000),
          sellingPrice: { currencyCode: 'eur', units: -1 },
          reorderPoint: -5,
          supplierId: 'not-a-uuid',
          status: ProductStatus.PRODUCT_STATUS_ARCHIVED,
        },
      }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.fieldViolations.map((f) => f.field).sort()).toEqual(
      [
        'product.name',
        'product.reorder_point',
        'product.selling_price',
        'product.selling_price.currency_code',
        'product.sku',
        'product.status',
        'product.supplier_id',
        'product.unit_cost',
        'product.unit_of_measure',
      ].sort(),
    );
    expect(bad.fieldViolations.find((f) => f.field === 'product.unit_cost')?.description).toBe(
      'must have at most 4 decimal places',
    );
    const missing = await expectError(a.imsop.products.createProduct({}));
    expect(missing.fieldViolations).toEqual([{ field: 'product', description: 'is required' }]);
  });

  it('lists by SKU with keyset pages and filters by status, SKU prefix, name prefix and supplier', async ({
    server,
    a,
  }) => {
    const supplier = await supplierIdFor(server, a.organizationId);
    for (const [sku, name] of [
      ['LST-A1', 'Anchor small'],
      ['LST-A2', 'anchor large'],
      ['LST-B1', 'Bracket'],
      ['LST-B2', 'Bracket wide'],
      ['LST-C1', 'Clamp'],
    ]) {
      await a.imsop.products.createProduct({ product: { sku, name, supplierId: sku.endsWith('1') ? supplier : '' } });
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await a.imsop.products.listProducts({ pageSize: 2, pageToken, skuPrefix: 'lst-' });
      expect(page.products.length).toBeLessThanOrEqual(2);
      seen.push(...page.products.map((p) => p.sku));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(['LST-A1', 'LST-A2', 'LST-B1', 'LST-B2', 'LST-C1']);

    const names = await a.imsop.products.listProducts({ namePrefix: 'ANCH' });
    expect(names.products.map((p) => p.sku)).toEqual(['LST-A1', 'LST-A2']);
    const bySupplier = await a.imsop.products.listProducts({ supplierId: supplier });
    expect(bySupplier.products.map((p) => p.sku)).toEqual(['LST-A1', 'LST-B1', 'LST-C1']);

    const clamp = (await a.imsop.products.getProductBySku({ sku: 'LST-C1' })).product!;
    await a.imsop.products.archiveProduct({ productId: clamp.id });
    expect((await a.imsop.products.listProducts({ skuPrefix: 'LST-' })).products.map((p) => p.sku)).not.toContain(
      'LST-C1',
    );
    const archived = await a.imsop.products.listProducts({
      skuPrefix: 'LST-',
      status: ProductStatus.PRODUCT_STATUS_ARCHIVED,
    });
    expect(archived.products.map((p) => p.sku)).toEqual(['LST-C1']);

    // A token only continues the listing it came from.
    const first = await a.imsop.products.listProducts({ pageSize: 1, skuPrefix: 'LST-' });
    const foreign = await expectError(
      a.imsop.products.listProducts({ pageSize: 1, skuPrefix: 'LST-B', pageToken: first.nextPageToken }),
    );
    expect(foreign.fieldViolations.map((f) => f.field)).toEqual(['page_token']);
    const forged = Buffer.from(JSON.stringify({ k: [42], b: 'x' })).toString('base64url');
    expect((await expectError(a.imsop.products.listProducts({ pageToken: forged }))).code).toBe(
      Status.INVALID_ARGUMENT,
    );
    expect((await expectError(a.imsop.products.listProducts({ pageSize: -1 }))).fieldViolations[0]?.field).toBe(
      'page_size',
    );
  });

  it('updates only the masked fields, checks the etag and keeps SKUs unique', async ({ a }) => {
    const { product } = await a.imsop.products.createProduct({
      product: { sku: 'UPD-1', name: 'Before', description: 'kept' },
    });
    const { product: updated } = await a.imsop.products.updateProduct({
      product: {
        id: product!.id,
        name: 'After',
        description: 'ignored: not in the mask',
        sellingPrice: eur(5),
        etag: product!.etag,
      },
      updateMask: ['name', 'selling_price'],
    });
    expect(updated).toMatchObject({ name: 'After', description: 'kept', sellingPrice: eur(5), etag: '"v2"' });

    const stale = await expectError(
      a.imsop.products.updateProduct({
        product: { id: product!.id, name: 'Lost update', etag: product!.etag },
        updateMask: ['name'],
      }),
    );
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });

    const cleared = await a.imsop.products.updateProduct({
      product: { id: product!.id },
      updateMask: ['selling_price'],
    });
    expect(cleared.product?.sellingPrice).toBeUndefined();

    await a.imsop.products.createProduct({ product: { sku: 'UPD-2', name: 'Other' } });
    const taken = await expectError(
      a.imsop.products.updateProduct({ product: { id: product!.id, sku: 'upd-2' }, updateMask: ['sku'] }),
    );
    expect(taken).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'SKU_TAKEN' });

    expect(
      (await expectError(a.imsop.products.updateProduct({ product: { id: product!.id }, updateMask: [] })))
        .fieldViolations[0]?.field,
    ).toBe('update_mask');
    expect(
      (await expectError(a.imsop.products.updateProduct({ product: { id: product!.id }, updateMask: ['id'] })))
        .fieldViolations[0]?.field,
    ).toBe('update_mask');
    const archiving = await expectError(
      a.imsop.products.updateProduct({
        product: { id: product!.id, status: ProductStatus.PRODUCT_STATUS_ARCHIVED },
        updateMask: ['status'],
      }),
    );
    expect(archiving.fieldViolations[0]?.field).toBe('product.status');
  });

  it('serves reads from the cache but never stale after a change (by id and by SKU)', async ({ a }) => {
    const { product } = await a.imsop.products.createProduct({ product: { sku: 'CACHE-1', name: 'Cached' } });
    await a.imsop.products.getProduct({ productId: product!.id });
    await a.imsop.products.getProductBySku({ sku: 'CACHE-1' });
    await a.imsop.products.updateProduct({
      product: { id: product!.id, name: 'Renamed', sku: 'CACHE-2' },
      updateMask: ['name', 'sku'],
    });
    expect((await a.imsop.products.getProduct({ productId: product!.id })).product?.name).toBe('Renamed');
    expect((await a.imsop.products.getProductBySku({ sku: 'CACHE-2' })).product?.name).toBe('Renamed');
    expect((await expectError(a.imsop.products.getProductBySku({ sku: 'CACHE-1' }))).reason).toBe('PRODUCT_NOT_FOUND');
    await a.imsop.products.archiveProduct({ productId: product!.id });
    expect((await a.imsop.products.getProduct({ productId: product!.id })).product?.status).toBe(
      ProductStatus.PRODUCT_STATUS_ARCHIVED,
    );
  });

  it('audits every catalogue change with its actor', async ({ server, a }) => {
    const { product } = await a.imsop.products.createProduct({ product: { sku: 'AUD-1', name: 'Audited' } });
    await a.imsop.products.updateProduct({ product: { id: product!.id, name: 'Audited twice' }, updateMask: ['name'] });
    const rows = await adminQuery<{ operation: string; actor_id: string; name: string }>(
      server,
      `SELECT operation, actor_id, after ->> 'name' AS name FROM audit_log WHERE table_name = 'products' AND row_key = $1 ORDER BY id`,
      [product!.id],
    );
    expect(rows).toEqual([
      { operation: 'INSERT', actor_id: a.adminUserId, name: 'Audited' },
      { operation: 'UPDATE', actor_id: a.adminUserId, name: 'Audited twice' },
    ]);
  });

  it('archives idempotently and restores with an update to ACTIVE', async ({ a }) => {
    const { product } = await a.imsop.products.createProduct({ product: { sku: 'ARC-1', name: 'Archivable' } });
    const first = await a.imsop.products.archiveProduct({ productId: product!.id, etag: product!.etag });
    const again = await a.imsop.products.archiveProduct({ productId: product!.id });
    expect(again.product).toEqual(first.product);
    const restored = await a.imsop.products.updateProduct({
      product: { id: product!.id, status: ProductStatus.PRODUCT_STATUS_ACTIVE },
      updateMask: ['status'],
    });
    expect(restored.product?.status).toBe(ProductStatus.PRODUCT_STATUS_ACTIVE);
  });

  it('honours request_id: a retry returns the first response and creates nothing', async ({ a }) => {
    const requestId = randomUUID();
    const first = await a.imsop.products.createProduct({ product: { sku: 'IDEM-1', name: 'Once' }, requestId });
    const retry = await a.imsop.products.createProduct({ product: { sku: 'IDEM-1', name: 'Once' }, requestId });
    expect(retry).toEqual(first);
    const reused = await expectError(
      a.imsop.products.createProduct({ product: { sku: 'IDEM-2', name: 'Different' }, requestId }),
    );
    expect(reused).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'REQUEST_ID_REUSED' });

    const updateId = randomUUID();
    const u1 = await a.imsop.products.updateProduct({
      product: { id: first.product!.id, reorderPoint: 7 },
      updateMask: ['reorder_point'],
      requestId: updateId,
    });
    const u2 = await a.imsop.products.updateProduct({
      product: { id: first.product!.id, reorderPoint: 7 },
      updateMask: ['reorder_point'],
      requestId: updateId,
    });
    expect(u2).toEqual(u1);
    expect((await a.imsop.products.getProduct({ productId: first.product!.id })).product?.etag).toBe('"v2"');

    const archiveId = randomUUID();
    const a1 = await a.imsop.products.archiveProduct({ productId: first.product!.id, requestId: archiveId });
    expect(await a.imsop.products.archiveProduct({ productId: first.product!.id, requestId: archiveId })).toEqual(a1);
    expect(
      (
        await expectError(
          a.imsop.products.createProduct({ product: { sku: 'IDEM-3', name: 'x' }, requestId: 'not-a-uuid' }),
        )
      ).fieldViolations[0]?.field,
    ).toBe('request_id');
  });

  it("makes another organization's product NOT_FOUND for every product RPC", async ({ server, a, b }) => {
    const { product } = await a.imsop.products.createProduct({ product: { sku: 'SECRET-1', name: 'Tenant A only' } });
    const answers = await Promise.all([
      expectError(b.imsop.products.getProduct({ productId: product!.id })),
      expectError(b.imsop.products.getProductBySku({ sku: 'SECRET-1' })),
      expectError(
        b.imsop.products.updateProduct({ product: { id: product!.id, name: 'hijack' }, updateMask: ['name'] }),
      ),
      expectError(b.imsop.products.archiveProduct({ productId: product!.id })),
    ]);
    for (const e of answers) expect(e).toMatchObject({ code: Status.NOT_FOUND, reason: 'PRODUCT_NOT_FOUND' });
    expect((await b.imsop.products.listProducts({ skuPrefix: 'SECRET' })).products).toEqual([]);
    expect((await a.imsop.products.getProduct({ productId: product!.id })).product?.name).toBe('Tenant A only');
    const missing = await expectError(b.imsop.products.getProduct({ productId: randomUUID() }));
    expect(missing.message).toBe(answers[0]!.message);

    // Once procurement's suppliers exist, another organization's supplier is NOT_FOUND too.
    const [suppliers] = await adminQuery<{ t: string | null }>(server, `SELECT to_regclass('suppliers')::text AS t`);
    if (suppliers?.t) {
      const foreign = await supplierIdFor(server, b.organizationId);
      const refused = await expectError(
        a.imsop.products.createProduct({ product: { sku: 'SUP-X', name: 'x', supplierId: foreign } }),
      );
      expect(refused).toMatchObject({ code: Status.NOT_FOUND, reason: 'SUPPLIER_NOT_FOUND' });
    }
  });
});

describe('warehouses', () => {
  it('creates, reads, lists, updates and deactivates a warehouse with address and manager', async ({ a }) => {
    const { warehouse } = await a.imsop.warehouses.createWarehouse({
      warehouse: {
        code: 'ber-1',
        name: 'Berlin',
        address: { regionCode: 'de', postalCode: '10115', locality: 'Berlin', addressLines: ['Invalidenstr. 1'] },
        capacityUnits: 5000,
        managerUserId: a.adminUserId,
      },
    });
    expect(warehouse).toMatchObject({
      code: 'BER-1',
      name: 'Berlin',
      address: { regionCode: 'DE', postalCode: '10115', locality: 'Berlin', addressLines: ['Invalidenstr. 1'] },
      capacityUnits: 5000,
      managerUserId: a.adminUserId,
      status: WarehouseStatus.WAREHOUSE_STATUS_ACTIVE,
    });
    expect((await a.imsop.warehouses.getWarehouse({ warehouseId: warehouse!.id })).warehouse).toEqual(warehouse);

    const { warehouse: renamed } = await a.imsop.warehouses.updateWarehouse({
      warehouse: { id: warehouse!.id, name: 'Berlin Mitte', managerUserId: '', etag: warehouse!.etag },
      updateMask: ['name', 'manager_user_id'],
    });
    expect(renamed).toMatchObject({ name: 'Berlin Mitte', managerUserId: '', capacityUnits: 5000 });
    expect((await a.imsop.warehouses.getWarehouse({ warehouseId: warehouse!.id })).warehouse?.name).toBe(
      'Berlin Mitte',
    );

    const { warehouse: inactive } = await a.imsop.warehouses.deactivateWarehouse({ warehouseId: warehouse!.id });
    expect(inactive?.status).toBe(WarehouseStatus.WAREHOUSE_STATUS_INACTIVE);
    expect((await a.imsop.warehouses.deactivateWarehouse({ warehouseId: warehouse!.id })).warehouse).toEqual(inactive);
    expect((await a.imsop.warehouses.getWarehouse({ warehouseId: warehouse!.id })).warehouse?.status).toBe(
      WarehouseStatus.WAREHOUSE_STATUS_INACTIVE,
    );

    const active = await a.imsop.warehouses.listWarehouses({ status: WarehouseStatus.WAREHOUSE_STATUS_ACTIVE });
    expect(active.warehouses.map((w) => w.code)).not.toContain('BER-1');
    const stale = await expectError(
      a.imsop.warehouses.deactivateWarehouse({ warehouseId: warehouse!.id, etag: warehouse!.etag }),
    );
    expect(stale.reason).toBe('ETAG_MISMATCH');
  });

  it('pages warehouses by code', async ({ b }) => {
    for (const code of ['PG-C', 'PG-A', 'PG-B'])
      await b.imsop.warehouses.createWarehouse({ warehouse: { code, name: code } });
    const first = await b.imsop.warehouses.listWarehouses({ pageSize: 2 });
    const second = await b.imsop.warehouses.listWarehouses({ pageSize: 2, pageToken: first.nextPageToken });
    const codes = [...first.warehouses, ...second.warehouses].map((w) => w.code).filter((c) => c.startsWith('PG-'));
    expect(codes).toEqual(['PG-A', 'PG-B', 'PG-C']);
  });

  it('refuses a manager from another organization as NOT_FOUND, and duplicate codes', async ({ a, b }) => {
    const foreign = await expectError(
      a.imsop.warehouses.createWarehouse({ warehouse: { code: 'MGR-X', name: 'x', managerUserId: b.adminUserId } }),
    );
    expect(foreign).toMatchObject({ code: Status.NOT_FOUND, reason: 'USER_NOT_FOUND' });
    const { warehouse } = await a.imsop.warehouses.createWarehouse({ warehouse: { code: 'MGR-1', name: 'Managed' } });
    const update = await expectError(
      a.imsop.warehouses.updateWarehouse({
        warehouse: { id: warehouse!.id, managerUserId: b.adminUserId },
        updateMask: ['manager_user_id'],
      }),
    );
    expect(update.reason).toBe('USER_NOT_FOUND');
    const dup = await expectError(a.imsop.warehouses.createWarehouse({ warehouse: { code: 'mgr-1', name: 'again' } }));
    expect(dup).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'WAREHOUSE_CODE_TAKEN' });
  });

  it('validates warehouse fields', async ({ a }) => {
    const bad = await expectError(
      a.imsop.warehouses.createWarehouse({
        warehouse: {
          code: 'has space',
          name: ' ',
          capacityUnits: -1,
          address: { postalCode: '1' },
          managerUserId: 'x',
        },
      }),
    );
    expect(bad.fieldViolations.map((f) => f.field).sort()).toEqual(
      [
        'warehouse.address.region_code',
        'warehouse.capacity_units',
        'warehouse.code',
        'warehouse.manager_user_id',
        'warehouse.name',
      ].sort(),
    );
  });

  it("honours request_id and hides another organization's warehouse", async ({ a, b }) => {
    const requestId = randomUUID();
    const first = await a.imsop.warehouses.createWarehouse({ warehouse: { code: 'IDEM-W', name: 'Once' }, requestId });
    expect(
      await a.imsop.warehouses.createWarehouse({ warehouse: { code: 'IDEM-W', name: 'Once' }, requestId }),
    ).toEqual(first);
    const updateId = randomUUID();
    const u1 = await a.imsop.warehouses.updateWarehouse({
      warehouse: { id: first.warehouse!.id, capacityUnits: 10 },
      updateMask: ['capacity_units'],
      requestId: updateId,
    });
    expect(
      await a.imsop.warehouses.updateWarehouse({
        warehouse: { id: first.warehouse!.id, capacityUnits: 10 },
        updateMask: ['capacity_units'],
        requestId: updateId,
      }),
    ).toEqual(u1);
    const deactivateId = randomUUID();
    const d1 = await a.imsop.warehouses.deactivateWarehouse({
      warehouseId: first.warehouse!.id,
      requestId: deactivateId,
    });
    expect(
      await a.imsop.warehouses.deactivateWarehouse({ warehouseId: first.warehouse!.id, requestId: deactivateId }),
    ).toEqual(d1);
    expect((await a.imsop.warehouses.getWarehouse({ warehouseId: first.warehouse!.id })).warehouse?.etag).toBe('"v3"');

    const id = first.warehouse!.id;
    for (const e of await Promise.all([
      expectError(b.imsop.warehouses.getWarehouse({ warehouseId: id })),
      expectError(b.imsop.warehouses.updateWarehouse({ warehouse: { id, name: 'hijack' }, updateMask: ['name'] })),
      expectError(b.imsop.warehouses.deactivateWarehouse({ warehouseId: id })),
    ])) {
      expect(e).toMatchObject({ code: Status.NOT_FOUND, reason: 'WAREHOUSE_NOT_FOUND' });
    }
  });
});

describe('the demo loader', () => {
  it('loads warehouses, products and opening stock through the ledger, once', async ({ server }) => {
    const org = await seedOrganization(server);
    const owner = ownerDatabase(server.runtime.database, server.runtime.app.logger);
    try {
      const first = await loadInventoryDemo(owner, org.name);
      const second = await loadInventoryDemo(owner, org.name);
      expect(first.productIds).toHaveLength(5);
      expect(second.productIds).toEqual(first.productIds);
      expect(first.lines[2]).toContain('(8 received now)');
      expect(second.lines[2]).toContain('(0 received now)');
      expect(await loadInventoryDemo(owner, 'no-such-organization')).toEqual({ lines: [], productIds: [] });
    } finally {
      await owner.close();
    }
    const imsop = server.connect(await signIn(server, org.name, org.adminEmail, org.adminPassword));
    const bolts = await imsop.stock.getProductInventory({ sku: 'BOLT-M8' });
    expect(bolts.warehouses.map((w) => w.warehouseName)).toEqual(['East Depot', 'Main Warehouse']);
    expect(bolts.totalOnHand).toBe(160);
    const low = await imsop.stock.listStockLevels({ lowStockOnly: true });
    expect(low.stockLevels).toHaveLength(1);
    expect(await unbalancedLevels(server, org.organizationId)).toEqual([]);
  });
});
