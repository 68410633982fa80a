// Message and enum types of imsop.inventory.v1, for SDK users.
export * from '../../gen/imsop/inventory/v1/product_service.js';
export * from '../../gen/imsop/inventory/v1/resources.js';
export * from '../../gen/imsop/inventory/v1/stock_service.js';
export * from '../../gen/imsop/inventory/v1/warehouse_service.js';
