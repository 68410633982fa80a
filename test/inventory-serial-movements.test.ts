import { describe, expect } from 'vitest';
import {
  AdjustmentReason,
  InventoryTransactionType as T,
  LocationType,
  SerialNumberStatus,
} from '../gen/ts/imsop/inventory/v1/resources.js';
import { ShipmentStatus, ShipmentType } from '../gen/ts/imsop/shipments/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { unbalancedBalances } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { shipmentRequest } from './support/shipments.js';

/**
 * Adjustments, moves and transfers of serial-tracked products (issue 20's gaps): the serials
 * named move with the units, every ledger row names the serials it moved, a refusal changes
 * nothing, and the ledger still sums to every balance.
 */
const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

let n = 0;
const unique = () => `${process.pid}-${++n}`;

async function setup(imsop: ImsopClient) {
  const { product } = await imsop.products.createProduct({
    product: { sku: `SMV-${unique()}`, name: 'Meter', serialTracked: true },
  });
  const warehouse = async () =>
    (await imsop.warehouses.createWarehouse({ warehouse: { code: `WM-${unique()}`, name: 'Meters' } })).warehouse!;
  const main = await warehouse();
  const bin = async (warehouseId: string, type = LocationType.LOCATION_TYPE_STORAGE) => {
    const code = `B-${unique()}`;
    return (await imsop.locations.createLocation({ location: { warehouseId, code, name: code, type } })).location!;
  };
  const sns = (k: number) => Array.from({ length: k }, () => `SN-${unique()}`);
  return { product: product!, main, warehouse, bin, sns };
}

async function serialsOf(imsop: ImsopClient, productId: string) {
  const { serialNumbers } = await imsop.lots.listSerialNumbers({ productId, pageSize: 100 });
  return new Map(serialNumbers.map((s) => [s.serialNumber, s]));
}

