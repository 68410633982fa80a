import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeactivateWarehouseRequest } from '../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { PurchaseOrderStatus as S } from '../gen/ts/imsop/procurement/v1/resources.js';
import { expectError } from './support/grpc.js';
import { call, signedInOrg, userWithRoles, type SignedInOrg } from './support/identity.js';
import { approvedOrder, dateInDays, eur, newOrder, newProduct, newSupplier, newWarehouse, receive } from './support/procurement.js';
import { startTestServer, type TestServer } from './support/server.js';

// Receiving: concurrency at the last units, over-receipt and its tolerance, who may receive and
// approve, what gets rolled back, and the supplier performance derived from receipts.
let ts: TestServer;
let org: SignedInOrg;

beforeAll(async () => {
  ts = await startTestServer();
  org = await signedInOrg(ts);
});
afterAll(() => ts?.stop());

const po = () => ts.clients.purchaseOrders;
const stockOf = async (warehouseId: string, productId: string) =>
  (await call(ts.clients.stock, 'getStockLevel', { warehouseId, productId }, org.admin)).stockLevel!.quantityOnHand;
const ledgerOf = async (warehouseId: string, productId: string) =>
  (
    await call(
      ts.clients.stock,
      'listInventoryTransactions',
      { pageSize: 500, pageToken: '', productId, warehouseId, type: 0, startTime: undefined, endTime: undefined },
      org.admin,
    )
  ).transactions;

describe('concurrent receipts', () => {
  it('of the last units of a line cannot both succeed: 20 receipts of 1 unit against 10 ordered, exactly 10 succeed', async () => {
    const supplier = await newSupplier(ts, org.admin);
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const order = await approvedOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 10, price: eur(3) }]);

    const results = await Promise.allSettled(Array.from({ length: 20 }, () => receive(ts, org.admin, order, warehouse.id, [[0, 1]])));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(10);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const e = await expectError(Promise.reject((r as PromiseRejectedResult).reason));
      expect(e.code).toBe(status.FAILED_PRECONDITION);
      // Late arrivals find the line full, or the whole order RECEIVED already.
      expect(['OVER_RECEIPT', 'PURCHASE_ORDER_IS_RECEIVED']).toContain(e.reason);
    }
    const after = (await call(po(), 'getPurchaseOrder', { id: order.id }, org.admin)).purchaseOrder!;
    expect(after.status).toBe(S.PURCHASE_ORDER_STATUS_RECEIVED);
    expect(after.items[0]!.quantityReceived).toBe(10);
    expect(await stockOf(warehouse.id, product.id)).toBe(10);
    const ledger = await ledgerOf(warehouse.id, product.id);
    expect(ledger).toHaveLength(10);
    expect(ledger.reduce((sum, t) => sum + t.onHandDelta, 0)).toBe(10);
    const { receipts } = await call(po(), 'listReceipts', { purchaseOrderId: order.id, pageSize: 0, pageToken: '' }, org.admin);
    expect(receipts).toHaveLength(10);
  });

  it('two receipts of the whole remainder: one succeeds, one is refused, stock counts it once', async () => {
    const supplier = await newSupplier(ts, org.admin);
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const order = await approvedOrder(ts, org.admin, supplier.id, [
      { productId: product.id, quantity: 8, price: eur(1) },
      { productId: product.id, quantity: 2, price: eur(1) },
    ]);
    await receive(ts, org.admin, order, warehouse.id, [[0, 5]]);
    const results = await Promise.allSettled([
      receive(ts, org.admin, order, warehouse.id, [[0, 3], [1, 1]]),
      receive(ts, org.admin, order, warehouse.id, [[1, 1], [0, 3]]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await stockOf(warehouse.id, product.id)).toBe(9);
    const after = (await call(po(), 'getPurchaseOrder', { id: order.id }, org.admin)).purchaseOrder!;
    expect(after.items.map((i) => i.quantityReceived)).toEqual([8, 1]);
    expect(after.status).toBe(S.PURCHASE_ORDER_STATUS_PARTIALLY_RECEIVED);
  });
});

