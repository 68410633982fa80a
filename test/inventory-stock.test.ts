import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import {
  AdjustmentReason,
  InventoryTransactionType as T,
  ReservationStatus,
  WarehouseStatus,
} from '../gen/ts/imsop/inventory/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { adminQuery, productAndWarehouse } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { Status } from './support/sdk.js';

// The sweeper is off here: expiry is tested in inventory-expiry.test.ts.
const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

describe('stock movements', () => {
  it('receives, issues, adjusts and counts, each with one ledger entry and the balances after it', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { reorderPoint: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };

    const untouched = await a.imsop.stock.getStockLevel(level);
    expect(untouched.stockLevel).toMatchObject({
      quantityOnHand: 0,
      quantityAvailable: 0,
      reorderPoint: 5,
      lowStock: true,
      etag: '"v0"',
    });
    expect(untouched.stockLevel?.updateTime).toBeUndefined();

    const received = await a.imsop.stock.receiveStock({
      ...level,
      quantity: 40,
      note: 'first delivery',
      reference: 'DN-1',
    });
    expect(received.stockLevel).toMatchObject({
      quantityOnHand: 40,
      quantityReserved: 0,
      quantityAvailable: 40,
      reorderPoint: 5,
      lowStock: false,
    });
    expect(received.transaction).toMatchObject({
      type: T.INVENTORY_TRANSACTION_TYPE_RECEIVE,
      onHandDelta: 40,
      reservedDelta: 0,
      onHandAfter: 40,
      note: 'first delivery',
      reference: 'DN-1',
      actorId: a.adminUserId,
    });

    const issued = await a.imsop.stock.issueStock({ ...level, quantity: 15, reference: 'SO-1' });
    expect(issued.stockLevel?.quantityOnHand).toBe(25);
    expect(issued.transaction).toMatchObject({
      type: T.INVENTORY_TRANSACTION_TYPE_ISSUE,
      onHandDelta: -15,
      onHandAfter: 25,
    });

    const damaged = await a.imsop.stock.adjustStock({
      ...level,
      reason: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
      change: { $case: 'quantityDelta', value: -3 },
      note: 'forklift',
    });
    expect(damaged.transaction).toMatchObject({
      type: T.INVENTORY_TRANSACTION_TYPE_ADJUST,
      reason: AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
      onHandDelta: -3,
    });
    expect(damaged.transaction?.countedQuantity).toBeUndefined();

    const counted = await a.imsop.stock.adjustStock({
      ...level,
      reason: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
      change: { $case: 'countedQuantity', value: 20 },
    });
    expect(counted.transaction).toMatchObject({ onHandDelta: -2, onHandAfter: 20, countedQuantity: 20 });
    const confirmed = await a.imsop.stock.adjustStock({
      ...level,
      reason: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
      change: { $case: 'countedQuantity', value: 20 },
    });
    expect(confirmed.transaction).toMatchObject({ onHandDelta: 0, onHandAfter: 20 });

    const found = await a.imsop.stock.adjustStock({
      ...level,
      reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
      change: { $case: 'quantityDelta', value: 2 },
    });
    expect(found.stockLevel?.quantityOnHand).toBe(22);
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(22);

    const ledger = await a.imsop.stock.listInventoryTransactions({ productId: product.id });
    expect(ledger.transactions.map((t) => t.onHandDelta)).toEqual([2, 0, -2, -3, -15, 40]);
  });

  it('refuses to take more than is available: FAILED_PRECONDITION INSUFFICIENT_STOCK with the available quantity, nothing changed', async ({
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    await a.imsop.stock.reserveStock({ ...level, quantity: 4 });

    for (const attempt of [
      () => a.imsop.stock.issueStock({ ...level, quantity: 7 }),
      () =>
        a.imsop.stock.adjustStock({
          ...level,
          reason: AdjustmentReason.ADJUSTMENT_REASON_LOST,
          change: { $case: 'quantityDelta', value: -7 },
        }),
      () =>
        a.imsop.stock.adjustStock({
          ...level,
          reason: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
          change: { $case: 'countedQuantity', value: 3 },
        }),
      () => a.imsop.stock.reserveStock({ ...level, quantity: 7 }),
    ]) {
      const e = await expectError(attempt());
      expect(e).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
      expect(e.metadata.available).toBe('6');
    }
    const { product: other } = await a.imsop.products.createProduct({
      product: { sku: `NEVER-${randomUUID().slice(0, 8)}`, name: 'Never stocked' },
    });
    const none = await expectError(
      a.imsop.stock.issueStock({ warehouseId: warehouse.id, productId: other!.id, quantity: 1 }),
    );
    expect(none).toMatchObject({ reason: 'INSUFFICIENT_STOCK', metadata: expect.objectContaining({ available: '0' }) });
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityOnHand: 10,
      quantityReserved: 4,
      quantityAvailable: 6,
    });
  });

  it('transfers between warehouses with paired ledger entries', async ({ a }) => {
    const { product, warehouse: from } = await productAndWarehouse(a, { onHand: 30, reorderPoint: 3 });
    const { warehouse: to } = await a.imsop.warehouses.createWarehouse({
      warehouse: { code: `TO-${randomUUID().slice(0, 8)}`, name: 'Destination' },
    });
    const moved = await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: from.id,
      destinationWarehouseId: to!.id,
      quantity: 12,
      reference: 'TR-1',
    });
    expect(moved.sourceStockLevel).toMatchObject({ warehouseId: from.id, quantityOnHand: 18 });
    expect(moved.destinationStockLevel).toMatchObject({ warehouseId: to!.id, quantityOnHand: 12, reorderPoint: 3 });
    const [out, into] = moved.transactions;
    expect(out).toMatchObject({ type: T.INVENTORY_TRANSACTION_TYPE_TRANSFER_OUT, onHandDelta: -12, reference: 'TR-1' });
    expect(into).toMatchObject({
      type: T.INVENTORY_TRANSACTION_TYPE_TRANSFER_IN,
      onHandDelta: 12,
      transferId: out!.transferId,
    });
    expect(out!.transferId).toMatch(/^[0-9a-f-]{36}$/);

    const same = await expectError(
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: from.id,
        destinationWarehouseId: from.id,
        quantity: 1,
      }),
    );
    expect(same.fieldViolations.map((f) => f.field)).toEqual(['destination_warehouse_id']);
    const tooMuch = await expectError(
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: from.id,
        destinationWarehouseId: to!.id,
        quantity: 19,
      }),
    );
    expect(tooMuch).toMatchObject({
      reason: 'INSUFFICIENT_STOCK',
      metadata: expect.objectContaining({ available: '18' }),
    });

    await a.imsop.warehouses.deactivateWarehouse({ warehouseId: to!.id });
    const closed = await expectError(
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: from.id,
        destinationWarehouseId: to!.id,
        quantity: 1,
      }),
    );
    expect(closed).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'WAREHOUSE_INACTIVE' });
    // Stock can still leave an inactive warehouse.
    await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: to!.id,
      destinationWarehouseId: from.id,
      quantity: 2,
    });
    expect(
      (await expectError(a.imsop.stock.receiveStock({ warehouseId: to!.id, productId: product.id, quantity: 1 })))
        .reason,
    ).toBe('WAREHOUSE_INACTIVE');
  });

  it('refuses receipts and reservations of archived products but lets their stock go', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    await a.imsop.products.archiveProduct({ productId: product.id });
    for (const attempt of [
      // Without a request_id a plain receipt commits with its one statement; with one, it
      // commits with the stored answer: both refuse with the exact reason and write nothing.
      () => a.imsop.stock.receiveStock({ ...level, quantity: 1 }),
      () => a.imsop.stock.receiveStock({ ...level, quantity: 1, requestId: randomUUID() }),
      () => a.imsop.stock.reserveStock({ ...level, quantity: 1 }),
    ]) {
      expect(await expectError(attempt())).toMatchObject({
        code: Status.FAILED_PRECONDITION,
        reason: 'PRODUCT_ARCHIVED',
      });
    }
    const ledger = await a.imsop.stock.listInventoryTransactions({ productId: product.id });
    expect(ledger.transactions.map((t) => t.type)).toEqual([T.INVENTORY_TRANSACTION_TYPE_RECEIVE]);
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(5);
    expect((await a.imsop.stock.issueStock({ ...level, quantity: 5 })).stockLevel?.quantityOnHand).toBe(0);
  });

  it('refuses a level beyond 2^31-1 units with STOCK_LIMIT_EXCEEDED', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 1_000_000_000 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    await a.imsop.stock.receiveStock({ ...level, quantity: 1_000_000_000 });
    const e = await expectError(a.imsop.stock.receiveStock({ ...level, quantity: 1_000_000_000 }));
    expect(e).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'STOCK_LIMIT_EXCEEDED' });
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(2_000_000_000);
  });
});

