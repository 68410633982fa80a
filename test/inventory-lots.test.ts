import { describe, expect } from 'vitest';
import { LocationType } from '../gen/ts/imsop/inventory/v1/resources.js';
import { adminQuery, unbalancedBalances } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { approvedOrder, eur, newSupplier } from './support/procurement.js';
import { ImsopError, Status, type ImsopClient } from './support/sdk.js';

/**
 * Lots (issue 20): receipts name lots of lot-tracked products, issues / reservations /
 * transfers take them first-expiry-first-out across locations (expired lots only when named
 * with allow_expired), reservations hold the lots they allocated, and the ledger still sums to
 * every balance, also under concurrency.
 */

const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

let n = 0;

/** A lot-tracked product, a warehouse with two storage bins, and lots with the given expiry dates. */
async function lotSetup(imsop: ImsopClient) {
  const i = ++n;
  const { product } = await imsop.products.createProduct({
    product: { sku: `LOT-${process.pid}-${i}`, name: `Lot product ${i}`, lotTracked: true },
  });
  const { warehouse } = await imsop.warehouses.createWarehouse({ warehouse: { code: `LW${i}`, name: `Lots ${i}` } });
  const bin = async (code: string, type = LocationType.LOCATION_TYPE_STORAGE) =>
    (await imsop.locations.createLocation({ location: { warehouseId: warehouse!.id, code, name: code, type } }))
      .location!;
  return { product: product!, warehouse: warehouse!, bin };
}

const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

async function rejection(call: Promise<unknown>): Promise<ImsopError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImsopError);
  return error as ImsopError;
}

