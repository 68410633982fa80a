import { SupplierStatus, type Supplier } from '../gen/ts/imsop/procurement/v1/resources.js';
import { UpdateSupplierRequest } from '../gen/ts/imsop/procurement/v1/supplier_service.js';
import { eur, newOrder, newProduct, newSupplier, orderRequest } from './support/procurement.js';
import { inventoryPort } from '../src/adapters/procurement-inventory.js';
import { MemoryCache } from '../src/platform/cache/memory-cache.js';
import { loadProcurementDemo } from '../src/procurement/index.js';
import { ownerDatabase } from '../src/runtime.js';
import { describe, expect } from 'vitest';
import { expectError } from './support/expect-error.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { it } from './support/data-fixture.js';
import { signedInTenant } from './support/tenant.js';

// Suppliers through gRPC: fields and their validation, unique names, keyset listing with
// filters, masked updates with etags, deactivation and what it blocks.
const list = (
  imsop: ImsopClient,
  filter: { status?: SupplierStatus; namePrefix?: string } = {},
  pageToken = '',
  pageSize = 0,
) =>
  imsop.suppliers.listSuppliers({
    pageSize,
    pageToken,
    status: filter.status ?? 0,
    namePrefix: filter.namePrefix ?? '',
  });

describe('suppliers', () => {
  it('are created with contact details, rating, lead time and payment terms; names are unique case-insensitively', async ({
    imsop,
  }) => {
    const created = await newSupplier(imsop, {
      name: 'Acme Fasteners',
      contactName: 'Wile E.',
      email: 'orders@acme.test',
      phone: '+1 555 0100',
      address: '1 Desert Road\nArizona',
      rating: 4,
      defaultLeadTimeDays: 12,
      paymentTerms: 'Net 30',
    });
    expect(created).toMatchObject({
      name: 'Acme Fasteners',
      contactName: 'Wile E.',
      email: 'orders@acme.test',
      status: SupplierStatus.SUPPLIER_STATUS_ACTIVE,
      rating: 4,
      defaultLeadTimeDays: 12,
      paymentTerms: 'Net 30',
      etag: '"v1"',
    });
    expect((await imsop.suppliers.getSupplier({ id: created.id })).supplier).toEqual(created);
    const taken = await expectError(newSupplier(imsop, { name: 'ACME fasteners' }));
    expect(taken).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'SUPPLIER_NAME_TAKEN' });

    const bad = await expectError(
      newSupplier(imsop, {
        name: ' ',
        email: 'not-an-email',
        rating: 6,
        defaultLeadTimeDays: -1,
        phone: 'x'.repeat(51),
      }),
    );
    expect(bad.fieldViolations.map((f) => f.field)).toEqual([
      'supplier.name',
      'supplier.email',
      'supplier.phone',
      'supplier.rating',
      'supplier.default_lead_time_days',
    ]);
  });

  it('list in name order with keyset pages, filtered by status and name prefix (wildcards are literal)', async ({
    server,
  }) => {
    const fresh = await signedInTenant(server);
    const names = ['beta', 'Alpha', 'alpine', 'Gamma', '50% off', '5_star'];
    for (const name of names) await newSupplier(fresh.imsop, { name });
    const seen: string[] = [];
    let token = '';
    do {
      const page = await list(fresh.imsop, {}, token, 4);
      seen.push(...page.suppliers.map((s) => s.name));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual(['50% off', '5_star', 'Alpha', 'alpine', 'beta', 'Gamma']);
    expect((await list(fresh.imsop, { namePrefix: 'AL' })).suppliers.map((s) => s.name)).toEqual(['Alpha', 'alpine']);
    expect((await list(fresh.imsop, { namePrefix: '5%' })).suppliers.map((s) => s.name)).toEqual([]);
    expect((await list(fresh.imsop, { namePrefix: '50%' })).suppliers.map((s) => s.name)).toEqual(['50% off']);

    const gamma = (await list(fresh.imsop, { namePrefix: 'gamma' })).suppliers[0]!;
    await fresh.imsop.suppliers.deactivateSupplier({ id: gamma.id });
    expect(
      (await list(fresh.imsop, { status: SupplierStatus.SUPPLIER_STATUS_INACTIVE })).suppliers.map((s) => s.name),
    ).toEqual(['Gamma']);
    expect((await list(fresh.imsop, { status: SupplierStatus.SUPPLIER_STATUS_ACTIVE })).suppliers).toHaveLength(5);
    const page1 = await list(fresh.imsop, {}, '', 2);
    const wrongFilter = await expectError(list(fresh.imsop, { namePrefix: 'a' }, page1.nextPageToken, 2));
    expect(wrongFilter.fieldViolations.map((f) => f.field)).toEqual(['page_token']);
  });

  it('update only the masked fields, honour the etag, and bump it', async ({ imsop }) => {
    const supplier = await newSupplier(imsop, { phone: '123', rating: 2 });
    const update = (s: Partial<Supplier>, mask: string[], requestId = '') =>
      imsop.suppliers.updateSupplier(
        UpdateSupplierRequest.fromPartial({ supplier: { id: supplier.id, ...s }, updateMask: mask, requestId }),
      );
    const requestId = crypto.randomUUID();
    const { supplier: updated } = await update(
      { rating: 0, phone: 'ignored', paymentTerms: '2/10 Net 30', etag: supplier.etag },
      ['rating', 'payment_terms'],
      requestId,
    );
    expect(updated).toMatchObject({ rating: 0, phone: '123', paymentTerms: '2/10 Net 30', etag: '"v2"' });
    expect(
      (
        await update(
          { rating: 0, phone: 'ignored', paymentTerms: '2/10 Net 30', etag: supplier.etag },
          ['rating', 'payment_terms'],
          requestId,
        )
      ).supplier,
    ).toEqual(updated);
    const stale = await expectError(update({ name: 'Renamed', etag: supplier.etag }, ['name']));
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });
    const badMask = await expectError(update({ status: SupplierStatus.SUPPLIER_STATUS_INACTIVE }, ['status']));
    expect(badMask.fieldViolations.map((f) => f.field)).toEqual(['update_mask']);
    const other = await newSupplier(imsop);
    expect(await expectError(update({ name: other.name.toUpperCase() }, ['name']))).toMatchObject({
      code: Status.ALREADY_EXISTS,
      reason: 'SUPPLIER_NAME_TAKEN',
    });
  });

  it('an inactive supplier gets no new orders until reactivated; its existing orders carry on', async ({
    imsop,
    product,
    supplier,
  }) => {
    const existing = await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 1, price: eur(1) }]);
    const { supplier: inactive } = await imsop.suppliers.deactivateSupplier({ id: supplier.id, etag: supplier.etag });
    expect(inactive).toMatchObject({ status: SupplierStatus.SUPPLIER_STATUS_INACTIVE, etag: '"v2"' });
    // Deactivating again changes nothing, not even the etag.
    expect((await imsop.suppliers.deactivateSupplier({ id: supplier.id })).supplier).toEqual(inactive);

    const refused = await expectError(imsop.purchaseOrders.createPurchaseOrder(orderRequest(supplier.id, [])));
    expect(refused).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SUPPLIER_INACTIVE' });
    await imsop.purchaseOrders.submitPurchaseOrder({ id: existing.id });

    await imsop.suppliers.reactivateSupplier({ id: supplier.id, etag: inactive!.etag });
    expect((await newOrder(imsop, supplier.id, [])).supplierId).toBe(supplier.id);
  });

  it('can be named by products (the composite foreign key procurement adds to inventory)', async ({
    imsop,
    supplier,
  }) => {
    const product = await newProduct(imsop, { supplierId: supplier.id });
    expect(product.supplierId).toBe(supplier.id);
  });
});

