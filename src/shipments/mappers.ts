import { ShipmentStatus, ShipmentType, type Shipment, type TrackingPoint } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { SelectedRow, TableRow } from '../platform/db/table-row.js';
import { formatEtag } from '../platform/etag.js';

/** Status and type as stored (the CHECK constraints of 0006 list the same values). */
export type StatusText = 'pending' | 'in_transit' | 'delivered' | 'exception' | 'cancelled';
export type TypeText = 'inbound' | 'outbound' | 'transfer';

const STATUS_TO_PROTO: Record<StatusText, ShipmentStatus> = {
  pending: ShipmentStatus.SHIPMENT_STATUS_PENDING,
  in_transit: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
  delivered: ShipmentStatus.SHIPMENT_STATUS_DELIVERED,
  exception: ShipmentStatus.SHIPMENT_STATUS_EXCEPTION,
  cancelled: ShipmentStatus.SHIPMENT_STATUS_CANCELLED,
};
const TYPE_TO_PROTO: Record<TypeText, ShipmentType> = {
  inbound: ShipmentType.SHIPMENT_TYPE_INBOUND,
  outbound: ShipmentType.SHIPMENT_TYPE_OUTBOUND,
  transfer: ShipmentType.SHIPMENT_TYPE_TRANSFER,
};
const STATUS_FROM_PROTO = new Map(Object.entries(STATUS_TO_PROTO).map(([k, v]) => [v, k as StatusText]));
const TYPE_FROM_PROTO = new Map(Object.entries(TYPE_TO_PROTO).map(([k, v]) => [v, k as TypeText]));

/** The stored form of a proto status; undefined for UNSPECIFIED and unknown numbers. */
export const statusFromProto = (status: ShipmentStatus): StatusText | undefined => STATUS_FROM_PROTO.get(status);
export const typeFromProto = (type: ShipmentType): TypeText | undefined => TYPE_FROM_PROTO.get(type);
export const statusToProto = (status: string | null): ShipmentStatus =>
  status ? (STATUS_TO_PROTO[status as StatusText] ?? ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED) : ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED;
export const typeToProto = (type: string): ShipmentType => TYPE_TO_PROTO[type as TypeText] ?? ShipmentType.SHIPMENT_TYPE_UNSPECIFIED;

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
    position: row.latitude === null || row.longitude === null ? undefined : { latitude: row.latitude, longitude: row.longitude },
    eventTime: row.event_time,
    recordTime: row.recorded_at,
    status: statusToProto(row.status),
    note: row.note,
  };
}
