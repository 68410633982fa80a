// Message and enum types of imsop.shipments.v1, for SDK users.
export * from '../../gen/imsop/shipments/v1/resources.js';
export * from '../../gen/imsop/shipments/v1/shipment_service.js';
export * from '../../gen/imsop/shipments/v1/tracking_service.js';