describe('the demo loader', () => {
  it('adds a supplier and a draft order once, however often it runs', async ({ server }) => {
    const fresh = await signedInTenant(server);
    const product = await newProduct(fresh.imsop);
    const owner = ownerDatabase(server.runtime.database, server.runtime.app.logger);
    try {
      const first = await loadProcurementDemo(owner, inventoryPort(new MemoryCache()), fresh.name, [product.id]);
      expect(await loadProcurementDemo(owner, inventoryPort(new MemoryCache()), fresh.name, [product.id])).toEqual(
        first,
      );
      expect(first).toEqual(['  supplier:     Demo Supplies Ltd', '  order:        PO-000001 (draft)']);
    } finally {
      await owner.close();
    }
    const listed = await list(fresh.imsop);
    expect(listed.suppliers.map((s) => s.name)).toEqual(['Demo Supplies Ltd']);
    const { purchaseOrders } = await fresh.imsop.purchaseOrders.listPurchaseOrders({
      pageSize: 0,
      pageToken: '',
      status: 0,
      supplierId: '',
      createTimeStart: undefined,
      createTimeEnd: undefined,
    });
    expect(purchaseOrders.map((o) => [o.poNumber, o.itemCount, o.createdBy])).toEqual([['PO-000001', 1, '']]);
  });
});