describe('over-receipt', () => {
  it('is refused beyond the ordered quantity plus the order tolerance, with what can still be received', async () => {
    const supplier = await newSupplier(ts, org.admin);
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const strict = await approvedOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 10, price: eur(1) }]);
    const over = await expectError(receive(ts, org.admin, strict, warehouse.id, [[0, 11]]));
    expect(over).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'OVER_RECEIPT' });
    expect(over.metadata).toMatchObject({ item_id: strict.items[0]!.id, receivable: '10' });

    const tolerant = await approvedOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 10, price: eur(1) }], { overReceiptTolerancePercent: 15 });
    await receive(ts, org.admin, tolerant, warehouse.id, [[0, 9]]);
    const tooMuch = await expectError(receive(ts, org.admin, tolerant, warehouse.id, [[0, 3]]));
    expect(tooMuch.metadata.receivable).toBe('2'); // floor(10 x 1.15) = 11, 9 received
    const { purchaseOrder } = await receive(ts, org.admin, tolerant, warehouse.id, [[0, 2]]);
    expect(purchaseOrder).toMatchObject({ status: S.PURCHASE_ORDER_STATUS_RECEIVED });
    expect(purchaseOrder!.items[0]!.quantityReceived).toBe(11);
    expect(await stockOf(warehouse.id, product.id)).toBe(11);
  });

  it('a refused line rolls the whole receipt back: no stock, no ledger row, no receipt', async () => {
    const supplier = await newSupplier(ts, org.admin);
    const [a, b] = await Promise.all([newProduct(ts, org.admin), newProduct(ts, org.admin)]);
    const warehouse = await newWarehouse(ts, org.admin);
    const order = await approvedOrder(ts, org.admin, supplier.id, [
      { productId: a!.id, quantity: 5, price: eur(1) },
      { productId: b!.id, quantity: 5, price: eur(1) },
    ]);
    const e = await expectError(receive(ts, org.admin, order, warehouse.id, [[0, 5], [1, 6]]));
    expect(e.reason).toBe('OVER_RECEIPT');
    expect(await ledgerOf(warehouse.id, a!.id)).toEqual([]);
    const { receipts } = await call(po(), 'listReceipts', { purchaseOrderId: order.id, pageSize: 0, pageToken: '' }, org.admin);
    expect(receipts).toEqual([]);
    const after = (await call(po(), 'getPurchaseOrder', { id: order.id }, org.admin)).purchaseOrder!;
    expect(after).toEqual(order);
  });

  it("refuses bad receipt lines with field violations, and inventory's refusal of an inactive warehouse", async () => {
    const supplier = await newSupplier(ts, org.admin);
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const order = await approvedOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 5, price: eur(1) }]);
    const bad = await expectError(
      call(po(), 'receivePurchaseOrder', {
        id: order.id,
        warehouseId: warehouse.id,
        lines: [
          { purchaseOrderItemId: order.items[0]!.id, quantity: 0, productId: '', inventoryTransactionId: '' },
          { purchaseOrderItemId: order.items[0]!.id, quantity: 1, productId: '', inventoryTransactionId: '' },
        ],
        notes: '',
        etag: '',
        requestId: '',
      }, org.admin),
    );
    expect(bad.fieldViolations.map((f) => f.field)).toEqual(['lines[0].quantity', 'lines[1].purchase_order_item_id']);
    const none = await expectError(call(po(), 'receivePurchaseOrder', { id: order.id, warehouseId: warehouse.id, lines: [], notes: '', etag: '', requestId: '' }, org.admin));
    expect(none.fieldViolations.map((f) => f.field)).toEqual(['lines']);
    const otherItem = await expectError(
      call(po(), 'receivePurchaseOrder', {
        id: order.id,
        warehouseId: warehouse.id,
        lines: [{ purchaseOrderItemId: crypto.randomUUID(), quantity: 1, productId: '', inventoryTransactionId: '' }],
        notes: '',
        etag: '',
        requestId: '',
      }, org.admin),
    );
    expect(otherItem).toMatchObject({ code: status.NOT_FOUND, reason: 'PURCHASE_ORDER_ITEM_NOT_FOUND' });
    const missingWarehouse = await expectError(receive(ts, org.admin, order, crypto.randomUUID(), [[0, 1]]));
    expect(missingWarehouse).toMatchObject({ code: status.NOT_FOUND, reason: 'WAREHOUSE_NOT_FOUND' });
    await call(ts.clients.warehouses, 'deactivateWarehouse', DeactivateWarehouseRequest.fromPartial({ warehouseId: warehouse.id }), org.admin);
    const inactive = await expectError(receive(ts, org.admin, order, warehouse.id, [[0, 1]]));
    expect(inactive).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'WAREHOUSE_INACTIVE' });
    expect((await call(po(), 'getPurchaseOrder', { id: order.id }, org.admin)).purchaseOrder!.items[0]!.quantityReceived).toBe(0);
  });
});

