/**
 * The shipments domain's public face: its services, the stock port it needs, and its delivery
 * and tracking history and archive moves for analytics' adapters.
 */
export { deliveriesBetween, trackingPointsRecordedBetween } from './delivery-facts.js';
export { inTransitByWarehouse } from './in-transit.js';
export { shipmentBackgroundTasks, shipmentServices } from './module.js';
export type { ShipmentStockPort, StockLine } from './stock-port.js';
export { archiveTrackingPoints } from './tracking-archive.js';
export { shipmentIdsAmong } from './shipment-ids.js';