describe('invalid movements', () => {
  it('refuse zero, negative and oversized quantities, malformed ids and long texts with field violations', async ({
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const fields = async (p: Promise<unknown>) => {
      const e = await expectError(p);
      expect(e.code).toBe(Status.INVALID_ARGUMENT);
      return e.fieldViolations.map((f) => f.field).sort();
    };
    expect(await fields(a.imsop.stock.receiveStock({ ...level, quantity: 0 }))).toEqual(['quantity']);
    expect(await fields(a.imsop.stock.receiveStock({ ...level, quantity: -3 }))).toEqual(['quantity']);
    expect(await fields(a.imsop.stock.issueStock({ ...level, quantity: 1_000_000_001 }))).toEqual(['quantity']);
    expect(await fields(a.imsop.stock.reserveStock({ ...level, quantity: -1 }))).toEqual(['quantity']);
    expect(
      await fields(
        a.imsop.stock.receiveStock({ warehouseId: 'w', productId: '', quantity: 1, note: 'x'.repeat(1001) }),
      ),
    ).toEqual(['note', 'product_id', 'warehouse_id']);
    expect(
      await fields(
        a.imsop.stock.transferStock({
          productId: product.id,
          sourceWarehouseId: warehouse.id,
          destinationWarehouseId: randomUUID(),
          quantity: 0,
        }),
      ),
    ).toEqual(['quantity']);
    expect(await fields(a.imsop.stock.getStockLevel({ warehouseId: 'nope', productId: product.id }))).toEqual([
      'warehouse_id',
    ]);
  });

  it('refuse adjustments without a known reason, with a zero change, or mixing count and delta', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const fields = async (p: Promise<unknown>) => (await expectError(p)).fieldViolations.map((f) => f.field).sort();
    expect(await fields(a.imsop.stock.adjustStock({ ...level, change: { $case: 'quantityDelta', value: 1 } }))).toEqual(
      ['reason'],
    );
    expect(
      await fields(
        a.imsop.stock.adjustStock({
          ...level,
          reason: 99 as AdjustmentReason,
          change: { $case: 'quantityDelta', value: 1 },
        }),
      ),
    ).toEqual(['reason']);
    expect(
      await fields(
        a.imsop.stock.adjustStock({
          ...level,
          reason: AdjustmentReason.ADJUSTMENT_REASON_LOST,
          change: { $case: 'quantityDelta', value: 0 },
        }),
      ),
    ).toEqual(['quantity_delta']);
    expect(
      await fields(a.imsop.stock.adjustStock({ ...level, reason: AdjustmentReason.ADJUSTMENT_REASON_LOST })),
    ).toEqual(['quantity_delta']);
    expect(
      await fields(
        a.imsop.stock.adjustStock({
          ...level,
          reason: AdjustmentReason.ADJUSTMENT_REASON_LOST,
          change: { $case: 'countedQuantity', value: 4 },
        }),
      ),
    ).toEqual(['counted_quantity', 'quantity_delta']);
    expect(
      await fields(
        a.imsop.stock.adjustStock({
          ...level,
          reason: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
          change: { $case: 'quantityDelta', value: 2 },
        }),
      ),
    ).toEqual(['counted_quantity', 'quantity_delta']);
    expect(
      await fields(
        a.imsop.stock.adjustStock({
          ...level,
          reason: AdjustmentReason.ADJUSTMENT_REASON_CYCLE_COUNT,
          change: { $case: 'countedQuantity', value: -1 },
        }),
      ),
    ).toEqual(['counted_quantity']);
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(5);
  });
});

