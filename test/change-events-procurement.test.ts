import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { PurchaseOrder, Receipt, Supplier } from '../gen/ts/imsop/procurement/v1/resources.js';
import { ChangeLog, correlated } from './support/change-events.js';
import { it } from './support/data-fixture.js';
import { expectError } from './support/expect-error.js';
import { approvedOrder, eur, newOrder, receive } from './support/procurement.js';
import { Status } from './support/sdk.js';

// Procurement's change events (docs/change-events.md): suppliers and purchase orders through
// their whole life, each change one event in its own transaction; nothing for a refused one.

const PROCUREMENT = ['supplier', 'purchase_order', 'receipt'];

describe('procurement change events', () => {
  it('suppliers: created, updated with the changed fields, deactivated and reactivated once each', async ({
    org,
    imsop,
  }) => {
    const log = await ChangeLog.from(imsop, PROCUREMENT);
    const requestId = randomUUID();
    const { supplier } = await imsop.suppliers.createSupplier(
      { supplier: { name: `Acme ${randomUUID()}`, defaultLeadTimeDays: 5 } },
      correlated(requestId),
    );
    expect(await log.take(1)).toEqual([
      {
        eventType: 'supplier.created',
        resourceType: 'supplier',
        resourceId: supplier!.id,
        changeKind: 'created',
        changedFields: [],
        etag: supplier!.etag,
        actorKind: 'user',
        actorId: org.adminUserId,
        requestId,
        resource: Supplier.toJSON(supplier!),
      },
    ]);
    const { supplier: changed } = await imsop.suppliers.updateSupplier({
      supplier: { ...supplier!, paymentTerms: 'Net 60', defaultLeadTimeDays: 9, name: 'ignored' },
      updateMask: ['payment_terms', 'default_lead_time_days'],
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'supplier.updated',
        changeKind: 'updated',
        changedFields: ['default_lead_time_days', 'payment_terms'],
        etag: changed!.etag,
        resource: Supplier.toJSON(changed!),
      }),
    ]);
    const { supplier: inactive } = await imsop.suppliers.deactivateSupplier({ id: supplier!.id });
    await imsop.suppliers.deactivateSupplier({ id: supplier!.id });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'supplier.deactivated',
        changeKind: 'event',
        changedFields: ['status'],
        resource: Supplier.toJSON(inactive!),
      }),
    ]);
    await imsop.suppliers.reactivateSupplier({ id: supplier!.id });
    expect((await log.take(1)).map((c) => c.eventType)).toEqual(['supplier.reactivated']);
    await log.expectNone();
  });

  it('an order: created, updated, submitted, approved, received in two receipts, closed', async ({
    org,
    imsop,
    supplier,
    product,
    warehouse,
  }) => {
    const log = await ChangeLog.from(imsop, PROCUREMENT);
    const draft = await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 10, price: eur(2) }]);
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'purchase_order.created',
        resourceId: draft.id,
        changeKind: 'created',
        etag: draft.etag,
        resource: PurchaseOrder.toJSON(draft),
      }),
    ]);
    const { purchaseOrder: noted } = await imsop.purchaseOrders.updatePurchaseOrder({
      purchaseOrder: { ...draft, notes: 'ring twice' },
      updateMask: ['notes'],
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({ eventType: 'purchase_order.updated', changedFields: ['notes'], etag: noted!.etag }),
    ]);

    // Refused: approving a draft. No event.
    const refused = await expectError(imsop.purchaseOrders.approvePurchaseOrder({ id: draft.id }));
    expect(refused.code).toBe(Status.FAILED_PRECONDITION);
    await log.expectNone();

    const submitId = randomUUID();
    const { purchaseOrder: submitted } = await imsop.purchaseOrders.submitPurchaseOrder(
      { id: draft.id },
      correlated(submitId),
    );
    const { purchaseOrder: approved } = await imsop.purchaseOrders.approvePurchaseOrder({ id: draft.id });
    expect(await log.take(2)).toEqual([
      expect.objectContaining({
        eventType: 'purchase_order.submitted',
        changeKind: 'event',
        changedFields: ['status', 'submit_time'],
        requestId: submitId,
        resource: PurchaseOrder.toJSON(submitted!),
      }),
      expect.objectContaining({
        eventType: 'purchase_order.approved',
        changedFields: ['status', 'approve_time', 'approved_by'],
        actorId: org.adminUserId,
        resource: PurchaseOrder.toJSON(approved!),
      }),
    ]);

    const first = await receive(imsop, approved!, warehouse.id, [[0, 4]]);
    expect(await log.take(2)).toEqual([
      expect.objectContaining({
        eventType: 'receipt.created',
        resourceType: 'receipt',
        resourceId: first.receipt!.id,
        changeKind: 'created',
        etag: '',
        resource: Receipt.toJSON(first.receipt!),
      }),
      expect.objectContaining({
        eventType: 'purchase_order.partially_received',
        resourceId: draft.id,
        changedFields: ['status', 'items'],
        resource: PurchaseOrder.toJSON(first.purchaseOrder!),
      }),
    ]);
    const second = await receive(imsop, approved!, warehouse.id, [[0, 6]]);
    const [, received] = await log.take(2);
    expect(received).toMatchObject({
      eventType: 'purchase_order.received',
      changedFields: ['status', 'items', 'receive_time'],
      resource: PurchaseOrder.toJSON(second.purchaseOrder!),
    });
    expect(received!.resource.items).toEqual([expect.objectContaining({ quantityReceived: 10 })]);

    await imsop.purchaseOrders.closePurchaseOrder({ id: draft.id });
    expect((await log.take(1)).map((c) => [c.eventType, c.changedFields])).toEqual([
      ['purchase_order.closed', ['status', 'close_time']],
    ]);
  });

  it('a receipt refused on its last line rolls back every event of it, stock events included', async ({
    imsop,
    supplier,
    product,
    warehouse,
  }) => {
    const other = (await imsop.products.createProduct({ product: { sku: `Z-${randomUUID()}`, name: 'Zed' } })).product!;
    const order = await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 5, price: eur(1) },
      { productId: other.id, quantity: 5, price: eur(1) },
    ]);
    const everything = await ChangeLog.from(imsop);
    const error = await expectError(
      receive(imsop, order, warehouse.id, [
        [0, 5],
        [1, 6],
      ]),
    );
    expect(error.reason).toBe('OVER_RECEIPT');
    await everything.expectNone();
    // The same receipt within the ordered quantities commits, with its events.
    await receive(imsop, order, warehouse.id, [
      [0, 5],
      [1, 5],
    ]);
    const committed = await everything.take(2);
    expect(committed.filter((c) => PROCUREMENT.includes(c.resourceType)).map((c) => c.eventType)).toEqual([
      'receipt.created',
      'purchase_order.received',
    ]);
  });

  it('a cancelled order records its reason', async ({ imsop, supplier, product }) => {
    const order = await approvedOrder(imsop, supplier.id, [{ productId: product.id, quantity: 1, price: eur(1) }]);
    const log = await ChangeLog.from(imsop, PROCUREMENT);
    const { purchaseOrder } = await imsop.purchaseOrders.cancelPurchaseOrder({ id: order.id, reason: 'not needed' });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'purchase_order.cancelled',
        changedFields: ['status', 'cancel_time', 'cancel_reason'],
        resource: expect.objectContaining({ status: 'PURCHASE_ORDER_STATUS_CANCELLED', cancelReason: 'not needed' }),
        etag: purchaseOrder!.etag,
      }),
    ]);
  });
});
