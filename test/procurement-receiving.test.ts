import { DeactivateWarehouseRequest } from '../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { PurchaseOrderStatus as S } from '../gen/ts/imsop/procurement/v1/resources.js';
import { approvedOrder, dateInDays, eur, newOrder, newProduct, newSupplier, receive } from './support/procurement.js';
import { describe, expect } from 'vitest';
import { expectError } from './support/expect-error.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { it } from './support/data-fixture.js';
import { userWithRoles } from './support/tenant.js';

// Receiving: concurrency at the last units, over-receipt and its tolerance, who may receive and
// approve, what gets rolled back, and the supplier performance derived from receipts.
const stockOf = async (imsop: ImsopClient, warehouseId: string, productId: string) =>
  (await imsop.stock.getStockLevel({ warehouseId, productId })).stockLevel!.quantityOnHand;
const ledgerOf = async (imsop: ImsopClient, warehouseId: string, productId: string) =>
  (
    await imsop.stock.listInventoryTransactions({
      pageSize: 500,
      pageToken: '',
      productId,
      warehouseId,
      type: 0,
      startTime: undefined,
      endTime: undefined,
    })
  ).transactions;

describe('concurrent receipts', () => {
  it('of the last units of a line cannot both succeed: 20 receipts of 1 unit against 10 ordered, exactly 10 succeed', async ({
    imsop,
    warehouse,
    product,
    supplier,
  }) => {
    const order = await approvedOrder(imsop, supplier.id, [{ productId: product.id, quantity: 10, price: eur(3) }]);

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => receive(imsop, order, warehouse.id, [[0, 1]])),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(10);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const e = await expectError(Promise.reject((r as PromiseRejectedResult).reason));
      expect(e.code).toBe(Status.FAILED_PRECONDITION);
      // Late arrivals find the line full, or the whole order RECEIVED already.
      expect(['OVER_RECEIPT', 'PURCHASE_ORDER_IS_RECEIVED']).toContain(e.reason);
    }
    const after = (await imsop.purchaseOrders.getPurchaseOrder({ id: order.id })).purchaseOrder!;
    expect(after.status).toBe(S.PURCHASE_ORDER_STATUS_RECEIVED);
    expect(after.items[0]!.quantityReceived).toBe(10);
    expect(await stockOf(imsop, warehouse.id, product.id)).toBe(10);
    const ledger = await ledgerOf(imsop, warehouse.id, product.id);
    expect(ledger).toHaveLength(10);
    expect(ledger.reduce((sum, t) => sum + t.onHandDelta, 0)).toBe(10);
    const { receipts } = await imsop.purchaseOrders.listReceipts({
      purchaseOrderId: order.id,
      pageSize: 0,
      pageToken: '',
    });
    expect(receipts).toHaveLength(10);
  });

  it('two receipts of the whole remainder: one succeeds, one is refused, stock counts it once', async ({
    imsop,
    warehouse,
    product,
    supplier,
  }) => {
    const order = await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 8, price: eur(1) },
      { productId: product.id, quantity: 2, price: eur(1) },
    ]);
    await receive(imsop, order, warehouse.id, [[0, 5]]);
    const results = await Promise.allSettled([
      receive(imsop, order, warehouse.id, [
        [0, 3],
        [1, 1],
      ]),
      receive(imsop, order, warehouse.id, [
        [1, 1],
        [0, 3],
      ]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await stockOf(imsop, warehouse.id, product.id)).toBe(9);
    const after = (await imsop.purchaseOrders.getPurchaseOrder({ id: order.id })).purchaseOrder!;
    expect(after.items.map((i) => i.quantityReceived)).toEqual([8, 1]);
    expect(after.status).toBe(S.PURCHASE_ORDER_STATUS_PARTIALLY_RECEIVED);
  });
});

