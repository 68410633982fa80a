import {
  ShipmentStatus,
  ShipmentType,
  type Shipment,
  type TrackingPoint,
} from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { SelectedRow, TableRow } from '../platform/db/table-row.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { formatEtag } from '../platform/etag.js';

/** Status and type as stored (the CHECK constraints of 0006 list the same values). */
export type StatusText = 'pending' | 'in_transit' | 'delivered' | 'exception' | 'cancelled';
export type TypeText = 'inbound' | 'outbound' | 'transfer';

const SHIPMENT_STATUS = enumMapping<StatusText, ShipmentStatus>(
  {
    pending: ShipmentStatus.SHIPMENT_STATUS_PENDING,
    in_transit: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
    delivered: ShipmentStatus.SHIPMENT_STATUS_DELIVERED,
    exception: ShipmentStatus.SHIPMENT_STATUS_EXCEPTION,
    cancelled: ShipmentStatus.SHIPMENT_STATUS_CANCELLED,
  },
  ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED,
);
const SHIPMENT_TYPE = enumMapping<TypeText, ShipmentType>(
  {
    inbound: ShipmentType.SHIPMENT_TYPE_INBOUND,
    outbound: ShipmentType.SHIPMENT_TYPE_OUTBOUND,
    transfer: ShipmentType.SHIPMENT_TYPE_TRANSFER,
  },
  ShipmentType.SHIPMENT_TYPE_UNSPECIFIED,
);

/** The stored form of a proto status; undefined for UNSPECIFIED and unknown numbers. */
export const statusFromProto = SHIPMENT_STATUS.fromProto;
export const typeFromProto = SHIPMENT_TYPE.fromProto;
export const statusToProto = SHIPMENT_STATUS.toProto;
export const typeToProto = SHIPMENT_TYPE.toProto;

/** The columns of `shipments` a Shipment is made of (never SELECT *). */
export const shipmentColumns = [
  'id',
  'type',
  'status',
  'carrier',
  'tracking_number',
  'origin_warehouse_id',
  'destination_warehouse_id',
  'purchase_order_id',
  'expected_ship_at',
  'expected_delivery_at',
  'shipped_at',
  'delivered_at',
  'status_reason',
  'last_sequence',
  'version',
  'created_at',
  'updated_at',
] as const;

export type ShipmentRow = SelectedRow<'shipments', typeof shipmentColumns>;

export type ItemRow = Pick<TableRow<'shipment_items'>, 'shipment_id' | 'product_id' | 'quantity'>;

export function toShipment(row: ShipmentRow, items: ItemRow[] = []): Shipment {
  return {
    id: row.id,
    type: typeToProto(row.type),
    status: statusToProto(row.status),
    carrier: row.carrier,
    trackingNumber: row.tracking_number ?? '',
    originWarehouseId: row.origin_warehouse_id ?? '',
    destinationWarehouseId: row.destination_warehouse_id ?? '',
    purchaseOrderId: row.purchase_order_id ?? '',
    items: items.map((i) => ({ productId: i.product_id, quantity: i.quantity })),
    expectedShipTime: row.expected_ship_at ?? undefined,
    expectedDeliveryTime: row.expected_delivery_at ?? undefined,
    shipTime: row.shipped_at ?? undefined,
    deliveryTime: row.delivered_at ?? undefined,
    statusReason: row.status_reason,
    lastSequence: row.last_sequence,
    createTime: row.created_at,
    updateTime: row.updated_at,
    etag: formatEtag(row.version),
  };
}

/** The columns of `shipment_tracking` a TrackingPoint is made of. */
export const pointColumns = [
  'shipment_id',
  'sequence',
  'update_id',
  'location',
  'latitude',
  'longitude',
  'event_time',
  'recorded_at',
  'status',
  'note',
] as const;

export type PointRow = SelectedRow<'shipment_tracking', typeof pointColumns>;

export function toTrackingPoint(row: PointRow): TrackingPoint {
  return {
    shipmentId: row.shipment_id,
    sequence: row.sequence,
    updateId: row.update_id ?? '',
    location: row.location,
    position:
      row.latitude === null || row.longitude === null
        ? undefined
        : { latitude: row.latitude, longitude: row.longitude },
    eventTime: row.event_time,
    recordTime: row.recorded_at,
    status: statusToProto(row.status),
    note: row.note,
  };
}
