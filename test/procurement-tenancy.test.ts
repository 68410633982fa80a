import { UpdatePurchaseOrderRequest } from '../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { UpdateSupplierRequest } from '../gen/ts/imsop/procurement/v1/supplier_service.js';
import {
  approvedOrder,
  eur,
  newOrder,
  newProduct,
  newSupplier,
  newWarehouse,
  orderRequest,
  receive,
} from './support/procurement.js';
import { describe, expect } from 'vitest';
import { expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { serverTest } from './support/server-fixture.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

// Cross-tenant references: organization B's suppliers, products, warehouses, orders and items
// are NOT_FOUND for organization A wherever they appear, exactly like ids that do not exist.
// `tenants`: A (`mine`) and B (`theirs`), each with a supplier of the same name, a product, a
// warehouse, an approved order and a draft, once for the file.
const it = serverTest.extend('tenants', { scope: 'file' }, async ({ server }) => {
  const [a, b] = await Promise.all([signedInTenant(server), signedInTenant(server)]);
  const data = async (org: Tenant) => {
    const supplier = await newSupplier(org.imsop, { name: 'Same name in both organizations' });
    const product = await newProduct(org.imsop);
    const warehouse = await newWarehouse(org.imsop);
    const order = await approvedOrder(org.imsop, supplier.id, [{ productId: product.id, quantity: 5, price: eur(2) }]);
    const draft = await newOrder(org.imsop, supplier.id, [{ productId: product.id, quantity: 1, price: eur(1) }]);
    return { supplier, product, warehouse, order, draft };
  };
  const [mine, theirs] = await Promise.all([data(a), data(b)]);
  return { a, b, mine, theirs };
});

describe('another organization', () => {
  it('has its own PO numbers and supplier names: both start at PO-000001', ({ tenants }) => {
    const { mine, theirs } = tenants;
    expect(mine.order.poNumber).toBe('PO-000001');
    expect(theirs.order.poNumber).toBe('PO-000001');
  });

  it("supplier, product or warehouse inside A's requests is NOT_FOUND", async ({ tenants }) => {
    const { a, mine, theirs } = tenants;
    const foreignSupplier = await expectError(
      a.imsop.purchaseOrders.createPurchaseOrder(orderRequest(theirs.supplier.id, [])),
    );
    expect(foreignSupplier).toMatchObject({ code: Status.NOT_FOUND, reason: 'SUPPLIER_NOT_FOUND' });
    const foreignProduct = await expectError(
      a.imsop.purchaseOrders.createPurchaseOrder(
        orderRequest(mine.supplier.id, [
          { productId: mine.product.id, quantity: 1, price: eur(1) },
          { productId: theirs.product.id, quantity: 1, price: eur(1) },
        ]),
      ),
    );
    expect(foreignProduct).toMatchObject({
      code: Status.NOT_FOUND,
      reason: 'PRODUCT_NOT_FOUND',
      metadata: expect.objectContaining({ field: 'purchase_order.items[1].product_id' }),
    });
    const draft = await newOrder(a.imsop, mine.supplier.id, []);
    const viaUpdate = await expectError(
      a.imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({
          purchaseOrder: { id: draft.id, supplierId: theirs.supplier.id },
          updateMask: ['supplier_id'],
        }),
      ),
    );
    expect(viaUpdate.reason).toBe('SUPPLIER_NOT_FOUND');
    const productViaUpdate = await expectError(
      a.imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({
          purchaseOrder: {
            id: draft.id,
            items: [{ productId: theirs.product.id, quantityOrdered: 1, unitPrice: eur(1) }],
          },
          updateMask: ['items'],
        }),
      ),
    );
    expect(productViaUpdate.reason).toBe('PRODUCT_NOT_FOUND');
    const intoTheirWarehouse = await expectError(receive(a.imsop, mine.order, theirs.warehouse.id, [[0, 1]]));
    expect(intoTheirWarehouse).toMatchObject({ code: Status.NOT_FOUND, reason: 'WAREHOUSE_NOT_FOUND' });
    const theirItem = await expectError(
      a.imsop.purchaseOrders.receivePurchaseOrder({
        id: mine.order.id,
        warehouseId: mine.warehouse.id,
        lines: [
          { purchaseOrderItemId: theirs.order.items[0]!.id, quantity: 1, productId: '', inventoryTransactionId: '' },
        ],
        notes: '',
      }),
    );
    expect(theirItem).toMatchObject({ code: Status.NOT_FOUND, reason: 'PURCHASE_ORDER_ITEM_NOT_FOUND' });
  });

  it('orders and suppliers of B are NOT_FOUND for A on every method, and change nothing', async ({ tenants }) => {
    const { a, b, mine, theirs } = tenants;
    const id = theirs.order.id;
    const attempts: [string, () => Promise<unknown>][] = [
      ['getPurchaseOrder', () => a.imsop.purchaseOrders.getPurchaseOrder({ id })],
      [
        'updatePurchaseOrder',
        () =>
          a.imsop.purchaseOrders.updatePurchaseOrder(
            UpdatePurchaseOrderRequest.fromPartial({
              purchaseOrder: { id: theirs.draft.id, notes: 'x' },
              updateMask: ['notes'],
            }),
          ),
      ],
      ['submitPurchaseOrder', () => a.imsop.purchaseOrders.submitPurchaseOrder({ id: theirs.draft.id })],
      ['approvePurchaseOrder', () => a.imsop.purchaseOrders.approvePurchaseOrder({ id })],
      ['cancelPurchaseOrder', () => a.imsop.purchaseOrders.cancelPurchaseOrder({ id, reason: 'x' })],
      ['closePurchaseOrder', () => a.imsop.purchaseOrders.closePurchaseOrder({ id })],
      ['receivePurchaseOrder', () => receive(a.imsop, theirs.order, mine.warehouse.id, [[0, 1]])],
      ['listReceipts', () => a.imsop.purchaseOrders.listReceipts({ purchaseOrderId: id, pageSize: 0, pageToken: '' })],
      ['getSupplier', () => a.imsop.suppliers.getSupplier({ id: theirs.supplier.id })],
      [
        'updateSupplier',
        () =>
          a.imsop.suppliers.updateSupplier(
            UpdateSupplierRequest.fromPartial({
              supplier: { id: theirs.supplier.id, rating: 1 },
              updateMask: ['rating'],
            }),
          ),
      ],
      ['deactivateSupplier', () => a.imsop.suppliers.deactivateSupplier({ id: theirs.supplier.id })],
    ];
    for (const [method, attempt] of attempts) {
      const e = await expectError(attempt());
      expect(e.code, method).toBe(Status.NOT_FOUND);
      expect(e.reason, method).toMatch(/^(PURCHASE_ORDER|SUPPLIER)_NOT_FOUND$/);
    }
    const unchanged = (await b.imsop.purchaseOrders.getPurchaseOrder({ id })).purchaseOrder;
    expect(unchanged).toEqual(theirs.order);
    expect((await b.imsop.purchaseOrders.getPurchaseOrder({ id: theirs.draft.id })).purchaseOrder).toEqual(
      theirs.draft,
    );
    expect((await b.imsop.suppliers.getSupplier({ id: theirs.supplier.id })).supplier).toMatchObject({
      etag: theirs.supplier.etag,
    });
  });

  it("lists never show B's rows, even filtered by B's supplier", async ({ tenants }) => {
    const { a, b, mine, theirs } = tenants;
    const listed = await a.imsop.purchaseOrders.listPurchaseOrders({
      pageSize: 0,
      pageToken: '',
      status: 0,
      supplierId: '',
      createTimeStart: undefined,
      createTimeEnd: undefined,
    });
    expect(listed.purchaseOrders.map((o) => o.id)).not.toContain(theirs.order.id);
    const filtered = await a.imsop.purchaseOrders.listPurchaseOrders({
      pageSize: 0,
      pageToken: '',
      status: 0,
      supplierId: theirs.supplier.id,
      createTimeStart: undefined,
      createTimeEnd: undefined,
    });
    expect(filtered.purchaseOrders).toEqual([]);
    const names = await a.imsop.suppliers.listSuppliers({
      pageSize: 0,
      pageToken: '',
      status: 0,
      namePrefix: 'same name',
    });
    expect(names.suppliers.map((s) => s.id)).toEqual([mine.supplier.id]);
    // A page token of A is no good to B.
    await newSupplier(a.imsop);
    const page = await a.imsop.suppliers.listSuppliers({ pageSize: 1, pageToken: '', status: 0, namePrefix: '' });
    expect(page.nextPageToken).not.toBe('');
    const tokenAbuse = await expectError(
      b.imsop.suppliers.listSuppliers({ pageSize: 1, pageToken: page.nextPageToken, status: 0, namePrefix: '' }),
    );
    expect(tokenAbuse.fieldViolations.map((f) => f.field)).toEqual(['page_token']);
  });
});