describe('over-receipt', () => {
  it('is refused beyond the ordered quantity plus the order tolerance, with what can still be received', async ({
    imsop,
    warehouse,
    product,
    supplier,
  }) => {
    const strict = await approvedOrder(imsop, supplier.id, [{ productId: product.id, quantity: 10, price: eur(1) }]);
    const over = await expectError(receive(imsop, strict, warehouse.id, [[0, 11]]));
    expect(over).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'OVER_RECEIPT' });
    expect(over.metadata).toMatchObject({ item_id: strict.items[0]!.id, receivable: '10' });

    const tolerant = await approvedOrder(imsop, supplier.id, [{ productId: product.id, quantity: 10, price: eur(1) }], {
      overReceiptTolerancePercent: 15,
    });
    await receive(imsop, tolerant, warehouse.id, [[0, 9]]);
    const tooMuch = await expectError(receive(imsop, tolerant, warehouse.id, [[0, 3]]));
    expect(tooMuch.metadata.receivable).toBe('2'); // floor(10 x 1.15) = 11, 9 received
    const { purchaseOrder } = await receive(imsop, tolerant, warehouse.id, [[0, 2]]);
    expect(purchaseOrder).toMatchObject({ status: S.PURCHASE_ORDER_STATUS_RECEIVED });
    expect(purchaseOrder!.items[0]!.quantityReceived).toBe(11);
    expect(await stockOf(imsop, warehouse.id, product.id)).toBe(11);
  });

  it('a refused line rolls the whole receipt back: no stock, no ledger row, no receipt', async ({
    imsop,
    warehouse,
    supplier,
  }) => {
    const [a, b] = await Promise.all([newProduct(imsop), newProduct(imsop)]);
    const order = await approvedOrder(imsop, supplier.id, [
      { productId: a!.id, quantity: 5, price: eur(1) },
      { productId: b!.id, quantity: 5, price: eur(1) },
    ]);
    const e = await expectError(
      receive(imsop, order, warehouse.id, [
        [0, 5],
        [1, 6],
      ]),
    );
    expect(e.reason).toBe('OVER_RECEIPT');
    expect(await ledgerOf(imsop, warehouse.id, a!.id)).toEqual([]);
    const { receipts } = await imsop.purchaseOrders.listReceipts({
      purchaseOrderId: order.id,
      pageSize: 0,
      pageToken: '',
    });
    expect(receipts).toEqual([]);
    const after = (await imsop.purchaseOrders.getPurchaseOrder({ id: order.id })).purchaseOrder!;
    expect(after).toEqual(order);
  });

  it("refuses bad receipt lines with field violations, and inventory's refusal of an inactive warehouse", async ({
    imsop,
    warehouse,
    product,
    supplier,
  }) => {
    const order = await approvedOrder(imsop, supplier.id, [{ productId: product.id, quantity: 5, price: eur(1) }]);
    const bad = await expectError(
      imsop.purchaseOrders.receivePurchaseOrder({
        id: order.id,
        warehouseId: warehouse.id,
        lines: [
          { purchaseOrderItemId: order.items[0]!.id, quantity: 0, productId: '', inventoryTransactionId: '' },
          { purchaseOrderItemId: order.items[0]!.id, quantity: 1, productId: '', inventoryTransactionId: '' },
        ],
        notes: '',
      }),
    );
    expect(bad.fieldViolations.map((f) => f.field)).toEqual(['lines[0].quantity', 'lines[1].purchase_order_item_id']);
    const none = await expectError(
      imsop.purchaseOrders.receivePurchaseOrder({ id: order.id, warehouseId: warehouse.id, lines: [], notes: '' }),
    );
    expect(none.fieldViolations.map((f) => f.field)).toEqual(['lines']);
    const otherItem = await expectError(
      imsop.purchaseOrders.receivePurchaseOrder({
        id: order.id,
        warehouseId: warehouse.id,
        lines: [{ purchaseOrderItemId: crypto.randomUUID(), quantity: 1, productId: '', inventoryTransactionId: '' }],
        notes: '',
      }),
    );
    expect(otherItem).toMatchObject({ code: Status.NOT_FOUND, reason: 'PURCHASE_ORDER_ITEM_NOT_FOUND' });
    const missingWarehouse = await expectError(receive(imsop, order, crypto.randomUUID(), [[0, 1]]));
    expect(missingWarehouse).toMatchObject({ code: Status.NOT_FOUND, reason: 'WAREHOUSE_NOT_FOUND' });
    await imsop.warehouses.deactivateWarehouse(DeactivateWarehouseRequest.fromPartial({ warehouseId: warehouse.id }));
    const inactive = await expectError(receive(imsop, order, warehouse.id, [[0, 1]]));
    expect(inactive).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'WAREHOUSE_INACTIVE' });
    expect(
      (await imsop.purchaseOrders.getPurchaseOrder({ id: order.id })).purchaseOrder!.items[0]!.quantityReceived,
    ).toBe(0);
  });
});

