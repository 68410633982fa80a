import type { TrackingPoint } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { WatchOrganizationFeedResponse } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import { sharedDecoder } from '../platform/bus/shared-decode.js';
import { asShipmentPoints, fromLivePoint, type LiveShipment } from './live-events.js';
import { statusToProto, toTrackingPoint, typeToProto } from './mappers.js';

/**
 * Live events as watchers write them, built once per bus message and shared by every watcher on
 * this instance (read-only): a slow watcher's buffer holds references to these, not copies.
 */

/** One live point of a shipment, ready to send. */
export interface SharedPoint {
  sequence: number;
  trackingPoint: TrackingPoint;
}

/** The points of a message on a shipment's channel (WatchShipment). */
export const sharedShipmentPoints = sharedDecoder((message): SharedPoint[] =>
  (asShipmentPoints(message)?.points ?? []).map((point) => ({
    sequence: point.sequence,
    trackingPoint: toTrackingPoint(fromLivePoint(point)),
  })),
);

/** One shipment's points in a feed message, as the responses every feed watcher writes. */
export interface SharedFeedBatch {
  /** The shipment's state after the points: what feed filters look at. */
  shipment: LiveShipment;
  responses: WatchOrganizationFeedResponse[];
}

/** The batches of a message on an organization's feed channel (WatchOrganizationFeed). */
export const sharedFeedBatches = sharedDecoder((message): SharedFeedBatch[] => {
  if (!Array.isArray(message)) return [];
  return message.flatMap((item) => {
    const batch = asShipmentPoints(item);
    if (!batch) return [];
    const shipment = toShipmentSummary(batch.shipment);
    return [
      {
        shipment: batch.shipment,
        responses: batch.points.map((point) => ({ shipment, trackingPoint: toTrackingPoint(fromLivePoint(point)) })),
      },
    ];
  });
});

function toShipmentSummary(s: LiveShipment): WatchOrganizationFeedResponse['shipment'] {
  return {
    id: s.id,
    type: typeToProto(s.type),
    status: statusToProto(s.status),
    carrier: s.carrier,
    trackingNumber: s.tracking_number ?? '',
    originWarehouseId: s.origin_warehouse_id ?? '',
    destinationWarehouseId: s.destination_warehouse_id ?? '',
    purchaseOrderId: '',
    items: [],
    statusReason: '',
    lastSequence: 0,
    etag: '',
    expectedShipTime: undefined,
    expectedDeliveryTime: undefined,
    shipTime: undefined,
    deliveryTime: undefined,
    createTime: undefined,
    updateTime: undefined,
  };
}
