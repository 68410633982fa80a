import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PurchaseOrderStatus } from '../gen/ts/imsop/procurement/v1/resources.js';
import { ShipmentStatus, ShipmentType } from '../gen/ts/imsop/shipments/v1/resources.js';
import type {
  ListShipmentsRequest,
  UpdateShipmentStatusRequest,
} from '../gen/ts/imsop/shipments/v1/shipment_service.js';
import { expectError } from './support/expect-error.js';
import { approvedOrder, eur, newSupplier } from './support/procurement.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import {
  createProduct,
  createWarehouse,
  onHand,
  receiveStock,
  shipmentRequest,
  withAdmin,
} from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

let ts: TestServer;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  ts = await startTestServer();
  [a, b] = await Promise.all([signedInTenant(ts), signedInTenant(ts)]);
});
afterAll(() => ts?.stop());

const create = (req: Parameters<typeof shipmentRequest>[0], imsop: ImsopClient = a.imsop) =>
  imsop.shipments.createShipment(shipmentRequest(req)).then((r) => r.shipment!);
const get = (id: string, imsop: ImsopClient = a.imsop) => imsop.shipments.getShipment({ id }).then((r) => r.shipment!);
const setStatus = (
  req: Partial<UpdateShipmentStatusRequest> & { id: string; status: ShipmentStatus },
  imsop: ImsopClient = a.imsop,
) => imsop.shipments.updateShipmentStatus(req);
const list = (req: Partial<ListShipmentsRequest>, imsop: ImsopClient = a.imsop) => imsop.shipments.listShipments(req);

