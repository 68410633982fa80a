import { describe, expect } from 'vitest';
import { InventoryTransactionType } from '../gen/ts/imsop/inventory/v1/resources.js';
import { UpdatePurchaseOrderRequest } from '../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { PurchaseOrderStatus as S, type PurchaseOrder } from '../gen/ts/imsop/procurement/v1/resources.js';
import { errorInfoCount, expectError } from './support/expect-error.js';
import {
  approvedOrder,
  dateInDays,
  decimal,
  eur,
  newOrder,
  newProduct,
  newSupplier,
  newWarehouse,
  orderRequest,
  receive,
} from './support/procurement.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { it } from './support/data-fixture.js';
import { signedInTenant } from './support/tenant.js';

// Purchase orders through gRPC: the whole life of an order down to stock levels and ledger rows,
// the state machine's refusals, totals under line edits, idempotent retries and numbering.
const byId = (imsop: ImsopClient, order: PurchaseOrder) =>
  imsop.purchaseOrders.getPurchaseOrder({ id: order.id }).then((r) => r.purchaseOrder!);
const act = (
  imsop: ImsopClient,
  verb: 'submit' | 'approve' | 'close',
  order: PurchaseOrder,
  extra: { etag?: string; requestId?: string } = {},
) => {
  const { submitPurchaseOrder, approvePurchaseOrder, closePurchaseOrder } = imsop.purchaseOrders;
  const method = { submit: submitPurchaseOrder, approve: approvePurchaseOrder, close: closePurchaseOrder }[verb];
  return method({ id: order.id, etag: extra.etag ?? '', requestId: extra.requestId ?? '' }).then(
    (r) => r.purchaseOrder!,
  );
};
const cancel = (imsop: ImsopClient, order: PurchaseOrder, reason = 'no longer needed') =>
  imsop.purchaseOrders.cancelPurchaseOrder({ id: order.id, reason });

