import { describe, expect } from 'vitest';
import { InventoryTransactionType as T, SerialNumberStatus } from '../gen/ts/imsop/inventory/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { Status, type ImsopClient } from './support/sdk.js';

/** Serial numbers: one unit each, in stock at most once, issued at most once, with a history. */
const it = inventoryTest.override('serverOptions', { scope: 'file' }, { env: { RESERVATION_SWEEP_INTERVAL_MS: '0' } });

let n = 0;
const unique = () => `${process.pid}-${++n}`;

async function serialProduct(imsop: ImsopClient) {
  const { product } = await imsop.products.createProduct({
    product: { sku: `SER-${unique()}`, name: 'Drill', serialTracked: true },
  });
  const { warehouse } = await imsop.warehouses.createWarehouse({
    warehouse: { code: `WS-${unique()}`, name: 'Tools' },
  });
  return { product: product!, warehouse: warehouse! };
}

describe('serial numbers', () => {
  it('a serial number cannot be received twice, not even by two receipts at once', async ({ a }) => {
    const { product, warehouse } = await serialProduct(a.imsop);
    const key = { warehouseId: warehouse.id, productId: product.id };
    const sn = (s: string) => `${s}-${unique()}`;
    const [s1, s2, s3] = [sn('A'), sn('B'), sn('C')];
    const received = await a.imsop.stock.receiveStock({ ...key, quantity: 3, serialNumbers: [s1, s2, s3] });
    expect(received.transaction!.serialNumbers.sort()).toEqual([s1, s2, s3].sort());

    const again = await expectError(a.imsop.stock.receiveStock({ ...key, quantity: 2, serialNumbers: [sn('D'), s2] }));
    expect(again).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'SERIAL_NUMBER_IN_STOCK' });
    expect(again.metadata.serial_number).toBe(s2);
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel?.quantityOnHand).toBe(3);

    const missing = await expectError(a.imsop.stock.receiveStock({ ...key, quantity: 1 }));
    expect(missing).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBERS_REQUIRED' });
    const miscounted = await expectError(a.imsop.stock.receiveStock({ ...key, quantity: 2, serialNumbers: [sn('E')] }));
    expect(miscounted.code).toBe(Status.INVALID_ARGUMENT);

    // Two receipts of the same new serial number at the same moment: one wins.
    const contested = sn('RACE');
    const results = await Promise.allSettled(
      [sn('X'), sn('Y')].map((other) =>
        a.imsop.stock.receiveStock({ ...key, quantity: 2, serialNumbers: [other, contested] }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'SERIAL_NUMBER_IN_STOCK' });
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel?.quantityOnHand).toBe(5);
    const { serialNumbers } = await a.imsop.lots.listSerialNumbers({ productId: product.id, pageSize: 100 });
    expect(serialNumbers.filter((s) => s.serialNumber === contested)).toHaveLength(1);
  });

  it('a serial number cannot be issued twice; reserving one holds it; its history is in the ledger', async ({ a }) => {
    const { product, warehouse } = await serialProduct(a.imsop);
    const key = { warehouseId: warehouse.id, productId: product.id };
    const [s1, s2, s3] = ['1', '2', '3'].map((s) => `SN${s}-${unique()}`);
    await a.imsop.stock.receiveStock({ ...key, quantity: 3, serialNumbers: [s1!, s2!, s3!] });

    const issued = await a.imsop.stock.issueStock({ ...key, quantity: 1, serialNumbers: [s1!], reference: 'SO-1' });
    expect(issued.transactions.flatMap((t) => t.serialNumbers)).toEqual([s1]);
    const twice = await expectError(a.imsop.stock.issueStock({ ...key, quantity: 1, serialNumbers: [s1!] }));
    expect(twice).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBER_NOT_AVAILABLE' });
    expect(twice.metadata.status).toBe('issued');

    const { reservation } = await a.imsop.stock.reserveStock({ ...key, quantity: 1, serialNumbers: [s2!] });
    const held = await expectError(a.imsop.stock.issueStock({ ...key, quantity: 1, serialNumbers: [s2!] }));
    expect(held).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBER_NOT_AVAILABLE' });
    expect(held.metadata.status).toBe('reserved');
    // Any unit, no serial named: the one left.
    const any = await a.imsop.stock.issueStock({ ...key, quantity: 1 });
    expect(any.transactions.flatMap((t) => t.serialNumbers)).toEqual([s3]);
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel).toMatchObject({
      quantityOnHand: 1,
      quantityReserved: 1,
    });
    await a.imsop.stock.fulfillReservation({ reservationId: reservation!.id });

    const history = await a.imsop.lots.getSerialNumberHistory({ productId: product.id, serialNumber: s2 });
    expect(history.serialNumber).toMatchObject({
      status: SerialNumberStatus.SERIAL_NUMBER_STATUS_ISSUED,
      warehouseId: '',
    });
    expect(history.history.map((e) => e.type)).toEqual([
      T.INVENTORY_TRANSACTION_TYPE_RECEIVE,
      T.INVENTORY_TRANSACTION_TYPE_RESERVE,
      T.INVENTORY_TRANSACTION_TYPE_ISSUE,
    ]);
    const first = await a.imsop.lots.getSerialNumberHistory({ serialNumberId: history.serialNumber!.id });
    expect(first.history).toHaveLength(3);
  });

  it('serial numbers of another organization are NOT_FOUND; untracked products take none', async ({ a, b }) => {
    const { product, warehouse } = await serialProduct(a.imsop);
    const serial = `MINE-${unique()}`;
    await a.imsop.stock.receiveStock({
      warehouseId: warehouse.id,
      productId: product.id,
      quantity: 1,
      serialNumbers: [serial],
    });
    const { serialNumbers } = await a.imsop.lots.listSerialNumbers({ productId: product.id });
    const e = await expectError(b.imsop.lots.getSerialNumberHistory({ serialNumberId: serialNumbers[0]!.id }));
    expect(e).toMatchObject({ code: Status.NOT_FOUND, reason: 'SERIAL_NUMBER_NOT_FOUND' });
    const byName = await expectError(
      b.imsop.lots.getSerialNumberHistory({ productId: product.id, serialNumber: serial }),
    );
    expect(byName).toMatchObject({ code: Status.NOT_FOUND, reason: 'PRODUCT_NOT_FOUND' });

    const { product: plain } = await a.imsop.products.createProduct({
      product: { sku: `PLAIN-${unique()}`, name: 'Plain' },
    });
    const refused = await expectError(
      a.imsop.stock.receiveStock({
        warehouseId: warehouse.id,
        productId: plain!.id,
        quantity: 1,
        serialNumbers: ['X1'],
      }),
    );
    expect(refused).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SERIAL_NUMBERS_NOT_TRACKED' });
  });
});
