import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdatePurchaseOrderRequest } from '../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import type { PurchaseOrder, Supplier } from '../gen/ts/imsop/procurement/v1/resources.js';
import { UpdateSupplierRequest } from '../gen/ts/imsop/procurement/v1/supplier_service.js';
import type { Product, Warehouse } from '../gen/ts/imsop/inventory/v1/resources.js';
import { expectError } from './support/grpc.js';
import { call, signedInOrg, type SignedInOrg } from './support/identity.js';
import { approvedOrder, eur, newOrder, newProduct, newSupplier, newWarehouse, orderRequest, receive } from './support/procurement.js';
import { startTestServer, type TestServer } from './support/server.js';

// Cross-tenant references: organization B's suppliers, products, warehouses, orders and items
// are NOT_FOUND for organization A wherever they appear, exactly like ids that do not exist.
let ts: TestServer;
let a: SignedInOrg;
let b: SignedInOrg;
let mine: { supplier: Supplier; product: Product; warehouse: Warehouse; order: PurchaseOrder };
let theirs: { supplier: Supplier; product: Product; warehouse: Warehouse; order: PurchaseOrder; draft: PurchaseOrder };

beforeAll(async () => {
  ts = await startTestServer();
  [a, b] = await Promise.all([signedInOrg(ts), signedInOrg(ts)]);
  const fixtures = async (org: SignedInOrg) => {
    const supplier = await newSupplier(ts, org.admin, { name: 'Same name in both organizations' });
    const product = await newProduct(ts, org.admin);
    const warehouse = await newWarehouse(ts, org.admin);
    const order = await approvedOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 5, price: eur(2) }]);
    const draft = await newOrder(ts, org.admin, supplier.id, [{ productId: product.id, quantity: 1, price: eur(1) }]);
    return { supplier, product, warehouse, order, draft };
  };
  [mine, theirs] = await Promise.all([fixtures(a), fixtures(b)]);
});
afterAll(() => ts?.stop());

const po = () => ts.clients.purchaseOrders;