describe('the life of a purchase order', () => {
  it('goes draft -> submitted -> approved -> partially received -> received -> closed, raising stock with ledger rows on each receipt', async ({
    org,
    imsop,
    warehouse,
    supplier,
  }) => {
    const bolts = await newProduct(imsop, { name: 'Bolts' });
    const nuts = await newProduct(imsop, { name: 'Nuts' });

    const draft = await newOrder(imsop, supplier.id, [
      { productId: bolts.id, quantity: 10, price: eur(2, 500_000_000), expectedDate: dateInDays(5) },
      { productId: nuts.id, quantity: 4, price: eur(19, 990_000_000) },
    ]);
    expect(draft).toMatchObject({
      status: S.PURCHASE_ORDER_STATUS_DRAFT,
      supplierId: supplier.id,
      currencyCode: 'EUR',
      createdBy: org.adminUserId,
      itemCount: 2,
    });
    expect(draft.poNumber).toMatch(/^PO-\d{6}$/);
    expect(decimal(draft.totalAmount)).toBe('104.96 EUR');
    expect(draft.items.map((i) => [i.lineNumber, i.quantityOrdered, decimal(i.lineTotal)])).toEqual([
      [1, 10, '25 EUR'],
      [2, 4, '79.96 EUR'],
    ]);
    // No expected date given: today (UTC) plus the supplier's lead time of 7 days.
    expect(draft.items[1]!.expectedDate).toEqual(dateInDays(7));

    const submitted = await act(imsop, 'submit', draft, { etag: draft.etag });
    expect(submitted.status).toBe(S.PURCHASE_ORDER_STATUS_SUBMITTED);
    expect(submitted.submitTime).toBeInstanceOf(Date);
    const approved = await act(imsop, 'approve', submitted, { etag: submitted.etag });
    expect(approved).toMatchObject({ status: S.PURCHASE_ORDER_STATUS_APPROVED, approvedBy: org.adminUserId });

    const first = await receive(imsop, approved, warehouse.id, [
      [0, 6],
      [1, 4],
    ]);
    expect(first.purchaseOrder!.status).toBe(S.PURCHASE_ORDER_STATUS_PARTIALLY_RECEIVED);
    expect(first.purchaseOrder!.items.map((i) => i.quantityReceived)).toEqual([6, 4]);
    expect(first.receipt).toMatchObject({
      purchaseOrderId: draft.id,
      warehouseId: warehouse.id,
      receivedBy: org.adminUserId,
    });
    expect(first.receipt!.lines.map((l) => [l.productId, l.quantity])).toEqual([
      [bolts.id, 6],
      [nuts.id, 4],
    ]);

    const second = await receive(imsop, approved, warehouse.id, [[0, 4]]);
    expect(second.purchaseOrder!.status).toBe(S.PURCHASE_ORDER_STATUS_RECEIVED);
    expect(second.purchaseOrder!.receiveTime).toBeInstanceOf(Date);
    expect(second.purchaseOrder!.items.map((i) => i.quantityReceived)).toEqual([10, 4]);

    // Stock: the levels and the ledger rows the receipts wrote, linked both ways.
    const level = async (productId: string) =>
      (await imsop.stock.getStockLevel({ warehouseId: warehouse.id, productId })).stockLevel!;
    expect((await level(bolts.id)).quantityOnHand).toBe(10);
    expect((await level(nuts.id)).quantityOnHand).toBe(4);
    const { transactions } = await imsop.stock.listInventoryTransactions({
      pageSize: 0,
      pageToken: '',
      productId: bolts.id,
      warehouseId: warehouse.id,
      type: 0,
      startTime: undefined,
      endTime: undefined,
    });
    expect(transactions.map((t) => [t.type, t.onHandDelta, t.onHandAfter, t.reference, t.actorId])).toEqual([
      [InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_RECEIVE, 4, 10, draft.poNumber, org.adminUserId],
      [InventoryTransactionType.INVENTORY_TRANSACTION_TYPE_RECEIVE, 6, 6, draft.poNumber, org.adminUserId],
    ]);
    expect(transactions.reduce((sum, t) => sum + t.onHandDelta, 0)).toBe(10);
    expect(transactions.map((t) => t.id).sort()).toEqual(
      [first.receipt!.lines[0]!.inventoryTransactionId, second.receipt!.lines[0]!.inventoryTransactionId].sort(),
    );

    const { receipts } = await imsop.purchaseOrders.listReceipts({
      purchaseOrderId: draft.id,
      pageSize: 1,
      pageToken: '',
    });
    expect(receipts.map((r) => r.id)).toEqual([first.receipt!.id]);
    const { nextPageToken } = await imsop.purchaseOrders.listReceipts({
      purchaseOrderId: draft.id,
      pageSize: 1,
      pageToken: '',
    });
    const page2 = await imsop.purchaseOrders.listReceipts({
      purchaseOrderId: draft.id,
      pageSize: 1,
      pageToken: nextPageToken,
    });
    expect(page2.receipts.map((r) => r.id)).toEqual([second.receipt!.id]);
    expect(page2.receipts[0]!.lines).toEqual(second.receipt!.lines);

    const closed = await act(imsop, 'close', second.purchaseOrder!);
    expect(closed.status).toBe(S.PURCHASE_ORDER_STATUS_CLOSED);
    expect(closed.closeTime).toBeInstanceOf(Date);
    expect(await byId(imsop, draft)).toEqual(closed);
  });
});