describe('creating and reading shipments', () => {
  it('creates each type with its warehouses and items, readable by id and by tracking number', async () => {
    const [w1, w2, product] = await Promise.all([
      createWarehouse(a.imsop),
      createWarehouse(a.imsop),
      createProduct(a.imsop),
    ]);
    const transfer = await create({
      type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
      originWarehouseId: w1,
      destinationWarehouseId: w2,
      items: [{ productId: product, quantity: 4 }],
      expectedShipTime: new Date('2030-01-01T00:00:00Z'),
      expectedDeliveryTime: new Date('2030-01-03T00:00:00Z'),
    });
    expect(transfer).toMatchObject({
      type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
      status: ShipmentStatus.SHIPMENT_STATUS_PENDING,
      originWarehouseId: w1,
      destinationWarehouseId: w2,
      items: [{ productId: product, quantity: 4 }],
      lastSequence: 0,
      etag: '"v1"',
      expectedDeliveryTime: new Date('2030-01-03T00:00:00Z'),
    });
    expect(await get(transfer.id)).toEqual(transfer);
    const byNumber = await a.imsop.shipments.getShipmentByTrackingNumber({ trackingNumber: transfer.trackingNumber });
    expect(byNumber.shipment).toEqual(transfer);
  });

  it('refuses invalid shapes with field violations', async () => {
    const [w1, product] = await Promise.all([createWarehouse(a.imsop), createProduct(a.imsop)]);
    const bad = await expectError(
      create({
        type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
        carrier: '',
        originWarehouseId: w1,
        destinationWarehouseId: w1,
        purchaseOrderId: '8d3e1c6a-1111-4111-8111-111111111111',
        items: [
          { productId: product, quantity: 0 },
          { productId: product, quantity: 1 },
        ],
      }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual([
      'carrier',
      'destination_warehouse_id',
      'items[0].quantity',
      'items[1].product_id',
      'purchase_order_id',
    ]);
    const inbound = await expectError(
      create({ type: ShipmentType.SHIPMENT_TYPE_INBOUND, originWarehouseId: w1, items: [] }),
    );
    expect(inbound.fieldViolations.map((v) => v.field).sort()).toEqual([
      'destination_warehouse_id',
      'items',
      'origin_warehouse_id',
    ]);
  });

  it("answers NOT_FOUND for another organization's warehouses, products and shipments", async () => {
    const [theirs, ourProduct, ours] = await Promise.all([
      createWarehouse(b.imsop),
      createProduct(a.imsop),
      createWarehouse(a.imsop),
    ]);
    const warehouse = await expectError(
      create({ originWarehouseId: theirs, items: [{ productId: ourProduct, quantity: 1 }] }),
    );
    expect(warehouse).toMatchObject({ code: Status.NOT_FOUND, reason: 'WAREHOUSE_NOT_FOUND' });
    const theirProduct = await createProduct(b.imsop);
    const product = await expectError(
      create({ originWarehouseId: ours, items: [{ productId: theirProduct, quantity: 1 }] }),
    );
    expect(product).toMatchObject({ code: Status.NOT_FOUND, reason: 'PRODUCT_NOT_FOUND' });

    const shipment = await create({ originWarehouseId: ours, items: [{ productId: ourProduct, quantity: 1 }] });
    for (const call of [
      () => get(shipment.id, b.imsop),
      () => setStatus({ id: shipment.id, status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED }, b.imsop),
      () => b.imsop.shipments.getShipmentByTrackingNumber({ trackingNumber: shipment.trackingNumber }),
    ]) {
      expect(await expectError(call())).toMatchObject({ code: Status.NOT_FOUND, reason: 'SHIPMENT_NOT_FOUND' });
    }
    expect((await list({}, b.imsop)).shipments.map((s) => s.id)).not.toContain(shipment.id);
  });

  it('keeps tracking numbers unique per carrier (case-insensitively), and asks for the carrier when a number is shared', async () => {
    const [w, p] = await Promise.all([createWarehouse(a.imsop), createProduct(a.imsop)]);
    const base = {
      originWarehouseId: w,
      items: [{ productId: p, quantity: 1 }],
      trackingNumber: `SHARED-${Date.now()}`,
    };
    await create({ ...base, carrier: 'DHL' });
    expect(await expectError(create({ ...base, carrier: 'dhl' }))).toMatchObject({
      code: Status.ALREADY_EXISTS,
      reason: 'TRACKING_NUMBER_TAKEN',
    });
    const ups = await create({ ...base, carrier: 'UPS' });
    const byNumber = (carrier: string) =>
      a.imsop.shipments.getShipmentByTrackingNumber({ trackingNumber: base.trackingNumber, carrier });
    expect((await expectError(byNumber(''))).fieldViolations.map((v) => v.field)).toEqual(['carrier']);
    expect((await byNumber('ups')).shipment!.id).toBe(ups.id);
  });

  it('returns the first answer for a retried request_id and refuses it for different content', async () => {
    const [w, p] = await Promise.all([createWarehouse(a.imsop), createProduct(a.imsop)]);
    const req = {
      originWarehouseId: w,
      items: [{ productId: p, quantity: 1 }],
      requestId: crypto.randomUUID(),
      trackingNumber: `RETRY-${Date.now()}`,
    };
    const first = await create(req);
    expect(await create(req)).toEqual(first);
    expect(await expectError(create({ ...req, carrier: 'UPS' }))).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      reason: 'REQUEST_ID_REUSED',
    });
    expect((await list({ warehouseId: w })).shipments).toHaveLength(1);
  });

  it('lists newest first with filters and keyset pages', async () => {
    const [w1, w2, p] = await Promise.all([createWarehouse(a.imsop), createWarehouse(a.imsop), createProduct(a.imsop)]);
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await create(
          i % 2 === 0
            ? {
                type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
                originWarehouseId: w1,
                destinationWarehouseId: w2,
                items: [{ productId: p, quantity: 1 }],
              }
            : {
                type: ShipmentType.SHIPMENT_TYPE_INBOUND,
                destinationWarehouseId: w1,
                items: [{ productId: p, quantity: 1 }],
              },
        ),
      );
    }
    await setStatus({ id: made[6]!.id, status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED });
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await list({ warehouseId: w1, pageSize: 3, pageToken });
      ids.push(...page.shipments.map((s) => s.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(ids).toEqual(made.map((s) => s.id).reverse());
    expect((await list({ warehouseId: w2 })).shipments).toHaveLength(4);
    expect(
      (await list({ warehouseId: w1, type: ShipmentType.SHIPMENT_TYPE_INBOUND })).shipments.map((s) => s.id),
    ).toEqual([made[5]!, made[3]!, made[1]!].map((s) => s.id));
    expect(
      (await list({ warehouseId: w1, status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED })).shipments.map((s) => s.id),
    ).toEqual([made[6]!.id]);
    const window = await list({ warehouseId: w1, startTime: made[2]!.createTime, endTime: made[4]!.createTime });
    expect(window.shipments.map((s) => s.id)).toEqual([made[3]!.id, made[2]!.id]);
    const page = await list({ warehouseId: w1, pageSize: 2 });
    expect(
      (await expectError(list({ warehouseId: w2, pageToken: page.nextPageToken }))).fieldViolations[0]!.field,
    ).toBe('page_token');
  });
});

