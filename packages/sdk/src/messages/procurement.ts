// Message and enum types of imsop.procurement.v1, for SDK users.
export * from '../../gen/imsop/procurement/v1/purchase_order_service.js';
export * from '../../gen/imsop/procurement/v1/resources.js';
export * from '../../gen/imsop/procurement/v1/supplier_service.js';
