import { requires, type Access } from '../platform/auth/access.js';

const READ = requires('shipments.shipments:read');
const WRITE = requires('shipments.shipments:write');
// Scanners hold only this: they report points (and the statuses they witness, such as
// DELIVERED at the door) but cannot create shipments or read the organization's traffic.
const TRACK = requires('shipments.tracking:write');

/** Access rules of imsop.shipments.v1 methods (merged into src/method-access.ts). */
export const SHIPMENTS_ACCESS: Record<string, Access> = {
  '/imsop.shipments.v1.ShipmentService/CreateShipment': WRITE,
  '/imsop.shipments.v1.ShipmentService/GetShipment': READ,
  '/imsop.shipments.v1.ShipmentService/GetShipmentByTrackingNumber': READ,
  '/imsop.shipments.v1.ShipmentService/ListShipments': READ,
  '/imsop.shipments.v1.ShipmentService/UpdateShipmentStatus': WRITE,
  '/imsop.shipments.v1.TrackingService/StreamTrackingUpdates': TRACK,
  '/imsop.shipments.v1.TrackingService/RecordTrackingUpdate': TRACK,
  '/imsop.shipments.v1.TrackingService/ListTrackingPoints': READ,
  '/imsop.shipments.v1.TrackingService/WatchShipment': READ,
  '/imsop.shipments.v1.TrackingService/WatchOrganizationFeed': READ,
};
