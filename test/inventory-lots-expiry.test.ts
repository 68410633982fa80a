import { describe, expect } from 'vitest';
import { InventoryTransactionType as T, LocationType } from '../gen/ts/imsop/inventory/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { adminQuery } from './support/inventory.js';
import { inventoryTest } from './support/inventory-fixture.js';
import { approvedOrder, dateInDays, eur, newSupplier } from './support/procurement.js';
import { Status, type ImsopClient } from './support/sdk.js';

/**
 * Lots that expire: ListExpiringLots, the expiry task moving expired stock to hold (run every
 * 200 ms here), and the recall trace of a lot. Expiry dates are moved into the past directly in
 * the database, as the passing of days would.
 */
const it = inventoryTest.override(
  'serverOptions',
  { scope: 'file' },
  { env: { RESERVATION_SWEEP_INTERVAL_MS: '0', LOT_EXPIRY_INTERVAL_MS: '200' } },
);

let n = 0;
const unique = () => `${process.pid}-${++n}`;

async function lotTrackedProduct(imsop: ImsopClient) {
  return (
    await imsop.products.createProduct({ product: { sku: `LOT-${unique()}`, name: 'Yoghurt', lotTracked: true } })
  ).product!;
}

async function warehouse(imsop: ImsopClient) {
  return (await imsop.warehouses.createWarehouse({ warehouse: { code: `WL-${unique()}`, name: 'Cold store' } }))
    .warehouse!;
}

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('expiring lots', () => {
  it('ListExpiringLots lists lots with stock expiring within N days, earliest first, page by page', async ({ a }) => {
    const product = await lotTrackedProduct(a.imsop);
    const wh = await warehouse(a.imsop);
    const other = await warehouse(a.imsop);
    const receive = (warehouseId: string, lotNumber: string, days: number | undefined, quantity: number) =>
      a.imsop.stock.receiveStock({
        warehouseId,
        productId: product.id,
        quantity,
        lot: {
          lotId: '',
          lotNumber,
          expiryDate: days === undefined ? undefined : dateInDays(days),
          supplierLotReference: '',
        },
      });
    await receive(wh.id, 'SOON', 5, 10);
    await receive(other.id, 'SOON', 5, 2);
    await receive(wh.id, 'LATER', 40, 4);
    await receive(wh.id, 'NEVER', undefined, 7);
    const list = (withinDays: number, extra: { warehouseId?: string; pageSize?: number; pageToken?: string } = {}) =>
      a.imsop.lots.listExpiringLots({
        withinDays,
        productId: product.id,
        warehouseId: extra.warehouseId ?? '',
        pageSize: extra.pageSize ?? 0,
        pageToken: extra.pageToken ?? '',
      });

    const month = await list(30);
    expect(month.lots.map((l) => [l.lot!.lotNumber, l.quantityOnHand, l.daysToExpiry])).toEqual([['SOON', 12, 5]]);
    const atOne = await list(30, { warehouseId: wh.id });
    expect(atOne.lots.map((l) => [l.lot!.lotNumber, l.quantityOnHand])).toEqual([['SOON', 10]]);

    const first = await list(60, { pageSize: 1 });
    expect(first.lots.map((l) => l.lot!.lotNumber)).toEqual(['SOON']);
    expect(first.nextPageToken).not.toBe('');
    const second = await list(60, { pageSize: 1, pageToken: first.nextPageToken });
    expect(second.lots.map((l) => [l.lot!.lotNumber, l.daysToExpiry, l.lot!.expired])).toEqual([['LATER', 40, false]]);
    expect(second.nextPageToken).toBe('');

    const bad = await expectError(list(3651));
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
  });

  it('the expiry task moves an expired lot’s available stock to hold, once, and records lot_expired', async ({
    a,
    server,
  }) => {
    const product = await lotTrackedProduct(a.imsop);
    const wh = await warehouse(a.imsop);
    const { location: bin } = await a.imsop.locations.createLocation({
      location: { warehouseId: wh.id, code: `BIN-${unique()}`, name: 'Bin', type: LocationType.LOCATION_TYPE_STORAGE },
    });
    const { transaction } = await a.imsop.stock.receiveStock({
      warehouseId: wh.id,
      productId: product.id,
      quantity: 6,
      locationId: bin!.id,
      lot: { lotId: '', lotNumber: 'OLD', expiryDate: dateInDays(2), supplierLotReference: '' },
    });
    await a.imsop.stock.receiveStock({
      warehouseId: wh.id,
      productId: product.id,
      quantity: 3,
      lot: { lotId: '', lotNumber: 'FRESH', expiryDate: dateInDays(30), supplierLotReference: '' },
    });
    const lotId = transaction!.lotId;
    // Two days pass.
    await adminQuery(server, `UPDATE lots SET expires_on = current_date - 1 WHERE organization_id = $1 AND id = $2`, [
      a.organizationId,
      lotId,
    ]);

    const key = { warehouseId: wh.id, productId: product.id };
    await until(async () => (await a.imsop.stock.getStockLevel(key)).stockLevel?.quantityOnHold === 6);
    // On hand is unchanged; only the fresh lot is available.
    expect((await a.imsop.stock.getStockLevel(key)).stockLevel).toMatchObject({
      quantityOnHand: 9,
      quantityOnHold: 6,
      quantityAvailable: 3,
    });
    const { lot } = await a.imsop.lots.getLot({ lotId });
    expect(lot!.expired).toBe(true);
    const moves = await a.imsop.stock.listInventoryTransactions({ productId: product.id, lotId });
    const out = moves.transactions.find((t) => t.type === T.INVENTORY_TRANSACTION_TYPE_MOVE_OUT)!;
    const into = moves.transactions.find((t) => t.type === T.INVENTORY_TRANSACTION_TYPE_MOVE_IN)!;
    expect(out).toMatchObject({ onHandDelta: -6, locationId: bin!.id, actorId: '' });
    expect(into).toMatchObject({ onHandDelta: 6, transferId: out.transferId });
    const { locations } = await a.imsop.locations.listLocations({ warehouseId: wh.id, pageSize: 50 });
    expect(locations.find((l) => l.id === into.locationId)).toMatchObject({
      code: 'EXPIRED',
      type: LocationType.LOCATION_TYPE_HOLD,
    });

    const events = await a.imsop.events.listEvents({
      eventType: 'inventory.lot_expired',
      entityType: 'lot',
      entityId: lotId,
    });
    expect(events.events).toHaveLength(1);
    // Handled once: later runs find nothing to do for the lot.
    await new Promise((r) => setTimeout(r, 600));
    expect(
      (await a.imsop.stock.listInventoryTransactions({ productId: product.id, lotId })).transactions.filter(
        (t) => t.type === T.INVENTORY_TRANSACTION_TYPE_MOVE_IN,
      ),
    ).toHaveLength(1);
  });
});

