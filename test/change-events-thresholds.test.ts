import { describe, expect } from 'vitest';
import { Shipment, ShipmentStatus } from '../gen/ts/imsop/shipments/v1/resources.js';
import { PurchaseOrder as Order } from '../gen/ts/imsop/procurement/v1/resources.js';
import { sweepLateOrders } from '../src/procurement/late-orders.js';
import { sweepDelayedShipments } from '../src/shipments/delayed-shipments.js';
import { ChangeLog } from './support/change-events.js';
import { dataTest } from './support/data-fixture.js';
import { startTestServer } from './support/server.js';
import { signedInTenant } from './support/tenant.js';
import { approvedOrder, dateInDays, eur, newOrder, receive } from './support/procurement.js';
import { createTrackableShipment, shipmentRequest, createWarehouse, createProduct } from './support/shipments.js';

// Threshold events recorded by the sweeps: purchase_order.late and shipment.delayed, once per
// resource, by the system, however many sweeps run (at once or one after the other). The
// server's own sweeps are off here: the test runs them when it wants them.

const it = dataTest.override(
  'serverOptions',
  { scope: 'file' },
  {
    env: { PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS: '0', SHIPMENT_DELAY_SWEEP_INTERVAL_MS: '0' },
  },
);

const LOOKBACK_DAYS = 6;

describe('purchase_order.late', () => {
  it('is recorded once for an order with an open line past its expected date, and for no other', async ({
    server,
    imsop,
    supplier,
    product,
    warehouse,
  }) => {
    const past = dateInDays(-2);
    const late = await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 5, price: eur(1), expectedDate: past },
      { productId: product.id, quantity: 5, price: eur(1), expectedDate: dateInDays(3) },
    ]);
    // Partly received is still late: its first line is short.
    const partial = await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 5, price: eur(1), expectedDate: past },
    ]);
    const { purchaseOrder: partiallyReceived } = await receive(imsop, partial, warehouse.id, [[0, 2]]);
    // Not late: due today, fully received, a draft, or overdue for longer than the sweep looks back.
    await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 5, price: eur(1), expectedDate: dateInDays(0) },
    ]);
    const full = await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 5, price: eur(1), expectedDate: past },
    ]);
    await receive(imsop, full, warehouse.id, [[0, 5]]);
    await newOrder(imsop, supplier.id, [{ productId: product.id, quantity: 5, price: eur(1), expectedDate: past }]);
    await approvedOrder(imsop, supplier.id, [
      { productId: product.id, quantity: 5, price: eur(1), expectedDate: dateInDays(-(LOOKBACK_DAYS + 2)) },
    ]);

    const log = await ChangeLog.from(imsop, ['purchase_order']);
    const db = server.runtime.app.db;
    // Two instances sweeping at once, then again: each order once.
    const counts = await Promise.all([sweepLateOrders(db, LOOKBACK_DAYS), sweepLateOrders(db, LOOKBACK_DAYS)]);
    expect(counts[0]! + counts[1]!).toBe(2);
    expect(await sweepLateOrders(db, LOOKBACK_DAYS)).toBe(0);
    const events = await log.take(2);
    expect(events.map((e) => e.resourceId).sort()).toEqual([late.id, partial.id].sort());
    const byId = new Map(events.map((e) => [e.resourceId, e]));
    expect(byId.get(late.id)).toEqual({
      eventType: 'purchase_order.late',
      resourceType: 'purchase_order',
      resourceId: late.id,
      changeKind: 'event',
      changedFields: [],
      etag: late.etag,
      actorKind: 'system',
      actorId: '',
      requestId: '',
      resource: Order.toJSON(late),
    });
    expect(byId.get(partial.id)!.resource).toEqual(Order.toJSON(partiallyReceived!));
    await log.expectNone();
  });
});

describe('shipment.delayed', () => {
  it('is recorded once for a shipment past its expected delivery, not for a delivered or cancelled one', async ({
    server,
    imsop,
  }) => {
    const warehouseId = await createWarehouse(imsop);
    const productId = await createProduct(imsop);
    const due = new Date(Date.now() - 3_600_000);
    const create = async () =>
      (
        await imsop.shipments.createShipment(
          shipmentRequest({
            originWarehouseId: warehouseId,
            items: [{ productId, quantity: 1 }],
            expectedDeliveryTime: due,
          }),
        )
      ).shipment!;
    const pending = await create();
    const moving = await create();
    const { shipment: inTransit } = await imsop.shipments.updateShipmentStatus({
      id: moving.id,
      status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
    });
    const cancelled = await create();
    await imsop.shipments.updateShipmentStatus({ id: cancelled.id, status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED });
    const delivered = await create();
    await imsop.shipments.updateShipmentStatus({ id: delivered.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    await imsop.shipments.updateShipmentStatus({ id: delivered.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED });
    await createTrackableShipment(imsop); // no expected delivery: never delayed

    const log = await ChangeLog.from(imsop, ['shipment']);
    const db = server.runtime.app.db;
    const counts = await Promise.all([
      sweepDelayedShipments(db, LOOKBACK_DAYS),
      sweepDelayedShipments(db, LOOKBACK_DAYS),
    ]);
    expect(counts[0]! + counts[1]!).toBe(2);
    expect(await sweepDelayedShipments(db, LOOKBACK_DAYS)).toBe(0);
    const events = await log.take(2);
    const byId = new Map(events.map((e) => [e.resourceId, e]));
    expect([...byId.keys()].sort()).toEqual([pending.id, moving.id].sort());
    expect(byId.get(pending.id)).toEqual({
      eventType: 'shipment.delayed',
      resourceType: 'shipment',
      resourceId: pending.id,
      changeKind: 'event',
      changedFields: [],
      etag: pending.etag,
      actorKind: 'system',
      actorId: '',
      requestId: '',
      resource: Shipment.toJSON(pending),
    });
    expect(byId.get(moving.id)!.resource).toEqual(Shipment.toJSON(inTransit!));
    await log.expectNone();
  });
});

describe('the server sweeps on its own', () => {
  it('records shipment.delayed without being asked, once', async () => {
    const server = await startTestServer({ env: { SHIPMENT_DELAY_SWEEP_INTERVAL_MS: '100' } });
    try {
      const t = await signedInTenant(server);
      const log = await ChangeLog.from(t.imsop, ['shipment']);
      const { shipment } = await t.imsop.shipments.createShipment(
        shipmentRequest({
          originWarehouseId: await createWarehouse(t.imsop),
          items: [{ productId: await createProduct(t.imsop), quantity: 1 }],
          expectedDeliveryTime: new Date(Date.now() - 60_000),
        }),
      );
      expect((await log.take(2)).map((c) => [c.eventType, c.resourceId])).toEqual([
        ['shipment.created', shipment!.id],
        ['shipment.delayed', shipment!.id],
      ]);
      await new Promise((r) => setTimeout(r, 500));
      await log.expectNone();
    } finally {
      await server.stop();
    }
  });
});