describe('the state machine', () => {
  /** An order in each state, with one line of 5 units, received into `warehouseId`. */
  async function ordersInEveryState(imsop: ImsopClient) {
    const supplier = await newSupplier(imsop);
    const product = await newProduct(imsop);
    const warehouse = await newWarehouse(imsop);
    const line = [{ productId: product.id, quantity: 5, price: eur(1) }];
    const draft = await newOrder(imsop, supplier.id, line);
    const submitted = await act(imsop, 'submit', await newOrder(imsop, supplier.id, line));
    const approved = await approvedOrder(imsop, supplier.id, line);
    const partial = await approvedOrder(imsop, supplier.id, line);
    await receive(imsop, partial, warehouse.id, [[0, 2]]);
    const received = await approvedOrder(imsop, supplier.id, line);
    await receive(imsop, received, warehouse.id, [[0, 5]]);
    const closed = await approvedOrder(imsop, supplier.id, line);
    await receive(imsop, closed, warehouse.id, [[0, 5]]);
    await act(imsop, 'close', closed);
    const cancelled = await newOrder(imsop, supplier.id, line);
    await cancel(imsop, cancelled);
    return { draft, submitted, approved, partial, received, closed, cancelled, warehouse };
  }

  it('refuses every transition the machine does not have with FAILED_PRECONDITION naming the current state, changing nothing', async ({
    imsop,
  }) => {
    const o = await ordersInEveryState(imsop);
    const update = (order: PurchaseOrder) =>
      imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({ purchaseOrder: { id: order.id, notes: 'x' }, updateMask: ['notes'] }),
      );
    const attempts: [PurchaseOrder, string, () => Promise<unknown>][] = [];
    const all = {
      draft: o.draft,
      submitted: o.submitted,
      approved: o.approved,
      partial: o.partial,
      received: o.received,
      closed: o.closed,
      cancelled: o.cancelled,
    };
    const allowed: Record<string, string[]> = {
      update: ['draft'],
      submit: ['draft'],
      approve: ['submitted'],
      cancel: ['draft', 'submitted', 'approved'],
      close: ['received'],
      receive: ['approved', 'partial'],
    };
    for (const [state, order] of Object.entries(all)) {
      const verbs: Record<string, () => Promise<unknown>> = {
        update: () => update(order),
        submit: () => act(imsop, 'submit', order),
        approve: () => act(imsop, 'approve', order),
        cancel: () => cancel(imsop, order),
        close: () => act(imsop, 'close', order),
        receive: () => receive(imsop, order, o.warehouse.id, [[0, 1]]),
      };
      for (const [verb, run] of Object.entries(verbs))
        if (!allowed[verb]!.includes(state)) attempts.push([order, `${state}:${verb}`, run]);
    }
    expect(attempts).toHaveLength(6 * 7 - 9); // 6 actions x 7 states, minus the 9 allowed pairs
    for (const [order, label, run] of attempts) {
      const before = await byId(imsop, order);
      const state = label.startsWith('partial') ? 'PARTIALLY_RECEIVED' : label.split(':')[0]!.toUpperCase();
      const e = await expectError(run());
      expect(e, label).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: `PURCHASE_ORDER_IS_${state}` });
      expect(errorInfoCount(e), label).toBe(1);
      expect(e.metadata).toMatchObject({ status: state, action: label.split(':')[1] });
      expect(await byId(imsop, order), label).toEqual(before);
    }
  });

  it('will not submit an order without items, and cancels with a reason', async ({ imsop, supplier }) => {
    const empty = await newOrder(imsop, supplier.id, []);
    expect(decimal(empty.totalAmount)).toBe('0 EUR');
    expect(await expectError(act(imsop, 'submit', empty))).toMatchObject({
      code: Status.FAILED_PRECONDITION,
      reason: 'PURCHASE_ORDER_HAS_NO_ITEMS',
    });
    const noReason = await expectError(cancel(imsop, empty, '  '));
    expect(noReason.fieldViolations.map((f) => f.field)).toEqual(['reason']);
    const { purchaseOrder } = await cancel(imsop, empty, 'supplier went bust');
    expect(purchaseOrder).toMatchObject({
      status: S.PURCHASE_ORDER_STATUS_CANCELLED,
      cancelReason: 'supplier went bust',
    });
    expect(purchaseOrder!.cancelTime).toBeInstanceOf(Date);
  });

  it('refuses a stale etag with ABORTED', async ({ imsop, product, supplier }) => {
    const draft = await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 1, price: eur(1) }]);
    await act(imsop, 'submit', draft, { etag: draft.etag });
    const stale = await expectError(act(imsop, 'approve', draft, { etag: draft.etag }));
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });
    expect((await byId(imsop, draft)).status).toBe(S.PURCHASE_ORDER_STATUS_SUBMITTED);
  });
});