describe('movements of serial-tracked products', () => {
  it('AdjustStock books found and lost serial numbers; refusals change nothing', async ({ a, server }) => {
    const { product, main, sns } = await setup(a.imsop);
    const key = { warehouseId: main.id, productId: product.id };
    const [s1, s2, s3, s4] = sns(4);
    await a.imsop.stock.receiveStock({ ...key, quantity: 2, serialNumbers: [s1!, s2!] });

    const found = await a.imsop.stock.adjustStock({
      ...key,
      reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
      change: { $case: 'quantityDelta', value: 2 },
      serialNumbers: [s3!, s4!],
    });
    expect(found.stockLevel).toMatchObject({ quantityOnHand: 4 });
    expect(found.transaction!.serialNumbers.sort()).toEqual([s3, s4].sort());

    const lost = await a.imsop.stock.adjustStock({
      ...key,
      reason: AdjustmentReason.ADJUSTMENT_REASON_LOST,
      change: { $case: 'quantityDelta', value: -1 },
      serialNumbers: [s1!],
    });
    expect(lost.stockLevel).toMatchObject({ quantityOnHand: 3 });
    expect(lost.transaction!.serialNumbers).toEqual([s1]);
    const serials = await serialsOf(a.imsop, product.id);
    expect(serials.get(s1!)!.status).toBe(SerialNumberStatus.SERIAL_NUMBER_STATUS_ISSUED);
    expect(serials.get(s3!)!).toMatchObject({
      status: SerialNumberStatus.SERIAL_NUMBER_STATUS_IN_STOCK,
      warehouseId: main.id,
    });

    // Refusals: none named, too few, already in stock, not in stock; nothing changes.
    const none = await expectError(
      a.imsop.stock.adjustStock({
        ...key,
        reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
        change: { $case: 'quantityDelta', value: 1 },
      }),
    );
    expect(none).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBERS_REQUIRED' });
    const miscounted = await expectError(
      a.imsop.stock.adjustStock({
        ...key,
        reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
        change: { $case: 'quantityDelta', value: 2 },
        serialNumbers: sns(1),
      }),
    );
    expect(miscounted.code).toBe(Status.INVALID_ARGUMENT);
    const twice = await expectError(
      a.imsop.stock.adjustStock({
        ...key,
        reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
        change: { $case: 'quantityDelta', value: 1 },
        serialNumbers: [s2!],
      }),
    );
    expect(twice).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'SERIAL_NUMBER_IN_STOCK' });
    const gone = await expectError(
      a.imsop.stock.adjustStock({
        ...key,
        reason: AdjustmentReason.ADJUSTMENT_REASON_LOST,
        change: { $case: 'quantityDelta', value: -1 },
        serialNumbers: [s1!],
      }),
    );
    expect(gone).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBER_NOT_AVAILABLE' });
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel).toMatchObject({ quantityOnHand: 3 });
    expect([...(await serialsOf(a.imsop, product.id)).values()].map((s) => s.status).sort()).toEqual(
      [...serials.values()].map((s) => s.status).sort(),
    );

    // Serial numbers of a product that is not serial-tracked are refused.
    const plain = (await a.imsop.products.createProduct({ product: { sku: `PL-${unique()}`, name: 'Plain' } }))
      .product!;
    const notTracked = await expectError(
      a.imsop.stock.adjustStock({
        warehouseId: main.id,
        productId: plain.id,
        reason: AdjustmentReason.ADJUSTMENT_REASON_FOUND,
        change: { $case: 'quantityDelta', value: 1 },
        serialNumbers: sns(1),
      }),
    );
    expect(notTracked).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBERS_NOT_TRACKED' });
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('MoveStock moves the named serials into a bin and into quarantine; their history shows both sides', async ({
    a,
    server,
  }) => {
    const { product, main, bin, sns } = await setup(a.imsop);
    const key = { warehouseId: main.id, productId: product.id };
    const [s1, s2, s3] = sns(3);
    await a.imsop.stock.receiveStock({ ...key, quantity: 3, serialNumbers: [s1!, s2!, s3!] });
    const shelf = await bin(main.id);
    const hold = await bin(main.id, LocationType.LOCATION_TYPE_HOLD);

    const moved = await a.imsop.stock.moveStock({
      ...key,
      sourceLocationId: main.id,
      destinationLocationId: shelf.id,
      quantity: 2,
      serialNumbers: [s1!, s2!],
    });
    expect(moved.transactions.map((t) => [t.type, t.locationId, t.serialNumbers.sort()])).toEqual([
      [T.INVENTORY_TRANSACTION_TYPE_MOVE_OUT, main.id, [s1, s2].sort()],
      [T.INVENTORY_TRANSACTION_TYPE_MOVE_IN, shelf.id, [s1, s2].sort()],
    ]);
    let serials = await serialsOf(a.imsop, product.id);
    expect(serials.get(s1!)!.locationId).toBe(shelf.id);
    expect(serials.get(s3!)!.locationId).toBe(main.id);

    // Into quarantine: still on hand, no longer available; the serial goes along.
    const quarantined = await a.imsop.stock.moveStock({
      ...key,
      sourceLocationId: shelf.id,
      destinationLocationId: hold.id,
      quantity: 1,
      serialNumbers: [s2!],
    });
    expect(quarantined.stockLevel).toMatchObject({ quantityOnHand: 3, quantityAvailable: 2 });
    serials = await serialsOf(a.imsop, product.id);
    expect(serials.get(s2!)!.locationId).toBe(hold.id);

    // A serial that is not at the source is refused; nothing changes.
    const elsewhere = await expectError(
      a.imsop.stock.moveStock({
        ...key,
        sourceLocationId: shelf.id,
        destinationLocationId: main.id,
        quantity: 1,
        serialNumbers: [s3!],
      }),
    );
    expect(elsewhere).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBER_NOT_AVAILABLE' });
    expect((await serialsOf(a.imsop, product.id)).get(s3!)!.locationId).toBe(main.id);

    // The ledger lists the serials each entry moved.
    const { transactions } = await a.imsop.stock.listInventoryTransactions({ productId: product.id, pageSize: 100 });
    expect(transactions.map((t) => [t.type, t.locationId, t.serialNumbers]).sort()).toEqual(
      [
        [T.INVENTORY_TRANSACTION_TYPE_RECEIVE, main.id, [s1, s2, s3].sort()],
        [T.INVENTORY_TRANSACTION_TYPE_MOVE_OUT, main.id, [s1, s2].sort()],
        [T.INVENTORY_TRANSACTION_TYPE_MOVE_IN, shelf.id, [s1, s2].sort()],
        [T.INVENTORY_TRANSACTION_TYPE_MOVE_OUT, shelf.id, [s2]],
        [T.INVENTORY_TRANSACTION_TYPE_MOVE_IN, hold.id, [s2]],
      ].sort(),
    );
    const history = await a.imsop.lots.getSerialNumberHistory({ productId: product.id, serialNumber: s2 });
    expect(history.history.map((t) => t.type).sort()).toEqual(
      [
        T.INVENTORY_TRANSACTION_TYPE_RECEIVE,
        T.INVENTORY_TRANSACTION_TYPE_MOVE_IN,
        T.INVENTORY_TRANSACTION_TYPE_MOVE_OUT,
        T.INVENTORY_TRANSACTION_TYPE_MOVE_IN,
        T.INVENTORY_TRANSACTION_TYPE_MOVE_OUT,
      ].sort(),
    );
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('TransferStock takes the named serials to the other warehouse; refusals change nothing', async ({ a, server }) => {
    const { product, main, warehouse, bin, sns } = await setup(a.imsop);
    const other = await warehouse();
    const key = { warehouseId: main.id, productId: product.id };
    const [s1, s2, s3] = sns(3);
    await a.imsop.stock.receiveStock({ ...key, quantity: 3, serialNumbers: [s1!, s2!, s3!] });
    const dock = await bin(other.id, LocationType.LOCATION_TYPE_RECEIVING);

    const moved = await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: main.id,
      destinationWarehouseId: other.id,
      destinationLocationId: dock.id,
      quantity: 2,
      serialNumbers: [s1!, s3!],
    });
    expect(moved.sourceStockLevel).toMatchObject({ quantityOnHand: 1 });
    expect(moved.destinationStockLevel).toMatchObject({ quantityOnHand: 2, quantityAvailable: 2 });
    expect(moved.transactions.map((t) => [t.type, t.warehouseId, t.serialNumbers.sort()])).toEqual([
      [T.INVENTORY_TRANSACTION_TYPE_TRANSFER_OUT, main.id, [s1, s3].sort()],
      [T.INVENTORY_TRANSACTION_TYPE_TRANSFER_IN, other.id, [s1, s3].sort()],
    ]);
    const serials = await serialsOf(a.imsop, product.id);
    expect(serials.get(s1!)).toMatchObject({ warehouseId: other.id, locationId: dock.id });
    expect(serials.get(s2!)).toMatchObject({ warehouseId: main.id });

    // Not at the source any more, or a count that differs: refused, nothing changes.
    const away = await expectError(
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: main.id,
        destinationWarehouseId: other.id,
        quantity: 1,
        serialNumbers: [s1!],
      }),
    );
    expect(away).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBER_NOT_AVAILABLE' });
    const miscounted = await expectError(
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: main.id,
        destinationWarehouseId: other.id,
        quantity: 2,
        serialNumbers: [s2!],
      }),
    );
    expect(miscounted.code).toBe(Status.INVALID_ARGUMENT);
    const tooMany = await expectError(
      a.imsop.stock.transferStock({
        productId: product.id,
        sourceWarehouseId: main.id,
        destinationWarehouseId: other.id,
        quantity: 2,
      }),
    );
    expect(tooMany).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel).toMatchObject({ quantityOnHand: 1 });
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: other.id, productId: product.id })).stockLevel,
    ).toMatchObject({ quantityOnHand: 2 });

    // Any unit when none is named: the one left, and back.
    const any = await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: main.id,
      destinationWarehouseId: other.id,
      quantity: 1,
    });
    expect(any.transactions.flatMap((t) => t.serialNumbers)).toEqual([s2, s2]);
    await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: other.id,
      destinationWarehouseId: main.id,
      quantity: 1,
      serialNumbers: [s3!],
    });
    expect((await serialsOf(a.imsop, product.id)).get(s3!)).toMatchObject({
      warehouseId: main.id,
      locationId: main.id,
    });
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });
});