describe('status lifecycle', () => {
  it('refuses illegal transitions with FAILED_PRECONDITION naming both states, and honours etags', async () => {
    const [w, p] = await Promise.all([createWarehouse(a.imsop), createProduct(a.imsop)]);
    const s = await create({ originWarehouseId: w, items: [{ productId: p, quantity: 1 }] });
    const early = await expectError(setStatus({ id: s.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED }));
    expect(early).toMatchObject({
      code: Status.FAILED_PRECONDITION,
      reason: 'ILLEGAL_STATUS_TRANSITION',
      metadata: expect.objectContaining({ current_status: 'pending', requested_status: 'delivered' }),
    });
    const moving = await setStatus({ id: s.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT, etag: s.etag });
    expect(moving.shipment).toMatchObject({
      status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
      etag: '"v2"',
      lastSequence: 1,
    });
    expect(moving.trackingPoint).toMatchObject({
      sequence: 1,
      status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
      updateId: '',
    });
    expect(
      await expectError(setStatus({ id: s.id, status: ShipmentStatus.SHIPMENT_STATUS_EXCEPTION, etag: s.etag })),
    ).toMatchObject({
      code: Status.ABORTED,
      reason: 'ETAG_MISMATCH',
    });
    const held = await setStatus({
      id: s.id,
      status: ShipmentStatus.SHIPMENT_STATUS_EXCEPTION,
      reason: 'customs hold',
    });
    expect(held.shipment).toMatchObject({ statusReason: 'customs hold', lastSequence: 2 });
    const cancel = await expectError(setStatus({ id: s.id, status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED }));
    expect(cancel).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'ILLEGAL_STATUS_TRANSITION' });
    const done = await setStatus({ id: s.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED });
    expect(done.shipment).toMatchObject({ status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED, statusReason: '' });
    // Asking for the current status changes nothing (a retry-safe no-op without a point).
    const same = await setStatus({ id: s.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED });
    expect(same.trackingPoint).toBeUndefined();
    expect(same.shipment!.etag).toBe(done.shipment!.etag);
    for (const next of [
      ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
      ShipmentStatus.SHIPMENT_STATUS_CANCELLED,
      ShipmentStatus.SHIPMENT_STATUS_PENDING,
    ]) {
      expect((await expectError(setStatus({ id: s.id, status: next }))).reason).toBe('ILLEGAL_STATUS_TRANSITION');
    }
    const audited = await withAdmin(
      ts,
      async (c) =>
        (
          await c.query(
            `SELECT operation, after->>'status' AS status FROM audit_log WHERE table_name = 'shipments' AND row_key = $1 ORDER BY id`,
            [s.id],
          )
        ).rows,
    );
    expect(audited).toEqual([
      { operation: 'INSERT', status: 'pending' },
      { operation: 'UPDATE', status: 'in_transit' },
      { operation: 'UPDATE', status: 'exception' },
      { operation: 'UPDATE', status: 'delivered' },
    ]);
  });
});