describe('items and totals', () => {
  it('recomputes total_amount exactly on every line edit: change, add and remove in one update', async ({ imsop }) => {
    const supplier = await newSupplier(imsop, { defaultLeadTimeDays: 3 });
    const [a, b, c] = await Promise.all([newProduct(imsop), newProduct(imsop), newProduct(imsop)]);
    const draft = await newOrder(imsop, supplier.id, [
      { productId: a!.id, quantity: 3, price: eur(0, 333_300_000) },
      { productId: b!.id, quantity: 7, price: eur(12, 10_000_000) },
    ]);
    expect(decimal(draft.totalAmount)).toBe('85.0699 EUR'); // 0.9999 + 84.07

    const update = (items: PurchaseOrder['items'], etag = '') =>
      imsop.purchaseOrders
        .updatePurchaseOrder(
          UpdatePurchaseOrderRequest.fromPartial({
            purchaseOrder: { id: draft.id, items, etag },
            updateMask: ['items'],
          }),
        )
        .then((r) => r.purchaseOrder!);
    const [lineA] = draft.items;
    // Line 1 changed (1000 x 0.001), line 2 removed, a line added (2 x 99.99).
    const edited = await update(
      [
        { ...lineA!, quantityOrdered: 1000, unitPrice: eur(0, 1_000_000) },
        {
          id: '',
          lineNumber: 0,
          productId: c!.id,
          quantityOrdered: 2,
          quantityReceived: 0,
          unitPrice: eur(99, 990_000_000),
          lineTotal: undefined,
          expectedDate: undefined,
        },
      ],
      draft.etag,
    );
    expect(
      edited.items.map((i) => [i.id === lineA!.id, i.lineNumber, i.productId, i.quantityOrdered, decimal(i.lineTotal)]),
    ).toEqual([
      [true, 1, a!.id, 1000, '1 EUR'],
      [false, 3, c!.id, 2, '199.98 EUR'], // line 2 was removed; numbers are not reused
    ]);
    expect(decimal(edited.totalAmount)).toBe('200.98 EUR');
    expect(edited.items[1]!.expectedDate).toEqual(dateInDays(3));
    expect(edited.etag).not.toBe(draft.etag);

    // Removing the last line added: the next new line still gets a fresh number.
    const shrunk = await update([edited.items[0]!]);
    expect(decimal(shrunk.totalAmount)).toBe('1 EUR');
    const grown = await update([shrunk.items[0]!, { ...edited.items[1]!, id: '' }]);
    expect(grown.items.map((i) => i.lineNumber)).toEqual([1, 4]);
    expect(decimal(grown.totalAmount)).toBe('200.98 EUR');
    expect(await byId(imsop, draft)).toEqual(grown);

    // Other fields leave the lines and total alone.
    const noted = await imsop.purchaseOrders.updatePurchaseOrder(
      UpdatePurchaseOrderRequest.fromPartial({
        purchaseOrder: { id: draft.id, notes: 'urgent' },
        updateMask: ['notes'],
      }),
    );
    expect(noted.purchaseOrder).toMatchObject({ notes: 'urgent', totalAmount: grown.totalAmount, items: grown.items });
  });

  it('rejects bad lines with field violations and a stale etag with ABORTED, changing nothing', async ({
    imsop,
    product,
    supplier,
  }) => {
    const draft = await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 1, price: eur(5) }]);
    const bad = await expectError(
      imsop.purchaseOrders.createPurchaseOrder(
        orderRequest(supplier.id, [
          { productId: product.id, quantity: 0, price: eur(1) },
          { productId: 'nope', quantity: 1, price: { currencyCode: 'USD', units: 1, nanos: 0 } },
          { productId: product.id, quantity: 1, price: eur(1, 123_450_000) },
          { productId: product.id, quantity: 1, price: eur(-1) },
          { productId: product.id, quantity: 1, price: eur(1), expectedDate: { year: 2026, month: 2, day: 30 } },
        ]),
      ),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.fieldViolations.map((f) => f.field)).toEqual([
      'purchase_order.items[0].quantity_ordered',
      'purchase_order.items[1].product_id',
      'purchase_order.items[1].unit_price.currency_code',
      'purchase_order.items[2].unit_price',
      'purchase_order.items[3].unit_price',
      'purchase_order.items[4].expected_date',
    ]);
    const foreignLine = await expectError(
      imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({
          purchaseOrder: { id: draft.id, items: [{ ...draft.items[0]!, id: '00000000-0000-4000-8000-000000000000' }] },
          updateMask: ['items'],
        }),
      ),
    );
    expect(foreignLine.fieldViolations).toEqual([
      { field: 'purchase_order.items[0].id', description: 'is not a line of this purchase order' },
    ]);
    const currencyOnly = await expectError(
      imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({
          purchaseOrder: { id: draft.id, currencyCode: 'USD' },
          updateMask: ['currency_code'],
        }),
      ),
    );
    expect(currencyOnly.fieldViolations.map((f) => f.field)).toEqual(['update_mask']);
    const unknownPath = await expectError(
      imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({ purchaseOrder: { id: draft.id }, updateMask: ['status'] }),
      ),
    );
    expect(unknownPath.fieldViolations.map((f) => f.field)).toEqual(['update_mask']);
    await imsop.purchaseOrders.updatePurchaseOrder(
      UpdatePurchaseOrderRequest.fromPartial({ purchaseOrder: { id: draft.id, notes: 'a' }, updateMask: ['notes'] }),
    );
    const stale = await expectError(
      imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({
          purchaseOrder: { id: draft.id, notes: 'b', etag: draft.etag },
          updateMask: ['notes'],
        }),
      ),
    );
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });
    expect((await byId(imsop, draft)).notes).toBe('a');
  });

  it('switches currency together with the lines', async ({ imsop, product, supplier }) => {
    const draft = await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 2, price: eur(5) }]);
    const usd = { currencyCode: 'USD', units: 6, nanos: 0 };
    const wrong = await expectError(
      imsop.purchaseOrders.updatePurchaseOrder(
        UpdatePurchaseOrderRequest.fromPartial({
          purchaseOrder: { id: draft.id, currencyCode: 'USD', items: [{ ...draft.items[0]! }] },
          updateMask: ['currency_code', 'items'],
        }),
      ),
    );
    expect(wrong.fieldViolations.map((f) => f.field)).toEqual(['purchase_order.items[0].unit_price.currency_code']);
    const { purchaseOrder } = await imsop.purchaseOrders.updatePurchaseOrder(
      UpdatePurchaseOrderRequest.fromPartial({
        purchaseOrder: { id: draft.id, currencyCode: 'USD', items: [{ ...draft.items[0]!, unitPrice: usd }] },
        updateMask: ['currency_code', 'items'],
      }),
    );
    expect(decimal(purchaseOrder!.totalAmount)).toBe('12 USD');
  });
});