describe('lots and FEFO', () => {
  it('receipts of a lot-tracked product must name the lot, receipts of others must not', async ({ a }) => {
    const { product, warehouse } = await lotSetup(a.imsop);
    const plain = (
      await a.imsop.products.createProduct({ product: { sku: `PLAIN-${process.pid}-${++n}`, name: 'Plain' } })
    ).product!;
    const noLot = await rejection(
      a.imsop.stock.receiveStock({ warehouseId: warehouse.id, productId: product.id, quantity: 5 }),
    );
    expect(noLot).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LOT_REQUIRED' });
    const lotForPlain = await rejection(
      a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: plain.id,
        quantity: 5,
        lot: { lotNumber: 'L1' },
      }),
    );
    expect(lotForPlain).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LOT_NOT_TRACKED' });

    const received = await a.imsop.stock.receiveStock({
      warehouseId: warehouse.id,
      productId: product.id,
      quantity: 5,
      lot: { lotNumber: 'L1', expiryDate: date('2099-01-31') },
    });
    expect(received.transaction!.lotId).not.toBe('');
    expect(received.balance).toMatchObject({ quantityOnHand: 5, lotId: received.transaction!.lotId });
    const { lot, quantityOnHand } = await a.imsop.lots.getLot({ lotId: received.transaction!.lotId });
    expect(lot).toMatchObject({ lotNumber: 'L1', expiryDate: date('2099-01-31'), expired: false });
    expect(quantityOnHand).toBe(5);
    // The same number again books to the same lot; other dates are refused.
    const again = await a.imsop.stock.receiveStock({
      warehouseId: warehouse.id,
      productId: product.id,
      quantity: 2,
      lot: { lotNumber: 'L1' },
    });
    expect(again.transaction!.lotId).toBe(lot!.id);
    const otherDates = await rejection(
      a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: product.id,
        quantity: 2,
        lot: { lotNumber: 'L1', expiryDate: date('2098-01-31') },
      }),
    );
    expect(otherDates).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LOT_DATES_MISMATCH' });
  });

  it('picks the earliest-expiring non-expired lot across locations; expired lots only when named', async ({
    a,
    server,
  }) => {
    const { product, warehouse, bin } = await lotSetup(a.imsop);
    const b1 = await bin('A-01');
    const b2 = await bin('B-01');
    const receive = (lotNumber: string, expiry: string, locationId: string, quantity: number) =>
      a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: product.id,
        quantity,
        locationId,
        lot: { lotNumber, expiryDate: date(expiry) },
      });
    const expired = (await receive('OLD', '2020-01-31', b1.id, 10)).transaction!.lotId;
    const late = (await receive('LATE', '2099-12-31', b1.id, 10)).transaction!.lotId;
    const early = (await receive('EARLY', '2098-06-30', b2.id, 4)).transaction!.lotId;
    const level = { warehouseId: warehouse.id, productId: product.id };

    // 6 units: all 4 of EARLY (in B-01), then 2 of LATE (in A-01); never OLD (expired).
    const issued = await a.imsop.stock.issueStock({ ...level, quantity: 6 });
    expect(issued.transactions.map((t) => [t.lotId, t.locationId, t.onHandDelta])).toEqual([
      [early, b2.id, -4],
      [late, b1.id, -2],
    ]);
    expect(issued.stockLevel).toMatchObject({ quantityOnHand: 18, quantityAvailable: 18 });

    // Only the expired lot and 8 of LATE are left: 9 units cannot be found without OLD.
    const short = await rejection(a.imsop.stock.issueStock({ ...level, quantity: 9 }));
    expect(short).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
    expect(short.metadata.available).toBe('8');

    // Naming the expired lot needs allow_expired.
    const named = { ...level, quantity: 3, lots: [{ lotId: expired, locationId: '', quantity: 3 }] };
    const refused = await rejection(a.imsop.stock.issueStock(named));
    expect(refused).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LOT_EXPIRED' });
    const allowed = await a.imsop.stock.issueStock({ ...named, allowExpired: true });
    expect(allowed.transactions.map((t) => [t.lotId, t.onHandDelta])).toEqual([[expired, -3]]);

    // Reservations choose the same way: LATE, not OLD.
    const { reservation } = await a.imsop.stock.reserveStock({ ...level, quantity: 5 });
    expect(reservation!.allocations).toEqual([{ locationId: b1.id, lotId: late, quantity: 5, serialNumbers: [] }]);
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('a reservation holds its lots; releasing returns them, fulfilling issues exactly them', async ({ a, server }) => {
    const { product, warehouse, bin } = await lotSetup(a.imsop);
    const b1 = await bin('A-01');
    const level = { warehouseId: warehouse.id, productId: product.id };
    const lotA = (
      await a.imsop.stock.receiveStock({
        ...level,
        quantity: 5,
        locationId: b1.id,
        lot: { lotNumber: 'A', expiryDate: date('2097-01-01') },
      })
    ).transaction!.lotId;
    const lotB = (
      await a.imsop.stock.receiveStock({
        ...level,
        quantity: 5,
        lot: { lotNumber: 'B', expiryDate: date('2099-01-01') },
      })
    ).transaction!.lotId;

    // Override: hold lot B although A expires first.
    const held = await a.imsop.stock.reserveStock({
      ...level,
      quantity: 4,
      lots: [{ lotId: lotB, locationId: '', quantity: 4 }],
    });
    expect(held.reservation!.allocations).toEqual([
      { locationId: warehouse.id, lotId: lotB, quantity: 4, serialNumbers: [] },
    ]);
    expect(held.stockLevel).toMatchObject({ quantityReserved: 4, quantityAvailable: 6 });
    // B has 1 unit left unreserved: 2 more units of B cannot be issued.
    const onlyOne = await rejection(
      a.imsop.stock.issueStock({ ...level, quantity: 2, lots: [{ lotId: lotB, locationId: '', quantity: 2 }] }),
    );
    expect(onlyOne).toMatchObject({ reason: 'INSUFFICIENT_STOCK' });

    const released = await a.imsop.stock.releaseReservation({ reservationId: held.reservation!.id });
    expect(released.stockLevel).toMatchObject({ quantityReserved: 0, quantityAvailable: 10 });
    const { balances } = await a.imsop.stock.listStockBalances({ productId: product.id });
    expect(balances.map((b) => [b.lotId, b.quantityOnHand, b.quantityReserved])).toEqual(
      expect.arrayContaining([
        [lotA, 5, 0],
        [lotB, 5, 0],
      ]),
    );

    const second = await a.imsop.stock.reserveStock({ ...level, quantity: 7 });
    expect(second.reservation!.allocations.map((x) => [x.lotId, x.quantity])).toEqual([
      [lotA, 5],
      [lotB, 2],
    ]);
    const got = await a.imsop.stock.getReservation({ reservationId: second.reservation!.id });
    expect(got.reservation!.allocations).toHaveLength(2);
    const fulfilled = await a.imsop.stock.fulfillReservation({ reservationId: second.reservation!.id });
    expect(fulfilled.stockLevel).toMatchObject({ quantityOnHand: 3, quantityReserved: 0, quantityAvailable: 3 });
    const { lot: b, quantityOnHand } = await a.imsop.lots.getLot({ lotId: lotB });
    expect(b!.lotNumber).toBe('B');
    expect(quantityOnHand).toBe(3);
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('transfers lots first-expiry-first-out into a location of the destination', async ({ a, server }) => {
    const { product, warehouse } = await lotSetup(a.imsop);
    const level = { warehouseId: warehouse.id, productId: product.id };
    await a.imsop.stock.receiveStock({
      ...level,
      quantity: 3,
      lot: { lotNumber: 'X', expiryDate: date('2099-01-01') },
    });
    const y = (
      await a.imsop.stock.receiveStock({
        ...level,
        quantity: 3,
        lot: { lotNumber: 'Y', expiryDate: date('2098-01-01') },
      })
    ).transaction!.lotId;
    const { warehouse: other } = await a.imsop.warehouses.createWarehouse({
      warehouse: { code: `LT${++n}`, name: 'Other' },
    });
    const { location: dock } = await a.imsop.locations.createLocation({
      location: { warehouseId: other!.id, code: 'DOCK', name: 'Dock', type: LocationType.LOCATION_TYPE_RECEIVING },
    });
    const moved = await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: warehouse.id,
      destinationWarehouseId: other!.id,
      destinationLocationId: dock!.id,
      quantity: 2,
    });
    expect(moved.transactions.map((t) => [t.type, t.lotId, t.locationId, t.onHandDelta])).toEqual([
      [4, y, warehouse.id, -2],
      [5, y, dock!.id, 2],
    ]);
    expect(moved.destinationStockLevel).toMatchObject({ quantityOnHand: 2, quantityAvailable: 2 });
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('200 concurrent reservations of a lot-tracked product never oversell any lot', async ({ a, server }) => {
    const { product, warehouse, bin } = await lotSetup(a.imsop);
    const level = { warehouseId: warehouse.id, productId: product.id };
    const b1 = await bin('A-01');
    const lots = [
      { lotNumber: 'C1', expiry: '2097-01-01', quantity: 30, locationId: b1.id },
      { lotNumber: 'C2', expiry: '2098-01-01', quantity: 40, locationId: '' },
      { lotNumber: 'C3', expiry: '2099-01-01', quantity: 30, locationId: b1.id },
    ];
    const ids: string[] = [];
    for (const l of lots) {
      const r = await a.imsop.stock.receiveStock({
        ...level,
        quantity: l.quantity,
        locationId: l.locationId,
        lot: { lotNumber: l.lotNumber, expiryDate: date(l.expiry) },
      });
      ids.push(r.transaction!.lotId);
    }
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        a.imsop.stock.reserveStock({
          ...level,
          quantity: 1,
          reference: `order-${i}`,
          // Every fourth names the last lot explicitly; the rest go first expiry first.
          lots: i % 4 === 0 ? [{ lotId: ids[2]!, locationId: '', quantity: 1 }] : [],
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(100);
    for (const f of failed) expect(f.reason).toMatchObject({ reason: 'INSUFFICIENT_STOCK' });
    const rows = await adminQuery<{ lot_number: string; on_hand: number; reserved: number; allocated: number }>(
      server,
      `SELECT lot.lot_number, b.quantity_on_hand AS on_hand, b.quantity_reserved AS reserved,
              (SELECT coalesce(sum(x.quantity), 0)::int FROM reservation_allocations x
                 JOIN reservations r ON r.organization_id = x.organization_id AND r.id = x.reservation_id
               WHERE x.organization_id = b.organization_id AND x.balance_id = b.id AND r.status = 'active') AS allocated
       FROM stock_balances b JOIN lots lot ON lot.organization_id = b.organization_id AND lot.id = b.lot_id
       WHERE b.organization_id = $1 AND b.product_id = $2 ORDER BY lot.lot_number`,
      [a.organizationId, product.id],
    );
    expect(rows).toEqual([
      { lot_number: 'C1', on_hand: 30, reserved: 30, allocated: 30 },
      { lot_number: 'C2', on_hand: 40, reserved: 40, allocated: 40 },
      { lot_number: 'C3', on_hand: 30, reserved: 30, allocated: 30 },
    ]);
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it("another organization's lots and locations are NOT_FOUND, also inside requests", async ({ a, b }) => {
    const { product, warehouse, bin } = await lotSetup(a.imsop);
    const bin1 = await bin('SECRET');
    const lotId = (
      await a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: product.id,
        quantity: 1,
        locationId: bin1.id,
        lot: { lotNumber: 'S1' },
      })
    ).transaction!.lotId;
    expect(await rejection(b.imsop.lots.getLot({ lotId }))).toMatchObject({
      code: Status.NOT_FOUND,
      reason: 'LOT_NOT_FOUND',
    });
    expect(await rejection(b.imsop.locations.getLocation({ locationId: bin1.id }))).toMatchObject({
      code: Status.NOT_FOUND,
      reason: 'LOCATION_NOT_FOUND',
    });
    expect(await rejection(b.imsop.stock.listStockBalances({ lotId }))).toMatchObject({ code: Status.NOT_FOUND });
    // B's own lot-tracked product, naming A's lot and A's location.
    const mine = await lotSetup(b.imsop);
    const own = { warehouseId: mine.warehouse.id, productId: mine.product.id };
    expect(await rejection(b.imsop.stock.receiveStock({ ...own, quantity: 1, lot: { lotId } }))).toMatchObject({
      code: Status.NOT_FOUND,
      reason: 'LOT_NOT_FOUND',
    });
    expect(
      await rejection(
        b.imsop.stock.receiveStock({ ...own, quantity: 1, locationId: bin1.id, lot: { lotNumber: 'Z' } }),
      ),
    ).toMatchObject({ code: Status.NOT_FOUND, reason: 'LOCATION_NOT_FOUND' });
    expect(
      await rejection(
        b.imsop.stock.reserveStock({ ...own, quantity: 1, lots: [{ lotId, locationId: '', quantity: 1 }] }),
      ),
    ).toMatchObject({ code: Status.NOT_FOUND, reason: 'LOT_NOT_FOUND' });
  });

  it('purchase order receipts book lot-tracked goods to the lot and location they name', async ({ a, server }) => {
    const { product, warehouse, bin } = await lotSetup(a.imsop);
    const dock = await bin('DOCK', LocationType.LOCATION_TYPE_RECEIVING);
    const supplier = await newSupplier(a.imsop);
    const order = await approvedOrder(a.imsop, supplier.id, [{ productId: product.id, quantity: 10, price: eur(2) }]);
    const line = { purchaseOrderItemId: order.items[0]!.id, quantity: 6 };
    const inbound = async () =>
      (await a.imsop.stock.getProductInventory({ sku: product.sku, includeInbound: true })).totalIncoming;
    expect(await inbound()).toBe(10);
    const noLot = await rejection(
      a.imsop.purchaseOrders.receivePurchaseOrder({ id: order.id, warehouseId: warehouse.id, lines: [line] }),
    );
    expect(noLot).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LOT_REQUIRED' });
    const badLot = await rejection(
      a.imsop.purchaseOrders.receivePurchaseOrder({
        id: order.id,
        warehouseId: warehouse.id,
        lines: [{ ...line, lotNumber: 'has space' }],
      }),
    );
    expect(badLot).toMatchObject({ code: Status.INVALID_ARGUMENT });
    const { receipt, purchaseOrder } = await a.imsop.purchaseOrders.receivePurchaseOrder({
      id: order.id,
      warehouseId: warehouse.id,
      locationId: dock.id,
      lines: [{ ...line, lotNumber: 'PO-LOT-1', expiryDate: date('2099-03-31'), supplierLotReference: 'SUP-77' }],
    });
    expect(purchaseOrder!.items[0]!.quantityReceived).toBe(6);
    expect(await inbound()).toBe(4);
    const lotId = receipt!.lines[0]!.lotId;
    expect(receipt!.lines[0]).toMatchObject({ lotNumber: 'PO-LOT-1', quantity: 6 });
    const { lot, quantityOnHand } = await a.imsop.lots.getLot({ lotId });
    expect(lot).toMatchObject({
      lotNumber: 'PO-LOT-1',
      supplierLotReference: 'SUP-77',
      expiryDate: date('2099-03-31'),
    });
    expect(quantityOnHand).toBe(6);
    const { balances } = await a.imsop.stock.listStockBalances({ lotId });
    expect(balances.map((b) => [b.locationId, b.locationCode, b.quantityOnHand])).toEqual([[dock.id, 'DOCK', 6]]);
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });
});