describe('another organization', () => {
  it("has its own PO numbers and supplier names: both start at PO-000001", () => {
    expect(mine.order.poNumber).toBe('PO-000001');
    expect(theirs.order.poNumber).toBe('PO-000001');
  });

  it("supplier, product or warehouse inside A's requests is NOT_FOUND", async () => {
    const foreignSupplier = await expectError(call(po(), 'createPurchaseOrder', orderRequest(theirs.supplier.id, []), a.admin));
    expect(foreignSupplier).toMatchObject({ code: status.NOT_FOUND, reason: 'SUPPLIER_NOT_FOUND' });
    const foreignProduct = await expectError(
      call(po(), 'createPurchaseOrder', orderRequest(mine.supplier.id, [{ productId: mine.product.id, quantity: 1, price: eur(1) }, { productId: theirs.product.id, quantity: 1, price: eur(1) }]), a.admin),
    );
    expect(foreignProduct).toMatchObject({ code: status.NOT_FOUND, reason: 'PRODUCT_NOT_FOUND', metadata: expect.objectContaining({ field: 'purchase_order.items[1].product_id' }) });
    const draft = await newOrder(ts, a.admin, mine.supplier.id, []);
    const viaUpdate = await expectError(
      call(po(), 'updatePurchaseOrder', UpdatePurchaseOrderRequest.fromPartial({ purchaseOrder: { id: draft.id, supplierId: theirs.supplier.id }, updateMask: ['supplier_id'] }), a.admin),
    );
    expect(viaUpdate.reason).toBe('SUPPLIER_NOT_FOUND');
    const productViaUpdate = await expectError(
      call(po(), 'updatePurchaseOrder', UpdatePurchaseOrderRequest.fromPartial({
        purchaseOrder: { id: draft.id, items: [{ productId: theirs.product.id, quantityOrdered: 1, unitPrice: eur(1) }] },
        updateMask: ['items'],
      }), a.admin),
    );
    expect(productViaUpdate.reason).toBe('PRODUCT_NOT_FOUND');
    const intoTheirWarehouse = await expectError(receive(ts, a.admin, mine.order, theirs.warehouse.id, [[0, 1]]));
    expect(intoTheirWarehouse).toMatchObject({ code: status.NOT_FOUND, reason: 'WAREHOUSE_NOT_FOUND' });
    const theirItem = await expectError(
      call(po(), 'receivePurchaseOrder', {
        id: mine.order.id,
        warehouseId: mine.warehouse.id,
        lines: [{ purchaseOrderItemId: theirs.order.items[0]!.id, quantity: 1, productId: '', inventoryTransactionId: '' }],
        notes: '',
        etag: '',
        requestId: '',
      }, a.admin),
    );
    expect(theirItem).toMatchObject({ code: status.NOT_FOUND, reason: 'PURCHASE_ORDER_ITEM_NOT_FOUND' });
  });

  it("orders and suppliers of B are NOT_FOUND for A on every method, and change nothing", async () => {
    const id = theirs.order.id;
    const attempts: [string, () => Promise<unknown>][] = [
      ['getPurchaseOrder', () => call(po(), 'getPurchaseOrder', { id }, a.admin)],
      ['updatePurchaseOrder', () => call(po(), 'updatePurchaseOrder', UpdatePurchaseOrderRequest.fromPartial({ purchaseOrder: { id: theirs.draft.id, notes: 'x' }, updateMask: ['notes'] }), a.admin)],
      ['submitPurchaseOrder', () => call(po(), 'submitPurchaseOrder', { id: theirs.draft.id, etag: '', requestId: '' }, a.admin)],
      ['approvePurchaseOrder', () => call(po(), 'approvePurchaseOrder', { id, etag: '', requestId: '' }, a.admin)],
      ['cancelPurchaseOrder', () => call(po(), 'cancelPurchaseOrder', { id, reason: 'x', etag: '', requestId: '' }, a.admin)],
      ['closePurchaseOrder', () => call(po(), 'closePurchaseOrder', { id, etag: '', requestId: '' }, a.admin)],
      ['receivePurchaseOrder', () => receive(ts, a.admin, theirs.order, mine.warehouse.id, [[0, 1]])],
      ['listReceipts', () => call(po(), 'listReceipts', { purchaseOrderId: id, pageSize: 0, pageToken: '' }, a.admin)],
      ['getSupplier', () => call(ts.clients.suppliers, 'getSupplier', { id: theirs.supplier.id }, a.admin)],
      ['updateSupplier', () => call(ts.clients.suppliers, 'updateSupplier', UpdateSupplierRequest.fromPartial({ supplier: { id: theirs.supplier.id, rating: 1 }, updateMask: ['rating'] }), a.admin)],
      ['deactivateSupplier', () => call(ts.clients.suppliers, 'deactivateSupplier', { id: theirs.supplier.id, etag: '', requestId: '' }, a.admin)],
    ];
    for (const [method, attempt] of attempts) {
      const e = await expectError(attempt());
      expect(e.code, method).toBe(status.NOT_FOUND);
      expect(e.reason, method).toMatch(/^(PURCHASE_ORDER|SUPPLIER)_NOT_FOUND$/);
    }
    const unchanged = (await call(po(), 'getPurchaseOrder', { id }, b.admin)).purchaseOrder;
    expect(unchanged).toEqual(theirs.order);
    expect((await call(po(), 'getPurchaseOrder', { id: theirs.draft.id }, b.admin)).purchaseOrder).toEqual(theirs.draft);
    expect((await call(ts.clients.suppliers, 'getSupplier', { id: theirs.supplier.id }, b.admin)).supplier).toMatchObject({ etag: theirs.supplier.etag });
  });

  it("lists never show B's rows, even filtered by B's supplier", async () => {
    const listed = await call(po(), 'listPurchaseOrders', { pageSize: 0, pageToken: '', status: 0, supplierId: '', createTimeStart: undefined, createTimeEnd: undefined }, a.admin);
    expect(listed.purchaseOrders.map((o) => o.id)).not.toContain(theirs.order.id);
    const filtered = await call(po(), 'listPurchaseOrders', { pageSize: 0, pageToken: '', status: 0, supplierId: theirs.supplier.id, createTimeStart: undefined, createTimeEnd: undefined }, a.admin);
    expect(filtered.purchaseOrders).toEqual([]);
    const names = await call(ts.clients.suppliers, 'listSuppliers', { pageSize: 0, pageToken: '', status: 0, namePrefix: 'same name' }, a.admin);
    expect(names.suppliers.map((s) => s.id)).toEqual([mine.supplier.id]);
    // A page token of A is no good to B.
    await newSupplier(ts, a.admin);
    const page = await call(ts.clients.suppliers, 'listSuppliers', { pageSize: 1, pageToken: '', status: 0, namePrefix: '' }, a.admin);
    expect(page.nextPageToken).not.toBe('');
    const tokenAbuse = await expectError(call(ts.clients.suppliers, 'listSuppliers', { pageSize: 1, pageToken: page.nextPageToken, status: 0, namePrefix: '' }, b.admin));
    expect(tokenAbuse.fieldViolations.map((f) => f.field)).toEqual(['page_token']);
  });
});