describe('reservations', () => {
  it('reserve, release and fulfil move reserved and on-hand stock through the ledger', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };

    const r1 = await a.imsop.stock.reserveStock({ ...level, quantity: 3, reference: 'ORDER-1' });
    expect(r1.reservation).toMatchObject({
      quantity: 3,
      status: ReservationStatus.RESERVATION_STATUS_ACTIVE,
      reference: 'ORDER-1',
      createdBy: a.adminUserId,
    });
    expect(r1.reservation?.expireTime).toBeUndefined();
    expect(r1.stockLevel).toMatchObject({ quantityOnHand: 10, quantityReserved: 3, quantityAvailable: 7 });

    const r2 = await a.imsop.stock.reserveStock({
      ...level,
      quantity: 4,
      expiration: { $case: 'ttl', value: { seconds: 3600, nanos: 0 } },
    });
    const expiresIn = r2.reservation!.expireTime!.getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThan(3700_000);

    const released = await a.imsop.stock.releaseReservation({ reservationId: r1.reservation!.id });
    expect(released.reservation).toMatchObject({ status: ReservationStatus.RESERVATION_STATUS_RELEASED });
    expect(released.reservation?.closeTime).toBeInstanceOf(Date);
    expect(released.stockLevel).toMatchObject({ quantityReserved: 4, quantityAvailable: 6 });
    const again = await expectError(a.imsop.stock.releaseReservation({ reservationId: r1.reservation!.id }));
    expect(again).toMatchObject({
      code: Status.FAILED_PRECONDITION,
      reason: 'RESERVATION_NOT_ACTIVE',
      metadata: expect.objectContaining({ status: 'released' }),
    });

    const fulfilled = await a.imsop.stock.fulfillReservation({ reservationId: r2.reservation!.id, note: 'picked' });
    expect(fulfilled.reservation?.status).toBe(ReservationStatus.RESERVATION_STATUS_FULFILLED);
    expect(fulfilled.stockLevel).toMatchObject({ quantityOnHand: 6, quantityReserved: 0, quantityAvailable: 6 });
    expect(fulfilled.transaction).toMatchObject({
      type: T.INVENTORY_TRANSACTION_TYPE_ISSUE,
      onHandDelta: -4,
      reservedDelta: -4,
      reservationId: r2.reservation!.id,
    });
    expect((await expectError(a.imsop.stock.fulfillReservation({ reservationId: r2.reservation!.id }))).reason).toBe(
      'RESERVATION_NOT_ACTIVE',
    );

    expect((await a.imsop.stock.getReservation({ reservationId: r1.reservation!.id })).reservation).toEqual(
      released.reservation,
    );
    const types = (
      await a.imsop.stock.listInventoryTransactions({ productId: product.id, warehouseId: warehouse.id })
    ).transactions.map((t) => t.type);
    expect(types).toEqual([
      T.INVENTORY_TRANSACTION_TYPE_ISSUE,
      T.INVENTORY_TRANSACTION_TYPE_RELEASE,
      T.INVENTORY_TRANSACTION_TYPE_RESERVE,
      T.INVENTORY_TRANSACTION_TYPE_RESERVE,
      T.INVENTORY_TRANSACTION_TYPE_RECEIVE,
    ]);

    const active = await a.imsop.stock.listReservations({
      productId: product.id,
      status: ReservationStatus.RESERVATION_STATUS_ACTIVE,
    });
    expect(active.reservations).toEqual([]);
    const all = await a.imsop.stock.listReservations({ productId: product.id, pageSize: 1 });
    const next = await a.imsop.stock.listReservations({
      productId: product.id,
      pageSize: 1,
      pageToken: all.nextPageToken,
    });
    expect([...all.reservations, ...next.reservations].map((r) => r.id)).toEqual([
      r2.reservation!.id,
      r1.reservation!.id,
    ]);
    expect(next.nextPageToken).toBe('');
  });

  it('validates expiries', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 1 });
    const level = { warehouseId: warehouse.id, productId: product.id, quantity: 1 };
    const fields = async (p: Promise<unknown>) => (await expectError(p)).fieldViolations.map((f) => f.field);
    expect(
      await fields(
        a.imsop.stock.reserveStock({
          ...level,
          expiration: { $case: 'expireTime', value: new Date(Date.now() - 1000) },
        }),
      ),
    ).toEqual(['expire_time']);
    expect(
      await fields(
        a.imsop.stock.reserveStock({
          ...level,
          expiration: { $case: 'expireTime', value: new Date(Date.now() + 91 * 86400_000) },
        }),
      ),
    ).toEqual(['expire_time']);
    expect(
      await fields(
        a.imsop.stock.reserveStock({
          ...level,
          expiration: { $case: 'ttl', value: { seconds: 0, nanos: 500_000_000 } },
        }),
      ),
    ).toEqual(['ttl']);
    const at = new Date(Date.now() + 60_000);
    expect(
      (await a.imsop.stock.reserveStock({ ...level, expiration: { $case: 'expireTime', value: at } })).reservation
        ?.expireTime,
    ).toEqual(at);
  });
});