describe('retries and numbering', () => {
  it('a create retried with the same request_id returns the first order and uses no second number', async ({
    server,
  }) => {
    const fresh = await signedInTenant(server);
    const supplier = await newSupplier(fresh.imsop);
    const product = await newProduct(fresh.imsop);
    const request = orderRequest(
      supplier.id,
      [{ productId: product.id, quantity: 3, price: eur(4) }],
      {},
      crypto.randomUUID(),
    );
    const first = await fresh.imsop.purchaseOrders.createPurchaseOrder(request);
    const again = await fresh.imsop.purchaseOrders.createPurchaseOrder(request);
    expect(again).toEqual(first);
    expect(first.purchaseOrder!.poNumber).toBe('PO-000001');
    const reused = await expectError(
      fresh.imsop.purchaseOrders.createPurchaseOrder({
        ...request,
        purchaseOrder: { ...request.purchaseOrder!, notes: 'different' },
      }),
    );
    expect(reused).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'REQUEST_ID_REUSED' });
    const next = await newOrder(fresh.imsop, supplier.id, []);
    expect(next.poNumber).toBe('PO-000002');
    const { purchaseOrders } = await fresh.imsop.purchaseOrders.listPurchaseOrders({
      pageSize: 0,
      pageToken: '',
      status: 0,
      supplierId: '',
      createTimeStart: undefined,
      createTimeEnd: undefined,
    });
    expect(purchaseOrders.map((o) => o.poNumber)).toEqual(['PO-000002', 'PO-000001']);
  });

  it('state changes and receipts retried with the same request_id answer the same and happen once', async ({
    imsop,
    warehouse,
    product,
    supplier,
  }) => {
    const draft = await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 10, price: eur(1) }]);
    const submitId = crypto.randomUUID();
    const submitted = await act(imsop, 'submit', draft, { requestId: submitId });
    expect(await act(imsop, 'submit', draft, { requestId: submitId })).toEqual(submitted); // not PURCHASE_ORDER_IS_SUBMITTED
    const approved = await act(imsop, 'approve', draft, { requestId: crypto.randomUUID() });

    const receiptId = crypto.randomUUID();
    const first = await receive(imsop, approved, warehouse.id, [[0, 4]], receiptId);
    const retried = await receive(imsop, approved, warehouse.id, [[0, 4]], receiptId);
    expect(retried).toEqual(first);
    const level = await imsop.stock.getStockLevel({ warehouseId: warehouse.id, productId: product.id });
    expect(level.stockLevel!.quantityOnHand).toBe(4);
    const { receipts } = await imsop.purchaseOrders.listReceipts({
      purchaseOrderId: draft.id,
      pageSize: 0,
      pageToken: '',
    });
    expect(receipts).toHaveLength(1);
    expect((await byId(imsop, draft)).items[0]!.quantityReceived).toBe(4);
  });

  it('concurrent creates get distinct numbers without gaps', async ({ server }) => {
    const fresh = await signedInTenant(server);
    const supplier = await newSupplier(fresh.imsop);
    const orders = await Promise.all(Array.from({ length: 20 }, () => newOrder(fresh.imsop, supplier.id, [])));
    expect(orders.map((o) => o.poNumber).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `PO-${String(i + 1).padStart(6, '0')}`),
    );
  });

  it('lists newest first with stable keyset pages and filters by status, supplier and creation time', async ({
    server,
  }) => {
    const fresh = await signedInTenant(server);
    const [s1, s2] = await Promise.all([newSupplier(fresh.imsop), newSupplier(fresh.imsop)]);
    const product = await newProduct(fresh.imsop);
    const created: PurchaseOrder[] = [];
    for (let i = 0; i < 5; i++)
      created.push(
        await newOrder(fresh.imsop, i % 2 === 0 ? s1!.id : s2!.id, [
          { productId: product.id, quantity: 1, price: eur(1) },
        ]),
      );
    await act(fresh.imsop, 'submit', created[4]!);
    const list = (
      filter: Partial<{ status: S; supplierId: string; createTimeStart: Date; createTimeEnd: Date }>,
      pageToken = '',
      pageSize = 2,
    ) =>
      fresh.imsop.purchaseOrders.listPurchaseOrders({
        pageSize,
        pageToken,
        status: 0,
        supplierId: '',
        createTimeStart: undefined,
        createTimeEnd: undefined,
        ...filter,
      });
    const seen: string[] = [];
    let token = '';
    do {
      const page = await list({}, token);
      expect(page.purchaseOrders.every((o) => o.items.length === 0 && o.itemCount === 1)).toBe(true);
      seen.push(...page.purchaseOrders.map((o) => o.poNumber));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual(created.map((o) => o.poNumber).reverse());
    expect((await list({ supplierId: s2!.id }, '', 10)).purchaseOrders.map((o) => o.id)).toEqual([
      created[3]!.id,
      created[1]!.id,
    ]);
    expect((await list({ status: S.PURCHASE_ORDER_STATUS_SUBMITTED }, '', 10)).purchaseOrders.map((o) => o.id)).toEqual(
      [created[4]!.id],
    );
    expect(
      (
        await list({ createTimeStart: created[2]!.createTime, createTimeEnd: created[4]!.createTime }, '', 10)
      ).purchaseOrders.map((o) => o.id),
    ).toEqual([created[3]!.id, created[2]!.id]);
    const firstPage = await list({});
    expect(
      (await expectError(list({ status: S.PURCHASE_ORDER_STATUS_DRAFT }, firstPage.nextPageToken))).fieldViolations.map(
        (f) => f.field,
      ),
    ).toEqual(['page_token']);
  });
});