describe('lot traces', () => {
  it('a recall trace lists every receipt (with its purchase order and supplier) and every issue and transfer of the lot', async ({
    a,
  }) => {
    const product = await lotTrackedProduct(a.imsop);
    const wh = await warehouse(a.imsop);
    const east = await warehouse(a.imsop);
    const supplier = await newSupplier(a.imsop);
    const order = await approvedOrder(a.imsop, supplier.id, [{ productId: product.id, quantity: 20, price: eur(2) }]);
    const receipt = await a.imsop.purchaseOrders.receivePurchaseOrder({
      id: order.id,
      warehouseId: wh.id,
      lines: [
        {
          purchaseOrderItemId: order.items[0]!.id,
          quantity: 20,
          lotNumber: 'RECALL-1',
          expiryDate: dateInDays(90),
        },
      ],
    });
    const lotId = receipt.receipt!.lines[0]!.lotId;
    // More of the same lot, received directly; and another lot that must not show up.
    await a.imsop.stock.receiveStock({
      warehouseId: wh.id,
      productId: product.id,
      quantity: 5,
      reference: 'returned by customer',
      lot: { lotId, lotNumber: '', supplierLotReference: '' },
    });
    await a.imsop.stock.receiveStock({
      warehouseId: wh.id,
      productId: product.id,
      quantity: 50,
      lot: { lotId: '', lotNumber: 'OTHER', expiryDate: dateInDays(200), supplierLotReference: '' },
    });
    const lots = [{ lotId, locationId: '', quantity: 0 }];
    const issued = await a.imsop.stock.issueStock({
      warehouseId: wh.id,
      productId: product.id,
      quantity: 7,
      reference: 'SO-77',
      lots: [{ ...lots[0]!, quantity: 7 }],
    });
    await a.imsop.stock.transferStock({
      productId: product.id,
      sourceWarehouseId: wh.id,
      destinationWarehouseId: east.id,
      quantity: 4,
      lots: [{ ...lots[0]!, quantity: 4 }],
    });
    await a.imsop.stock.issueStock({
      warehouseId: east.id,
      productId: product.id,
      quantity: 1,
      reference: 'SO-78',
      lots: [{ ...lots[0]!, quantity: 1 }],
    });

    const trace = await a.imsop.lots.traceLot({ lotId });
    expect(trace.lot!.lotNumber).toBe('RECALL-1');
    expect(trace.receipts.map((r) => [r.quantity, r.poNumber, r.supplierId, r.purchaseOrderId])).toEqual([
      [20, order.poNumber, supplier.id, order.id],
      [5, '', '', ''],
    ]);
    expect(trace.receipts[0]!.receiptId).toBe(receipt.receipt!.id);
    const kinds = trace.movements.map((m) => [m.type, m.warehouseId, m.onHandDelta]);
    expect(kinds).toEqual([
      [T.INVENTORY_TRANSACTION_TYPE_RECEIVE, wh.id, 20],
      [T.INVENTORY_TRANSACTION_TYPE_RECEIVE, wh.id, 5],
      [T.INVENTORY_TRANSACTION_TYPE_ISSUE, wh.id, -7],
      [T.INVENTORY_TRANSACTION_TYPE_TRANSFER_OUT, wh.id, -4],
      [T.INVENTORY_TRANSACTION_TYPE_TRANSFER_IN, east.id, 4],
      [T.INVENTORY_TRANSACTION_TYPE_ISSUE, east.id, -1],
    ]);
    expect(trace.movements[2]!.id).toBe(issued.transactions[0]!.id);
    expect(trace).toMatchObject({ quantityReceived: 25, quantityIssued: 8, quantityOnHand: 17 });
  });

  it('lots of another organization are NOT_FOUND', async ({ a, b }) => {
    const product = await lotTrackedProduct(a.imsop);
    const wh = await warehouse(a.imsop);
    const { transaction } = await a.imsop.stock.receiveStock({
      warehouseId: wh.id,
      productId: product.id,
      quantity: 1,
      lot: { lotId: '', lotNumber: 'MINE', supplierLotReference: '' },
    });
    const e = await expectError(b.imsop.lots.traceLot({ lotId: transaction!.lotId }));
    expect(e).toMatchObject({ code: Status.NOT_FOUND, reason: 'LOT_NOT_FOUND' });
  });
});
