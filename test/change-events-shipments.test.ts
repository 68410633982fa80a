import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { Shipment, ShipmentStatus, ShipmentType } from '../gen/ts/imsop/shipments/v1/resources.js';
import { ChangeLog, correlated } from './support/change-events.js';
import { expectError } from './support/expect-error.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { createProduct, createWarehouse, receiveStock, shipmentRequest, update } from './support/shipments.js';
import { it } from './support/tenant-fixture.js';

// Shipments' change events (docs/change-events.md): created, then one event per status change,
// whether UpdateShipmentStatus or a tracking update carrying a status made it; plain tracking
// points record none; a refused change records nothing, not even its stock events.

const sorted = (fields: string[]) => [...fields].sort();

async function transfer(imsop: ImsopClient, stock: number) {
  const origin = await createWarehouse(imsop);
  const destination = await createWarehouse(imsop);
  const productId = await createProduct(imsop);
  if (stock > 0) await receiveStock(imsop, origin, productId, stock);
  const { shipment } = await imsop.shipments.createShipment(
    shipmentRequest({
      type: ShipmentType.SHIPMENT_TYPE_TRANSFER,
      originWarehouseId: origin,
      destinationWarehouseId: destination,
      items: [{ productId, quantity: 3 }],
    }),
  );
  return shipment!;
}

describe('shipment change events', () => {
  it('created, dispatched, exception from a scanner, back in transit, delivered; plain points record nothing', async ({
    org,
    imsop,
  }) => {
    const log = await ChangeLog.from(imsop, ['shipment']);
    const shipment = await transfer(imsop, 10);
    expect(await log.take(1)).toEqual([
      {
        eventType: 'shipment.created',
        resourceType: 'shipment',
        resourceId: shipment.id,
        changeKind: 'created',
        changedFields: [],
        etag: shipment.etag,
        actorKind: 'user',
        actorId: org.adminUserId,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        resource: Shipment.toJSON(shipment),
      },
    ]);

    const requestId = randomUUID();
    const dispatched = await imsop.shipments.updateShipmentStatus(
      { id: shipment.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT },
      correlated(requestId),
    );
    const [event] = await log.take(1);
    expect(event).toMatchObject({
      eventType: 'shipment.dispatched',
      changeKind: 'event',
      etag: dispatched.shipment!.etag,
      requestId,
      resource: Shipment.toJSON(dispatched.shipment!),
    });
    expect(sorted(event!.changedFields)).toEqual(['last_sequence', 'ship_time', 'status']);
    expect(event!.resource).toMatchObject({ lastSequence: dispatched.trackingPoint!.sequence });

    // Plain position points: nothing.
    for (const id of ['p1', 'p2'])
      await imsop.tracking.recordTrackingUpdate({ update: update(shipment.id, `${id}-${randomUUID()}`) });
    await log.expectNone();

    const scanned = await imsop.tracking.recordTrackingUpdate({
      update: update(shipment.id, `x-${randomUUID()}`, {
        status: ShipmentStatus.SHIPMENT_STATUS_EXCEPTION,
        note: 'parcel damaged',
      }),
    });
    const [exception] = await log.take(1);
    expect(exception).toMatchObject({
      eventType: 'shipment.exception',
      resource: { status: 'SHIPMENT_STATUS_EXCEPTION', statusReason: 'parcel damaged' },
    });
    expect(exception!.resource.lastSequence).toEqual(scanned.trackingPoint!.sequence);
    expect(sorted(exception!.changedFields)).toEqual(['last_sequence', 'status', 'status_reason']);

    await imsop.shipments.updateShipmentStatus({ id: shipment.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    const delivered = await imsop.shipments.updateShipmentStatus({
      id: shipment.id,
      status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED,
    });
    const [resumed, arrived] = await log.take(2);
    expect(resumed!.eventType).toBe('shipment.in_transit');
    expect(arrived).toMatchObject({
      eventType: 'shipment.delivered',
      resource: Shipment.toJSON(delivered.shipment!),
    });
    expect(sorted(arrived!.changedFields)).toEqual(['delivery_time', 'last_sequence', 'status']);
    // The current status again changes nothing.
    await imsop.shipments.updateShipmentStatus({ id: shipment.id, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED });
    await log.expectNone();
  });

  it('a dispatch refused for want of stock records nothing; cancelling it records shipment.cancelled', async ({
    imsop,
  }) => {
    const shipment = await transfer(imsop, 1);
    const everything = await ChangeLog.from(imsop);
    const error = await expectError(
      imsop.shipments.updateShipmentStatus({ id: shipment.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT }),
    );
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    await everything.expectNone();

    const { shipment: cancelled } = await imsop.shipments.updateShipmentStatus({
      id: shipment.id,
      status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED,
      reason: 'out of stock',
    });
    expect(await everything.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'shipment.cancelled',
        resource: Shipment.toJSON(cancelled!),
      }),
    ]);
  });
});