describe('permissions per action', () => {
  it('an operator can receive but not approve; a manager can approve; a viewer only reads', async () => {
    const [operator, manager, viewer] = await Promise.all([
      userWithRoles(ts, org, ['operator']),
      userWithRoles(ts, org, ['manager']),
      userWithRoles(ts, org, ['viewer']),
    ]);
    const supplier = await newSupplier(ts, org.admin);
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const draft = await newOrder(ts, manager.metadata, supplier.id, [{ productId: product.id, quantity: 4, price: eur(1) }]);
    await call(po(), 'submitPurchaseOrder', { id: draft.id, etag: '', requestId: '' }, manager.metadata);

    const denied = async (attempt: Promise<unknown>, permission: string) => {
      const e = await expectError(attempt);
      expect(e, permission).toMatchObject({ code: status.PERMISSION_DENIED, reason: 'PERMISSION_DENIED', metadata: expect.objectContaining({ permission }) });
    };
    await denied(call(po(), 'approvePurchaseOrder', { id: draft.id, etag: '', requestId: '' }, operator.metadata), 'procurement.purchase_orders:approve');
    await denied(call(po(), 'cancelPurchaseOrder', { id: draft.id, reason: 'x', etag: '', requestId: '' }, operator.metadata), 'procurement.purchase_orders:write');
    await denied(newSupplier(ts, operator.metadata), 'procurement.suppliers:write');
    const approved = (await call(po(), 'approvePurchaseOrder', { id: draft.id, etag: '', requestId: '' }, manager.metadata)).purchaseOrder!;
    expect(approved.approvedBy).toBe(manager.id);

    await denied(receive(ts, viewer.metadata, approved, warehouse.id, [[0, 1]]), 'procurement.purchase_orders:receive');
    const { receipt } = await receive(ts, operator.metadata, approved, warehouse.id, [[0, 4]]);
    expect(receipt!.receivedBy).toBe(operator.id);
    expect((await call(po(), 'getPurchaseOrder', { id: draft.id }, viewer.metadata)).purchaseOrder!.status).toBe(S.PURCHASE_ORDER_STATUS_RECEIVED);
    expect((await call(ts.clients.suppliers, 'getSupplier', { id: supplier.id }, viewer.metadata)).supplier!.id).toBe(supplier.id);
  });
});

describe('supplier performance', () => {
  it('is derived from receipts: on-time rate, fill rate and lead time, over lines that are due or delivered', async () => {
    const supplier = await newSupplier(ts, org.admin);
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const fresh = (await call(ts.clients.suppliers, 'getSupplier', { id: supplier.id }, org.admin)).supplier!;
    expect(fresh.performance).toEqual({ measuredLineCount: 0, receiptCount: 0 });

    const order = await approvedOrder(ts, org.admin, supplier.id, [
      { productId: product.id, quantity: 10, price: eur(1), expectedDate: dateInDays(5) }, // delivered early: on time
      { productId: product.id, quantity: 10, price: eur(1), expectedDate: dateInDays(-2) }, // due, half delivered: late
      { productId: product.id, quantity: 10, price: eur(1), expectedDate: dateInDays(9) }, // not due, nothing yet: not measured
    ]);
    await receive(ts, org.admin, order, warehouse.id, [[0, 10], [1, 5]]);
    // A draft with an overdue line says nothing about the supplier.
    await newOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 1, price: eur(1), expectedDate: dateInDays(-30) }]);

    const { performance } = (await call(ts.clients.suppliers, 'getSupplier', { id: supplier.id }, org.admin)).supplier!;
    expect(performance).toMatchObject({ measuredLineCount: 2, receiptCount: 1, onTimeRate: 0.5, fillRate: 0.75 });
    expect(performance!.averageLeadTimeDays).toBeGreaterThanOrEqual(0);
    expect(performance!.averageLeadTimeDays).toBeLessThan(0.01);
    const listed = await call(ts.clients.suppliers, 'listSuppliers', { pageSize: 0, pageToken: '', status: 0, namePrefix: supplier.name }, org.admin);
    expect(listed.suppliers.map((s) => s.performance)).toEqual([performance]);
  });
});