describe('transfer shipments of stock in bins and lots', () => {
  it('dispatch takes lots first expiry first across locations; delivery puts the same lots into the destination', async ({
    a,
    server,
  }) => {
    const { product } = await a.imsop.products.createProduct({
      product: { sku: `SHL-${unique()}`, name: 'Yoghurt', lotTracked: true },
    });
    const warehouse = async () =>
      (await a.imsop.warehouses.createWarehouse({ warehouse: { code: `WL-${unique()}`, name: 'Cold' } })).warehouse!;
    const [origin, destination] = [await warehouse(), await warehouse()];
    const code = `S-${unique()}`;
    const shelf = (
      await a.imsop.locations.createLocation({
        location: { warehouseId: origin.id, code, name: code, type: LocationType.LOCATION_TYPE_STORAGE },
      })
    ).location!;
    const key = { warehouseId: origin.id, productId: product!.id };
    const late = { lotNumber: `LATE-${unique()}`, expiryDate: { year: 2099, month: 12, day: 31 } };
    const early = { lotNumber: `EARLY-${unique()}`, expiryDate: { year: 2098, month: 1, day: 31 } };
    await a.imsop.stock.receiveStock({ ...key, quantity: 5, lot: late });
    await a.imsop.stock.receiveStock({ ...key, quantity: 4, lot: early, locationId: shelf.id });
    // Untracked stock only in a bin.
    const plain = (await a.imsop.products.createProduct({ product: { sku: `SHP-${unique()}`, name: 'Spoon' } }))
      .product!;
    await a.imsop.stock.receiveStock({
      warehouseId: origin.id,
      productId: plain.id,
      quantity: 3,
      locationId: shelf.id,
    });

    const create = (quantity: number) =>
      a.imsop.shipments
        .createShipment(
          shipmentRequest({
            type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
            originWarehouseId: origin.id,
            destinationWarehouseId: destination.id,
            items: [
              { productId: product!.id, quantity },
              { productId: plain.id, quantity: 2 },
            ],
          }),
        )
        .then((r) => r.shipment!);
    const status = (id: string, s: ShipmentStatus) => a.imsop.shipments.updateShipmentStatus({ id, status: s });
    const balances = async (warehouseId: string, productId: string) =>
      (await a.imsop.stock.listStockBalances({ warehouseId, productId })).balances
        .map((b) => [b.locationId, b.lotNumber, b.quantityOnHand])
        .sort();

    // Too much: refused, nothing changes, the shipment stays where it was.
    const tooBig = await create(10);
    const refused = await expectError(status(tooBig.id, ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT));
    expect(refused).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'INSUFFICIENT_STOCK' });
    expect((await a.imsop.shipments.getShipment({ id: tooBig.id })).shipment!.status).toBe(tooBig.status);
    expect(await balances(origin.id, product!.id)).toEqual(
      [
        [origin.id, late.lotNumber, 5],
        [shelf.id, early.lotNumber, 4],
      ].sort(),
    );

    const shipment = await create(6);
    await status(shipment.id, ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT);
    // First expiry first: all 4 of the early lot (on the shelf, now empty), then 2 of the late one.
    expect(await balances(origin.id, product!.id)).toEqual([[origin.id, late.lotNumber, 3]]);
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: origin.id, productId: plain.id })).stockLevel,
    ).toMatchObject({
      quantityOnHand: 1,
    });

    await status(shipment.id, ShipmentStatus.SHIPMENT_STATUS_DELIVERED);
    expect(await balances(destination.id, product!.id)).toEqual(
      [
        [destination.id, late.lotNumber, 2],
        [destination.id, early.lotNumber, 4],
      ].sort(),
    );
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: destination.id, productId: plain.id })).stockLevel,
    ).toMatchObject({ quantityOnHand: 2, quantityAvailable: 2 });
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });

  it('a transfer shipment of serial-tracked units carries its serials: in transit, then in stock at the destination', async ({
    a,
    server,
  }) => {
    const { product, main, warehouse, sns } = await setup(a.imsop);
    const other = await warehouse();
    const [s1, s2, s3] = sns(3);
    await a.imsop.stock.receiveStock({
      warehouseId: main.id,
      productId: product.id,
      quantity: 3,
      serialNumbers: [s1!, s2!, s3!],
    });
    const { shipment } = await a.imsop.shipments.createShipment(
      shipmentRequest({
        type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
        originWarehouseId: main.id,
        destinationWarehouseId: other.id,
        items: [{ productId: product.id, quantity: 2 }],
      }),
    );
    await a.imsop.shipments.updateShipmentStatus({
      id: shipment!.id,
      status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
    });
    let serials = await serialsOf(a.imsop, product.id);
    const moving = [...serials.values()]
      .filter((s) => s.status === SerialNumberStatus.SERIAL_NUMBER_STATUS_IN_TRANSIT)
      .map((s) => s.serialNumber)
      .sort();
    expect(moving).toHaveLength(2);
    expect(
      (await a.imsop.stock.getStockLevel({ warehouseId: main.id, productId: product.id })).stockLevel,
    ).toMatchObject({ quantityOnHand: 1 });

    await a.imsop.shipments.updateShipmentStatus({
      id: shipment!.id,
      status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED,
    });
    serials = await serialsOf(a.imsop, product.id);
    for (const s of moving)
      expect(serials.get(s)).toMatchObject({
        status: SerialNumberStatus.SERIAL_NUMBER_STATUS_IN_STOCK,
        warehouseId: other.id,
        locationId: other.id,
      });
    const arrived = await a.imsop.stock.listInventoryTransactions({
      productId: product.id,
      warehouseId: other.id,
      pageSize: 10,
    });
    expect(arrived.transactions.map((t) => [t.type, t.serialNumbers])).toEqual([
      [T.INVENTORY_TRANSACTION_TYPE_TRANSFER_IN, moving],
    ]);
    // Now at the destination, they can move on from there.
    await a.imsop.stock.issueStock({
      warehouseId: other.id,
      productId: product.id,
      quantity: 1,
      serialNumbers: [moving[0]!],
    });
    expect(await unbalancedBalances(server, a.organizationId)).toEqual([]);
  });
});