describe('stock levels', () => {
  it('lists levels by product, by warehouse and low stock only, in keyset pages', async ({ server, a }) => {
    const { product } = await a.imsop.products.createProduct({
      product: { sku: `LVL-${randomUUID().slice(0, 8)}`, name: 'Levels', reorderPoint: 10 },
    });
    const warehouses = [];
    for (let i = 0; i < 5; i++) {
      const { warehouse } = await a.imsop.warehouses.createWarehouse({
        warehouse: { code: `LVL-${randomUUID().slice(0, 8)}`, name: `Level ${i}` },
      });
      warehouses.push(warehouse!);
      await a.imsop.stock.receiveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity: i * 5 + 1 }); // 1, 6, 11, 16, 21
    }
    const byProduct = [];
    let pageToken = '';
    do {
      const page = await a.imsop.stock.listStockLevels({ productId: product!.id, pageSize: 2, pageToken });
      byProduct.push(...page.stockLevels);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(byProduct.map((l) => l.warehouseId)).toEqual(warehouses.map((w) => w.id).sort());
    const low = await a.imsop.stock.listStockLevels({ productId: product!.id, lowStockOnly: true });
    expect(low.stockLevels.map((l) => l.quantityAvailable).sort((x, y) => x - y)).toEqual([1, 6]);
    expect(low.stockLevels.every((l) => l.lowStock)).toBe(true);
    const atWarehouse = await a.imsop.stock.listStockLevels({ warehouseId: warehouses[2]!.id });
    expect(atWarehouse.stockLevels).toHaveLength(1);

    // All levels of the organization page by (warehouse, product) without repeats.
    const seen = new Set<string>();
    pageToken = '';
    do {
      const page = await a.imsop.stock.listStockLevels({ pageSize: 3, pageToken });
      for (const l of page.stockLevels) {
        const key = `${l.warehouseId}/${l.productId}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen.size).toBe(
      (await adminQuery(server, 'SELECT 1 FROM inventory WHERE organization_id = $1', [a.organizationId])).length,
    );
  });

  it('lists a level as low stock while reservations, releases and reorder points put it at or under its reorder point', async ({
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10, reorderPoint: 4 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const lowLevels = async () =>
      (await a.imsop.stock.listStockLevels({ productId: product.id, lowStockOnly: true })).stockLevels.map((l) => ({
        available: l.quantityAvailable,
        lowStock: l.lowStock,
      }));
    expect(await lowLevels()).toEqual([]);

    const first = await a.imsop.stock.reserveStock({ ...level, quantity: 5 });
    expect(await lowLevels()).toEqual([]); // 5 available, above 4
    const second = await a.imsop.stock.reserveStock({ ...level, quantity: 1 });
    expect(await lowLevels()).toEqual([{ available: 4, lowStock: true }]); // at the reorder point
    await a.imsop.stock.reserveStock({ ...level, quantity: 2 });
    expect(await lowLevels()).toEqual([{ available: 2, lowStock: true }]);

    await a.imsop.stock.releaseReservation({ reservationId: first.reservation!.id });
    expect(await lowLevels()).toEqual([]); // 7 available
    const current = (await a.imsop.stock.getStockLevel(level)).stockLevel!;
    await a.imsop.stock.updateStockLevel({
      stockLevel: { ...level, reorderPoint: 7, etag: current.etag },
      updateMask: ['reorder_point'],
    });
    expect(await lowLevels()).toEqual([{ available: 7, lowStock: true }]);
    await a.imsop.stock.releaseReservation({ reservationId: second.reservation!.id });
    expect(await lowLevels()).toEqual([]);
  });

  it('follows the product reorder point unless overridden per location', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 8, reorderPoint: 5 });
    const { warehouse: second } = await a.imsop.warehouses.createWarehouse({
      warehouse: { code: `RP-${randomUUID().slice(0, 8)}`, name: 'Second' },
    });
    await a.imsop.stock.receiveStock({ warehouseId: second!.id, productId: product.id, quantity: 8 });
    const level = { warehouseId: warehouse.id, productId: product.id };

    const before = (await a.imsop.stock.getStockLevel(level)).stockLevel!;
    const overridden = await a.imsop.stock.updateStockLevel({
      stockLevel: { ...level, reorderPoint: 20, etag: before.etag },
      updateMask: ['reorder_point'],
    });
    expect(overridden.stockLevel).toMatchObject({ reorderPoint: 20, reorderPointOverridden: true, lowStock: true });
    const stale = await expectError(
      a.imsop.stock.updateStockLevel({
        stockLevel: { ...level, reorderPoint: 1, etag: before.etag },
        updateMask: ['reorder_point'],
      }),
    );
    expect(stale.reason).toBe('ETAG_MISMATCH');

    await a.imsop.products.updateProduct({
      product: { id: product.id, reorderPoint: 9 },
      updateMask: ['reorder_point'],
    });
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.reorderPoint).toBe(20);
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: second!.id, productId: product.id })).stockLevel,
    ).toMatchObject({ reorderPoint: 9, lowStock: true });

    const following = await a.imsop.stock.updateStockLevel({
      stockLevel: { ...level, reorderPointOverridden: false },
      updateMask: ['reorder_point_overridden'],
    });
    expect(following.stockLevel).toMatchObject({ reorderPoint: 9, reorderPointOverridden: false });
    const contradiction = await expectError(
      a.imsop.stock.updateStockLevel({
        stockLevel: { ...level, reorderPoint: 3, reorderPointOverridden: false },
        updateMask: ['reorder_point', 'reorder_point_overridden'],
      }),
    );
    expect(contradiction.fieldViolations.map((f) => f.field)).toEqual(['stock_level.reorder_point_overridden']);
  });

  it('answers "inventory by product" by SKU across warehouses, ordered by warehouse name, with totals', async ({
    a,
  }) => {
    const sku = `IBP-${randomUUID().slice(0, 8)}`;
    const { product } = await a.imsop.products.createProduct({ product: { sku, name: 'Inventory by product' } });
    for (const [name, quantity] of [
      ['Zagreb', 5],
      ['Amsterdam', 7],
      ['Lisbon', 11],
    ] as const) {
      const { warehouse } = await a.imsop.warehouses.createWarehouse({
        warehouse: { code: `IBP-${randomUUID().slice(0, 8)}`, name },
      });
      await a.imsop.stock.receiveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity });
      if (name === 'Lisbon') {
        await a.imsop.stock.reserveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity: 2 });
        await a.imsop.warehouses.deactivateWarehouse({ warehouseId: warehouse!.id });
      }
    }
    const answer = await a.imsop.stock.getProductInventory({ sku: sku.toLowerCase() });
    expect(answer.product?.id).toBe(product!.id);
    expect(answer.warehouses.map((w) => [w.warehouseName, w.stockLevel?.quantityOnHand])).toEqual([
      ['Amsterdam', 7],
      ['Lisbon', 11],
      ['Zagreb', 5],
    ]);
    expect(answer.warehouses[1]?.warehouseStatus).toBe(WarehouseStatus.WAREHOUSE_STATUS_INACTIVE);
    expect(answer).toMatchObject({ totalOnHand: 23, totalReserved: 2, totalAvailable: 21 });
    // A product never stocked anywhere: the product, no warehouses, zero totals (not NOT_FOUND).
    const unstocked = `IBP-${randomUUID().slice(0, 8)}`;
    const { product: fresh } = await a.imsop.products.createProduct({
      product: { sku: unstocked, name: 'Never stocked' },
    });
    expect(await a.imsop.stock.getProductInventory({ sku: unstocked })).toMatchObject({
      product: { id: fresh!.id },
      warehouses: [],
      totalOnHand: 0,
      totalAvailable: 0,
    });
    expect((await expectError(a.imsop.stock.getProductInventory({ sku: 'NO-SUCH-SKU' }))).reason).toBe(
      'PRODUCT_NOT_FOUND',
    );
    expect((await expectError(a.imsop.stock.getProductInventory({ sku: 'bad sku' }))).fieldViolations[0]?.field).toBe(
      'sku',
    );
  });

  it('answers concurrent reads of many SKUs by two tenants, each caller its own product and stock', async ({
    a,
    b,
  }) => {
    // Read together (coalesced per tenant), answered one by one: duplicates, a product without
    // stock, a missing SKU, and a SKU both tenants use for different products.
    const stocked = [];
    for (let i = 1; i <= 6; i++) stocked.push({ ...(await productAndWarehouse(a, { onHand: i })), onHand: i });
    const bare = (
      await a.imsop.products.createProduct({ product: { sku: `BARE-${randomUUID().slice(0, 8)}`, name: 'Bare' } })
    ).product!;
    const shared = stocked[0]!.product.sku;
    const theirs = await b.imsop.products.createProduct({ product: { sku: shared, name: "B's own" } });
    const theirWarehouse = (await b.imsop.warehouses.createWarehouse({ warehouse: { code: 'BSH', name: 'B shared' } }))
      .warehouse!;
    await b.imsop.stock.receiveStock({ warehouseId: theirWarehouse.id, productId: theirs.product!.id, quantity: 40 });
    const onlyA = stocked[1]!.product.sku;

    const reads = [
      ...[...stocked, ...stocked, ...stocked].map((s) => ({
        call: a.imsop.stock.getProductInventory({ sku: s.product.sku.toLowerCase() }),
        expected: { productId: s.product.id, onHand: s.onHand },
      })),
      ...[0, 1].map(() => ({
        call: a.imsop.stock.getProductInventory({ sku: bare.sku }),
        expected: { productId: bare.id, onHand: 0 },
      })),
      ...[0, 1].map(() => ({
        call: a.imsop.stock.getProductInventory({ sku: 'NOT-THERE-AT-ALL' }),
        expected: undefined,
      })),
      ...[0, 1, 2].map(() => ({
        call: b.imsop.stock.getProductInventory({ sku: shared }),
        expected: { productId: theirs.product!.id, onHand: 40 },
      })),
      ...[0, 1].map(() => ({ call: b.imsop.stock.getProductInventory({ sku: onlyA }), expected: undefined })),
    ];
    const answers = await Promise.allSettled(reads.map((r) => r.call));
    answers.forEach((answer, i) => {
      const expected = reads[i]!.expected;
      if (!expected) {
        expect(answer.status).toBe('rejected');
        if (answer.status === 'rejected')
          expect(answer.reason).toMatchObject({ code: Status.NOT_FOUND, reason: 'PRODUCT_NOT_FOUND' });
        return;
      }
      expect(answer.status).toBe('fulfilled');
      if (answer.status !== 'fulfilled') return;
      expect(answer.value.product?.id).toBe(expected.productId);
      expect(answer.value.totalOnHand).toBe(expected.onHand);
      expect(answer.value.warehouses).toHaveLength(expected.onHand === 0 ? 0 : 1);
    });
  });

  it('serves cached levels that never outlive a movement', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 3 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(3);
    await a.imsop.stock.receiveStock({ ...level, quantity: 4 });
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityOnHand).toBe(7);
    const r = await a.imsop.stock.reserveStock({ ...level, quantity: 2 });
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityReserved).toBe(2);
    await a.imsop.stock.releaseReservation({ reservationId: r.reservation!.id });
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel?.quantityReserved).toBe(0);
  });
});

describe('the ledger', () => {
  it('lists newest first with filters by type and time range, in exact keyset pages', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a);
    const level = { warehouseId: warehouse.id, productId: product.id };
    const start = new Date();
    for (let i = 1; i <= 5; i++) await a.imsop.stock.receiveStock({ ...level, quantity: i });
    await a.imsop.stock.issueStock({ ...level, quantity: 1 });

    const pages = [];
    let pageToken = '';
    do {
      const page = await a.imsop.stock.listInventoryTransactions({ productId: product.id, pageSize: 2, pageToken });
      pages.push(page.transactions.map((t) => t.onHandDelta));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(pages).toEqual([
      [-1, 5],
      [4, 3],
      [2, 1],
    ]);

    const receipts = await a.imsop.stock.listInventoryTransactions({
      warehouseId: warehouse.id,
      type: T.INVENTORY_TRANSACTION_TYPE_RECEIVE,
    });
    expect(receipts.transactions).toHaveLength(5);
    const inRange = await a.imsop.stock.listInventoryTransactions({
      productId: product.id,
      startTime: start,
      endTime: new Date(Date.now() + 1000),
    });
    expect(inRange.transactions).toHaveLength(6);
    const before = await a.imsop.stock.listInventoryTransactions({ productId: product.id, endTime: start });
    expect(before.transactions).toHaveLength(0);
    const backwards = await expectError(
      a.imsop.stock.listInventoryTransactions({ startTime: new Date(), endTime: start }),
    );
    expect(backwards.fieldViolations.map((f) => f.field)).toEqual(['end_time']);
    expect(
      (await expectError(a.imsop.stock.listInventoryTransactions({ type: 42 as T }))).fieldViolations.map(
        (f) => f.field,
      ),
    ).toEqual(['type']);
  });

  it('is append-only for the service role', async ({ server }) => {
    const [row] = await adminQuery<{ u: boolean; d: boolean; i: boolean }>(
      server,
      `SELECT has_table_privilege('imsop_app', 'inventory_transactions', 'UPDATE') AS u,
              has_table_privilege('imsop_app', 'inventory_transactions', 'DELETE') AS d,
              has_table_privilege('imsop_app', 'inventory_transactions', 'INSERT') AS i`,
    );
    expect(row).toEqual({ u: false, d: false, i: true });
  });
});

describe('the audit trail', () => {
  it('records level settings and reservations with their actor, but not quantity changes (the ledger has those)', async ({
    server,
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 5 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    await a.imsop.stock.receiveStock({ ...level, quantity: 5 });
    await a.imsop.stock.updateStockLevel({ stockLevel: { ...level, reorderPoint: 2 }, updateMask: ['reorder_point'] });
    const { reservation } = await a.imsop.stock.reserveStock({ ...level, quantity: 1 });
    await a.imsop.stock.releaseReservation({ reservationId: reservation!.id });
    const rows = await adminQuery<{ table_name: string; operation: string; actor_id: string | null }>(
      server,
      `SELECT table_name, operation, actor_id FROM audit_log
       WHERE organization_id = $1 AND ((table_name = 'inventory' AND row_key LIKE '%' || $2 || '%') OR (table_name = 'reservations' AND row_key = $3::text))
       ORDER BY id`,
      [a.organizationId, product.id, reservation!.id],
    );
    expect(rows.map((r) => `${r.table_name} ${r.operation}`)).toEqual([
      'inventory INSERT',
      'inventory UPDATE',
      'reservations INSERT',
      'reservations UPDATE',
    ]);
    expect(rows.every((r) => r.actor_id === a.adminUserId)).toBe(true);
  });
});

describe('request_id on every stock mutation', () => {
  it('a retry returns the first response and changes nothing', async ({ a }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 100 });
    const { warehouse: other } = await a.imsop.warehouses.createWarehouse({
      warehouse: { code: `RID-${randomUUID().slice(0, 8)}`, name: 'Other' },
    });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const twice = async <R>(call: (requestId: string) => Promise<R>): Promise<R> => {
      const requestId = randomUUID();
      const first = await call(requestId);
      expect(await call(requestId)).toEqual(first);
      return first;
    };
    const receiptId = randomUUID();
    const receipt = await a.imsop.stock.receiveStock({ ...level, quantity: 10, requestId: receiptId });
    expect(await a.imsop.stock.receiveStock({ ...level, quantity: 10, requestId: receiptId })).toEqual(receipt);
    await twice((requestId) => a.imsop.stock.issueStock({ ...level, quantity: 5, requestId }));
    await twice((requestId) =>
      a.imsop.stock.adjustStock({
        ...level,
        reason: AdjustmentReason.ADJUSTMENT_REASON_LOST,
        change: { $case: 'quantityDelta', value: -5 },
        requestId,
      }),
    );
    await twice((requestId) =>
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: warehouse.id,
        destinationWarehouseId: other!.id,
        quantity: 10,
        requestId,
      }),
    );
    const reserved = await twice((requestId) => a.imsop.stock.reserveStock({ ...level, quantity: 20, requestId }));
    const toFulfil = await a.imsop.stock.reserveStock({ ...level, quantity: 10 });
    await twice((requestId) =>
      a.imsop.stock.releaseReservation({ reservationId: reserved.reservation!.id, requestId }),
    );
    await twice((requestId) =>
      a.imsop.stock.fulfillReservation({ reservationId: toFulfil.reservation!.id, requestId }),
    );
    await twice((requestId) =>
      a.imsop.stock.updateStockLevel({
        stockLevel: { ...level, reorderPoint: 4 },
        updateMask: ['reorder_point'],
        requestId,
      }),
    );

    // 100 +10 -5 -5 -10 (transfer) -10 (fulfilled); each retried call counted once: the setup
    // receipt, then receive, issue, adjust, transfer out, reserve x2, release, fulfil.
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityOnHand: 80,
      quantityReserved: 0,
      reorderPoint: 4,
    });
    expect(
      (await a.imsop.stock.listInventoryTransactions({ productId: product.id, warehouseId: warehouse.id }))
        .transactions,
    ).toHaveLength(9);
    // The same id with other content (or for another method) is refused, not replayed.
    for (const attempt of [
      () => a.imsop.stock.receiveStock({ ...level, quantity: 11, requestId: receiptId }),
      () => a.imsop.stock.issueStock({ ...level, quantity: 10, requestId: receiptId }),
    ]) {
      expect(await expectError(attempt())).toMatchObject({
        code: Status.INVALID_ARGUMENT,
        reason: 'REQUEST_ID_REUSED',
      });
    }
  });
});

describe('another organization', () => {
  it("is NOT_FOUND for every stock RPC naming A's products, warehouses or reservations, also inside requests", async ({
    a,
    b,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const reservation = (
      await a.imsop.stock.reserveStock({ warehouseId: warehouse.id, productId: product.id, quantity: 1 })
    ).reservation!;
    const own = await productAndWarehouse(b, { onHand: 10 });
    const { warehouse: ownSecond } = await b.imsop.warehouses.createWarehouse({
      warehouse: { code: `B2-${randomUUID().slice(0, 8)}`, name: 'B second' },
    });
    const level = { warehouseId: warehouse.id, productId: product.id };

    const attempts: [string, () => Promise<unknown>][] = [
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.getStockLevel(level)],
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.receiveStock({ ...level, quantity: 1 })],
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.issueStock({ ...level, quantity: 1 })],
      [
        'PRODUCT_NOT_FOUND',
        () =>
          b.imsop.stock.adjustStock({
            ...level,
            reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
            change: { $case: 'quantityDelta', value: 1 },
          }),
      ],
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.reserveStock({ ...level, quantity: 1 })],
      [
        'PRODUCT_NOT_FOUND',
        () =>
          b.imsop.stock.updateStockLevel({ stockLevel: { ...level, reorderPoint: 1 }, updateMask: ['reorder_point'] }),
      ],
      // B's own product into A's warehouse, and A's product into B's warehouse.
      [
        'WAREHOUSE_NOT_FOUND',
        () => b.imsop.stock.receiveStock({ warehouseId: warehouse.id, productId: own.product.id, quantity: 1 }),
      ],
      [
        'PRODUCT_NOT_FOUND',
        () => b.imsop.stock.reserveStock({ warehouseId: own.warehouse.id, productId: product.id, quantity: 1 }),
      ],
      [
        'WAREHOUSE_NOT_FOUND',
        () =>
          b.imsop.stock.transferStock({
            productId: own.product.id,
            sourceWarehouseId: own.warehouse.id,
            destinationWarehouseId: warehouse.id,
            quantity: 1,
          }),
      ],
      [
        'WAREHOUSE_NOT_FOUND',
        () =>
          b.imsop.stock.transferStock({
            productId: own.product.id,
            sourceWarehouseId: warehouse.id,
            destinationWarehouseId: own.warehouse.id,
            quantity: 1,
          }),
      ],
      [
        'PRODUCT_NOT_FOUND',
        () =>
          b.imsop.stock.transferStock({
            productId: product.id,
            sourceWarehouseId: own.warehouse.id,
            destinationWarehouseId: ownSecond!.id,
            quantity: 1,
          }),
      ],
      ['RESERVATION_NOT_FOUND', () => b.imsop.stock.releaseReservation({ reservationId: reservation.id })],
      ['RESERVATION_NOT_FOUND', () => b.imsop.stock.fulfillReservation({ reservationId: reservation.id })],
      ['RESERVATION_NOT_FOUND', () => b.imsop.stock.getReservation({ reservationId: reservation.id })],
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.listStockLevels({ productId: product.id })],
      ['WAREHOUSE_NOT_FOUND', () => b.imsop.stock.listStockLevels({ warehouseId: warehouse.id })],
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.listReservations({ productId: product.id })],
      ['WAREHOUSE_NOT_FOUND', () => b.imsop.stock.listInventoryTransactions({ warehouseId: warehouse.id })],
      ['PRODUCT_NOT_FOUND', () => b.imsop.stock.getProductInventory({ sku: product.sku })],
    ];
    for (const [reason, attempt] of attempts)
      expect(await expectError(attempt())).toMatchObject({ code: Status.NOT_FOUND, reason });

    // Nothing of A moved, and B's lists never show A's rows.
    expect((await a.imsop.stock.getStockLevel(level)).stockLevel).toMatchObject({
      quantityOnHand: 10,
      quantityReserved: 1,
    });
    expect((await a.imsop.stock.getReservation({ reservationId: reservation.id })).reservation?.status).toBe(
      ReservationStatus.RESERVATION_STATUS_ACTIVE,
    );
    const bLevels = await b.imsop.stock.listStockLevels({});
    expect(bLevels.stockLevels.every((l) => l.warehouseId !== warehouse.id)).toBe(true);
    const bLedger = await b.imsop.stock.listInventoryTransactions({});
    expect(bLedger.transactions.every((t) => t.productId !== product.id)).toBe(true);
  });
});
