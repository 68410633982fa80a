import { describe, expect } from 'vitest';
import { LocationStatus, LocationType, StockState } from '../gen/ts/imsop/inventory/v1/resources.js';
import { adminQuery, productAndWarehouse, unbalancedBalances } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { ImsopError, Status } from './support/sdk.js';

/**
 * Locations inside warehouses (issue 20): the default location every warehouse has, bins with
 * types, MoveStock between them (into quarantine: on hand stays, available goes), deactivation
 * of empty bins, and the books balancing per balance after a mixed concurrent run.
 */

const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

async function rejection(call: Promise<unknown>): Promise<ImsopError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImsopError);
  return error as ImsopError;
}

describe('locations', () => {
  it('every warehouse has its default location; bins nest, have unique codes and deactivate only when empty', async ({
    a,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const { locations } = await a.imsop.locations.listLocations({ warehouseId: warehouse.id });
    expect(locations).toEqual([
      expect.objectContaining({
        id: warehouse.id,
        code: 'DEFAULT',
        isDefault: true,
        type: LocationType.LOCATION_TYPE_STORAGE,
      }),
    ]);
    const { location: zone } = await a.imsop.locations.createLocation({
      location: { warehouseId: warehouse.id, code: 'z1', name: 'Zone 1' },
    });
    expect(zone).toMatchObject({
      code: 'Z1',
      type: LocationType.LOCATION_TYPE_STORAGE,
      status: LocationStatus.LOCATION_STATUS_ACTIVE,
    });
    const { location: bin } = await a.imsop.locations.createLocation({
      location: {
        warehouseId: warehouse.id,
        parentId: zone!.id,
        code: 'Z1-A-01',
        name: 'Bin',
        type: LocationType.LOCATION_TYPE_PICKING,
      },
    });
    expect(bin!.parentId).toBe(zone!.id);
    const taken = await rejection(
      a.imsop.locations.createLocation({ location: { warehouseId: warehouse.id, code: 'Z1', name: 'Again' } }),
    );
    expect(taken).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'LOCATION_CODE_TAKEN' });
    const children = await a.imsop.locations.listLocations({ warehouseId: warehouse.id, parentId: zone!.id });
    expect(children.locations.map((l) => l.code)).toEqual(['Z1-A-01']);

    // Stock in the bin: it cannot be deactivated (nor its zone: it has an active bin inside).
    await a.imsop.stock.moveStock({
      warehouseId: warehouse.id,
      productId: product.id,
      sourceLocationId: warehouse.id,
      destinationLocationId: bin!.id,
      quantity: 4,
    });
    for (const id of [bin!.id, zone!.id]) {
      expect(await rejection(a.imsop.locations.deactivateLocation({ locationId: id }))).toMatchObject({
        code: Status.FAILED_PRECONDITION,
        reason: 'LOCATION_NOT_EMPTY',
      });
    }
    expect(await rejection(a.imsop.locations.deactivateLocation({ locationId: warehouse.id }))).toMatchObject({
      reason: 'DEFAULT_LOCATION',
    });
    await a.imsop.stock.issueStock({
      warehouseId: warehouse.id,
      productId: product.id,
      quantity: 4,
      locationId: bin!.id,
    });
    const { location: closed } = await a.imsop.locations.deactivateLocation({ locationId: bin!.id });
    expect(closed!.status).toBe(LocationStatus.LOCATION_STATUS_INACTIVE);
    const intoClosed = await rejection(
      a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: product.id,
        quantity: 1,
        locationId: bin!.id,
      }),
    );
    expect(intoClosed).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LOCATION_INACTIVE' });
    const { stockLevel } = await a.imsop.stock.getStockLevel({ warehouseId: warehouse.id, productId: product.id });
    expect(stockLevel).toMatchObject({ quantityOnHand: 6, quantityAvailable: 6 });
  });

  it('moving to quarantine keeps the units on hand but not available; moving back makes them available', async ({
    a,
    server,
  }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 10 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const { location: hold } = await a.imsop.locations.createLocation({
      location: { warehouseId: warehouse.id, code: 'QC', name: 'Quarantine', type: LocationType.LOCATION_TYPE_HOLD },
    });
    const { location: damaged } = await a.imsop.locations.createLocation({
      location: { warehouseId: warehouse.id, code: 'DMG', name: 'Damaged', type: LocationType.LOCATION_TYPE_DAMAGED },
    });
    await a.imsop.stock.reserveStock({ ...level, quantity: 5 });
    // 5 of 10 are reserved: at most 5 can go to quarantine.
    const tooMany = await rejection(
      a.imsop.stock.moveStock({
        ...level,
        sourceLocationId: warehouse.id,
        destinationLocationId: hold!.id,
        quantity: 6,
      }),
    );
    expect(tooMany).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });

    const moved = await a.imsop.stock.moveStock({
      ...level,
      sourceLocationId: warehouse.id,
      destinationLocationId: hold!.id,
      quantity: 3,
      reference: 'QC-1',
    });
    expect(moved.stockLevel).toMatchObject({
      quantityOnHand: 10,
      quantityReserved: 5,
      quantityOnHold: 3,
      quantityAvailable: 2,
    });
    expect(moved.transactions.map((t) => [t.type, t.locationId, t.onHandDelta])).toEqual([
      [9, warehouse.id, -3],
      [10, hold!.id, 3],
    ]);
    expect(moved.transactions[0]!.transferId).toBe(moved.transactions[1]!.transferId);
    await a.imsop.stock.moveStock({
      ...level,
      sourceLocationId: hold!.id,
      destinationLocationId: damaged!.id,
      quantity: 1,
    });

    // Held stock is not issued, reserved or transferred.
    const held = await rejection(a.imsop.stock.issueStock({ ...level, quantity: 3 }));
    expect(held.metadata.available).toBe('2');
    const inventory = await a.imsop.stock.getProductInventory({ sku: product.sku, includeBalances: true });
    expect(inventory).toMatchObject({
      totalOnHand: 10,
      totalReserved: 5,
      totalOnHold: 2,
      totalDamaged: 1,
      totalAvailable: 2,
    });
    expect(
      inventory.warehouses[0]!.balances.map((b) => [b.locationCode, b.state, b.quantityOnHand, b.quantityAvailable]),
    ).toEqual([
      ['DEFAULT', StockState.STOCK_STATE_AVAILABLE, 7, 7],
      ['DMG', StockState.STOCK_STATE_DAMAGED, 1, 0],
      ['QC', StockState.STOCK_STATE_ON_HOLD, 2, 0],
    ]);
    const { stockLevels } = await a.imsop.stock.listStockLevels({ productId: product.id });
    expect(stockLevels[0]).toMatchObject({ quantityOnHold: 2, quantityDamaged: 1, quantityAvailable: 2 });

    // Released from quarantine: available again.
    const back = await a.imsop.stock.moveStock({
      ...level,
      sourceLocationId: hold!.id,
      destinationLocationId: warehouse.id,
      quantity: 2,
    });
    expect(back.stockLevel).toMatchObject({
      quantityOnHand: 10,
      quantityOnHold: 0,
      quantityDamaged: 1,
      quantityAvailable: 4,
    });
    // Fulfilling takes the default location's units (the reservation is held at the level).
    await a.imsop.stock.issueStock({ ...level, quantity: 4 });
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('issues and fulfils untracked stock from bins when the default location runs short', async ({ a, server }) => {
    const { product, warehouse } = await productAndWarehouse(a, { onHand: 6 });
    const level = { warehouseId: warehouse.id, productId: product.id };
    const { location: bin } = await a.imsop.locations.createLocation({
      location: { warehouseId: warehouse.id, code: 'B1', name: 'B1' },
    });
    await a.imsop.stock.receiveStock({ ...level, quantity: 4, locationId: bin!.id });
    const { reservation } = await a.imsop.stock.reserveStock({ ...level, quantity: 8 });
    const fulfilled = await a.imsop.stock.fulfillReservation({ reservationId: reservation!.id });
    expect(fulfilled.stockLevel).toMatchObject({ quantityOnHand: 2, quantityReserved: 0, quantityAvailable: 2 });
    const issued = await a.imsop.stock.issueStock({ ...level, quantity: 2 });
    expect(issued.transactions.map((t) => t.locationId)).toEqual([bin!.id]);
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('the ledger sums to every balance after a mixed concurrent run', async ({ a, server }) => {
    const { product: plain, warehouse } = await productAndWarehouse(a, { onHand: 200 });
    const { product: lotted } = await a.imsop.products.createProduct({
      product: { sku: `MIX-LOT-${process.pid}`, name: 'Mixed lots', lotTracked: true },
    });
    const bins = [];
    for (const [code, type] of [
      ['M1', LocationType.LOCATION_TYPE_STORAGE],
      ['M2', LocationType.LOCATION_TYPE_PICKING],
      ['MQ', LocationType.LOCATION_TYPE_HOLD],
    ] as const) {
      bins.push(
        (await a.imsop.locations.createLocation({ location: { warehouseId: warehouse.id, code, name: code, type } }))
          .location!,
      );
    }
    for (const [i, bin] of bins.slice(0, 2).entries()) {
      await a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: lotted!.id,
        quantity: 100,
        locationId: bin.id,
        lot: { lotNumber: `MX${i}`, expiryDate: { year: 2097 + i, month: 1, day: 1 } },
      });
    }
    const p = { warehouseId: warehouse.id, productId: plain.id };
    const l = { warehouseId: warehouse.id, productId: lotted!.id };
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      calls.push(a.imsop.stock.reserveStock({ ...p, quantity: 2 }));
      calls.push(a.imsop.stock.reserveStock({ ...l, quantity: 3 }));
      calls.push(a.imsop.stock.issueStock({ ...l, quantity: 1 }));
      calls.push(a.imsop.stock.issueStock({ ...p, quantity: 1 }));
      calls.push(a.imsop.stock.receiveStock({ ...p, quantity: 1, locationId: bins[i % 2]!.id }));
      calls.push(
        a.imsop.stock.moveStock({
          ...p,
          sourceLocationId: warehouse.id,
          destinationLocationId: bins[i % 3]!.id,
          quantity: 1,
        }),
      );
      calls.push(
        a.imsop.stock.moveStock({
          ...l,
          sourceLocationId: bins[i % 2]!.id,
          destinationLocationId: bins[2]!.id,
          quantity: 1,
        }),
      );
      calls.push(
        a.imsop.stock
          .reserveStock({ ...l, quantity: 1 })
          .then((r) =>
            i % 2 === 0
              ? a.imsop.stock.releaseReservation({ reservationId: r.reservation!.id })
              : a.imsop.stock.fulfillReservation({ reservationId: r.reservation!.id }),
          ),
      );
    }
    const results = await Promise.allSettled(calls);
    const unexpected = results.filter(
      (r) => r.status === 'rejected' && (r.reason as ImsopError).reason !== 'INSUFFICIENT_STOCK',
    );
    expect(unexpected).toEqual([]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(200);
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
    const [negative] = await adminQuery<{ n: number }>(
      server,
      `SELECT count(*)::int AS n FROM stock_balances WHERE organization_id = $1 AND (quantity_on_hand < 0 OR quantity_reserved > quantity_on_hand)`,
      [a.organizationId],
    );
    expect(negative!.n).toBe(0);
  });
});