describe('transfer stock', () => {
  it('takes stock out of the origin at dispatch and receives it at the destination at delivery, ledger rows at both ends', async () => {
    const [origin, destination, p1, p2] = await Promise.all([
      createWarehouse(a.imsop),
      createWarehouse(a.imsop),
      createProduct(a.imsop),
      createProduct(a.imsop),
    ]);
    await receiveStock(a.imsop, origin, p1, 10);
    await receiveStock(a.imsop, origin, p2, 5);
    const transfer = await create({
      type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
      originWarehouseId: origin,
      destinationWarehouseId: destination,
      items: [
        { productId: p1, quantity: 7 },
        { productId: p2, quantity: 5 },
      ],
    });
    const levels = async () => [
      await onHand(a.imsop, origin, p1),
      await onHand(a.imsop, origin, p2),
      await onHand(a.imsop, destination, p1),
      await onHand(a.imsop, destination, p2),
    ];
    expect(await levels()).toEqual([10, 5, 0, 0]);

    await setStatus({ id: transfer.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    expect(await levels()).toEqual([3, 0, 0, 0]);
    // An exception and a resumption do not dispatch twice.
    await setStatus({ id: transfer.id, status: ShipmentStatus.SHIPMENT_STATUS_EXCEPTION, reason: 'flat tyre' });
    await setStatus({ id: transfer.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    expect(await levels()).toEqual([3, 0, 0, 0]);
    await setStatus({ id: transfer.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED });
    expect(await levels()).toEqual([3, 0, 7, 5]);

    await withAdmin(ts, async (c) => {
      const ledger = await c.query(
        `SELECT type, warehouse_id, product_id, on_hand_delta FROM inventory_transactions WHERE transfer_id = $1 ORDER BY created_at, type, product_id`,
        [transfer.id],
      );
      expect(ledger.rows).toHaveLength(4);
      expect(
        ledger.rows
          .filter((r) => r.type === 'transfer_out')
          .map((r) => [r.warehouse_id, r.on_hand_delta])
          .sort(),
      ).toEqual(
        [
          [origin, -5],
          [origin, -7],
        ].sort(),
      );
      expect(
        ledger.rows
          .filter((r) => r.type === 'transfer_in')
          .map((r) => [r.warehouse_id, r.on_hand_delta])
          .sort(),
      ).toEqual(
        [
          [destination, 5],
          [destination, 7],
        ].sort(),
      );
      // The ledger sums exactly to every level it touched.
      const drift = await c.query(
        `SELECT i.warehouse_id, i.product_id, i.quantity_on_hand, coalesce(sum(t.on_hand_delta), 0)::int AS ledger
         FROM inventory i LEFT JOIN inventory_transactions t USING (organization_id, warehouse_id, product_id)
         WHERE i.organization_id = $1 GROUP BY 1, 2, 3 HAVING i.quantity_on_hand <> coalesce(sum(t.on_hand_delta), 0)`,
        [a.organizationId],
      );
      expect(drift.rows).toEqual([]);
    });
  });

  it('refuses to dispatch what the origin does not have, changing nothing', async () => {
    const [origin, destination, p] = await Promise.all([
      createWarehouse(a.imsop),
      createWarehouse(a.imsop),
      createProduct(a.imsop),
    ]);
    await receiveStock(a.imsop, origin, p, 2);
    const transfer = await create({
      type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
      originWarehouseId: origin,
      destinationWarehouseId: destination,
      items: [{ productId: p, quantity: 3 }],
    });
    const refused = await expectError(
      setStatus({ id: transfer.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT }),
    );
    expect(refused).toMatchObject({
      code: Status.FAILED_PRECONDITION,
      reason: 'INSUFFICIENT_STOCK',
      metadata: expect.objectContaining({ available: '2' }),
    });
    expect(await get(transfer.id)).toMatchObject({
      status: ShipmentStatus.SHIPMENT_STATUS_PENDING,
      lastSequence: 0,
      etag: transfer.etag,
    });
    expect(await onHand(a.imsop, origin, p)).toBe(2);
  });
});

describe('inbound against a purchase order', () => {
  it('receives the delivered items against the order, filling its lines in order, in the same transaction as the delivery', async () => {
    const [warehouse, p1, p2, supplier] = await Promise.all([
      createWarehouse(a.imsop),
      createProduct(a.imsop),
      createProduct(a.imsop),
      newSupplier(a.imsop),
    ]);
    const order = await approvedOrder(a.imsop, supplier.id, [
      { productId: p1, quantity: 4, price: eur(2) },
      { productId: p2, quantity: 3, price: eur(5) },
      { productId: p1, quantity: 6, price: eur(2) },
    ]);
    const inbound = await create({
      type: ShipmentType.SHIPMENT_TYPE_INBOUND,
      destinationWarehouseId: warehouse,
      purchaseOrderId: order.id,
      items: [
        { productId: p1, quantity: 7 },
        { productId: p2, quantity: 3 },
      ],
    });
    expect(inbound.purchaseOrderId).toBe(order.id);
    await setStatus({ id: inbound.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    expect(await onHand(a.imsop, warehouse, p1)).toBe(0); // nothing moves at dispatch of an inbound shipment
    await setStatus({ id: inbound.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED });
    expect([await onHand(a.imsop, warehouse, p1), await onHand(a.imsop, warehouse, p2)]).toEqual([7, 3]);
    const after = await a.imsop.purchaseOrders.getPurchaseOrder({ id: order.id });
    expect(after.purchaseOrder!.status).toBe(PurchaseOrderStatus.PURCHASE_ORDER_STATUS_PARTIALLY_RECEIVED);
    expect(after.purchaseOrder!.items.map((i) => i.quantityReceived)).toEqual([4, 3, 3]);
  });

  it('leaves the shipment in transit when the order cannot take the goods (the receipt and the delivery roll back together)', async () => {
    const [warehouse, p1, supplier] = await Promise.all([
      createWarehouse(a.imsop),
      createProduct(a.imsop),
      newSupplier(a.imsop),
    ]);
    const order = await approvedOrder(a.imsop, supplier.id, [{ productId: p1, quantity: 2, price: eur(2) }]);
    const inbound = await create({
      type: ShipmentType.SHIPMENT_TYPE_INBOUND,
      destinationWarehouseId: warehouse,
      purchaseOrderId: order.id,
      items: [{ productId: p1, quantity: 5 }],
    });
    await setStatus({ id: inbound.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    const refused = await expectError(setStatus({ id: inbound.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED }));
    expect(refused).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'OVER_RECEIPT' });
    expect(await get(inbound.id)).toMatchObject({ status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT, lastSequence: 1 });
    expect(await onHand(a.imsop, warehouse, p1)).toBe(0);
  });

  it("refuses another organization's purchase order as NOT_FOUND", async () => {
    const [theirSupplier, theirProduct, ourWarehouse, ourProduct] = await Promise.all([
      newSupplier(b.imsop),
      createProduct(b.imsop),
      createWarehouse(a.imsop),
      createProduct(a.imsop),
    ]);
    const theirs = await approvedOrder(b.imsop, theirSupplier.id, [
      { productId: theirProduct, quantity: 1, price: eur(1) },
    ]);
    const refused = await expectError(
      create({
        type: ShipmentType.SHIPMENT_TYPE_INBOUND,
        destinationWarehouseId: ourWarehouse,
        purchaseOrderId: theirs.id,
        items: [{ productId: ourProduct, quantity: 1 }],
      }),
    );
    expect(refused).toMatchObject({ code: Status.NOT_FOUND, reason: 'PURCHASE_ORDER_NOT_FOUND' });
  });
});