describe('permissions per action', () => {
  it('an operator can receive but not approve; a manager can approve; a viewer only reads', async ({
    server,
    org,
    warehouse,
    product,
    supplier,
  }) => {
    const [operator, manager, viewer] = await Promise.all([
      userWithRoles(server, org, ['operator']),
      userWithRoles(server, org, ['manager']),
      userWithRoles(server, org, ['viewer']),
    ]);
    const draft = await newOrder(manager.imsop, supplier.id, [{ productId: product.id, quantity: 4, price: eur(1) }]);
    await manager.imsop.purchaseOrders.submitPurchaseOrder({ id: draft.id });

    const denied = async (attempt: Promise<unknown>, permission: string) => {
      const e = await expectError(attempt);
      expect(e, permission).toMatchObject({
        code: Status.PERMISSION_DENIED,
        reason: 'PERMISSION_DENIED',
        metadata: expect.objectContaining({ permission }),
      });
    };
    await denied(
      operator.imsop.purchaseOrders.approvePurchaseOrder({ id: draft.id }),
      'procurement.purchase_orders:approve',
    );
    await denied(
      operator.imsop.purchaseOrders.cancelPurchaseOrder({ id: draft.id, reason: 'x' }),
      'procurement.purchase_orders:write',
    );
    await denied(newSupplier(operator.imsop), 'procurement.suppliers:write');
    const approved = (await manager.imsop.purchaseOrders.approvePurchaseOrder({ id: draft.id })).purchaseOrder!;
    expect(approved.approvedBy).toBe(manager.id);

    await denied(receive(viewer.imsop, approved, warehouse.id, [[0, 1]]), 'procurement.purchase_orders:receive');
    const { receipt } = await receive(operator.imsop, approved, warehouse.id, [[0, 4]]);
    expect(receipt!.receivedBy).toBe(operator.id);
    expect((await viewer.imsop.purchaseOrders.getPurchaseOrder({ id: draft.id })).purchaseOrder!.status).toBe(
      S.PURCHASE_ORDER_STATUS_RECEIVED,
    );
    expect((await viewer.imsop.suppliers.getSupplier({ id: supplier.id })).supplier!.id).toBe(supplier.id);
  });
});

describe('supplier performance', () => {
  it('is derived from receipts: on-time rate, fill rate and lead time, over lines that are due or delivered', async ({
    imsop,
    warehouse,
    product,
    supplier,
  }) => {
    const fresh = (await imsop.suppliers.getSupplier({ id: supplier.id })).supplier!;
    expect(fresh.performance).toEqual({ measuredLineCount: 0, receiptCount: 0 });

    const order = await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 10, price: eur(1), expectedDate: dateInDays(5) }, // delivered early: on time
      { productId: product.id, quantity: 10, price: eur(1), expectedDate: dateInDays(-2) }, // due, half delivered: late
      { productId: product.id, quantity: 10, price: eur(1), expectedDate: dateInDays(9) }, // not due, nothing yet: not measured
    ]);
    await receive(imsop, order, warehouse.id, [
      [0, 10],
      [1, 5],
    ]);
    // A draft with an overdue line says nothing about the supplier.
    await newOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 1, price: eur(1), expectedDate: dateInDays(-30) },
    ]);

    const { performance } = (await imsop.suppliers.getSupplier({ id: supplier.id })).supplier!;
    expect(performance).toMatchObject({ measuredLineCount: 2, receiptCount: 1, onTimeRate: 0.5, fillRate: 0.75 });
    expect(performance!.averageLeadTimeDays).toBeGreaterThanOrEqual(0);
    expect(performance!.averageLeadTimeDays).toBeLessThan(0.01);
    const listed = await imsop.suppliers.listSuppliers({
      pageSize: 0,
      pageToken: '',
      status: 0,
      namePrefix: supplier.name,
    });
    expect(listed.suppliers.map((s) => s.performance)).toEqual([performance]);
  });
});
