import { sql } from 'kysely';
import { recordChange } from '../platform/change-feed/record-change.js';
import { domainEvent } from '../platform/change-feed/resource-change.js';
import { recordEvent } from '../platform/outbox/record-event.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { shipmentJson, statusEventType } from './change-events.js';
import { shipmentColumns, toShipment, type ShipmentRow, type StatusText } from './mappers.js';
import { loadItems } from './shipment-queries.js';
import { assertTransition } from './status-rules.js';
import type { ShipmentStockPort } from './stock-port.js';

/**
 * Moves a locked shipment to `to` and applies the stock effects of the move in the caller's
 * unit of work: the first move to in transit dispatches it (a transfer leaves the origin's
 * stock), delivery receives it (a transfer at the destination, an inbound shipment against its
 * purchase order). Outbound shipments move no stock here: goods leave through inventory's
 * issue (picking), which knows the reservations; a shipment only carries them.
 *
 * The caller holds the shipment's row lock (so two status changes cannot both dispatch) and
 * records the tracking point of the change.
 *
 * @returns the shipment row after the change (last_sequence as stored, not yet advanced).
 * @throws AppError FAILED_PRECONDITION ILLEGAL_STATUS_TRANSITION, or what the stock effect
 *   throws (e.g. INSUFFICIENT_STOCK at the origin).
 */
export async function changeStatus(
  work: UnitOfWork,
  shipment: ShipmentRow,
  to: StatusText,
  reason: string,
  stock: ShipmentStockPort,
): Promise<ShipmentRow> {
  const { organizationId } = work.tenant;
  const dispatched = shipment.shipped_at !== null;
  assertTransition(shipment.status as StatusText, to, dispatched);
  const dispatching = to === 'in_transit' && !dispatched;
  const delivering = to === 'delivered';
  const items = (await loadItems(work, [shipment.id])).get(shipment.id) ?? [];
  if (dispatching || delivering) {
    const lines = items.map((i) => ({
      productId: i.product_id,
      quantity: i.quantity,
    }));
    if (shipment.type === 'transfer') {
      const transfer = {
        shipmentId: shipment.id,
        originWarehouseId: shipment.origin_warehouse_id!,
        destinationWarehouseId: shipment.destination_warehouse_id!,
        lines,
      };
      if (dispatching) await stock.dispatchTransfer(work, transfer);
      else await stock.receiveTransfer(work, transfer);
    } else if (delivering && shipment.type === 'inbound' && shipment.purchase_order_id) {
      await stock.receivePurchaseOrder(work, {
        shipmentId: shipment.id,
        purchaseOrderId: shipment.purchase_order_id,
        warehouseId: shipment.destination_warehouse_id!,
        lines,
      });
    }
  }
  const event = dispatching
    ? 'shipments.shipment_dispatched'
    : delivering
      ? 'shipments.shipment_delivered'
      : to === 'exception'
        ? 'shipments.shipment_exception'
        : undefined;
  if (event)
    await recordEvent(work, {
      type: event,
      entityId: shipment.id,
      metadata: { shipment_type: shipment.type, carrier: shipment.carrier, from_status: shipment.status, reason },
    });
  const changed = await work.tx
    .updateTable('shipments')
    .set({
      status: to,
      status_reason: to === 'exception' || to === 'cancelled' ? reason : '',
      ...(dispatching ? { shipped_at: sql<Date>`now()` } : {}),
      ...(delivering ? { delivered_at: sql<Date>`now()` } : {}),
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('organization_id', '=', organizationId)
    .where('id', '=', shipment.id)
    .returning(shipmentColumns)
    .executeTakeFirstOrThrow();
  // The change comes with its tracking point, numbered next: the event shows the shipment as it
  // stands once that point is stored (the caller advances the counter). assertTransition admits
  // no move back to pending.
  const lastSequence = Number(shipment.last_sequence) + 1;
  await recordChange(
    work,
    domainEvent(
      statusEventType(to as Exclude<StatusText, 'pending'>, dispatching),
      shipmentJson(toShipment({ ...changed, last_sequence: lastSequence }, items)),
      shipmentJson(toShipment(shipment, items)),
    ),
  );
  return changed;
}
