import { requires, type Access } from '../platform/auth/access.js';

const PRODUCTS = '/imsop.inventory.v1.ProductService/';
const WAREHOUSES = '/imsop.inventory.v1.WarehouseService/';
const STOCK = '/imsop.inventory.v1.StockService/';

/** Access rules of imsop.inventory.v1 methods (merged into src/method-access.ts). */
export const INVENTORY_ACCESS: Record<string, Access> = {
  [`${PRODUCTS}CreateProduct`]: requires('inventory.products:write'),
  [`${PRODUCTS}GetProduct`]: requires('inventory.products:read'),
  [`${PRODUCTS}GetProductBySku`]: requires('inventory.products:read'),
  [`${PRODUCTS}ListProducts`]: requires('inventory.products:read'),
  [`${PRODUCTS}UpdateProduct`]: requires('inventory.products:write'),
  [`${PRODUCTS}ArchiveProduct`]: requires('inventory.products:write'),

  [`${WAREHOUSES}CreateWarehouse`]: requires('inventory.warehouses:write'),
  [`${WAREHOUSES}GetWarehouse`]: requires('inventory.warehouses:read'),
  [`${WAREHOUSES}ListWarehouses`]: requires('inventory.warehouses:read'),
  [`${WAREHOUSES}UpdateWarehouse`]: requires('inventory.warehouses:write'),
  [`${WAREHOUSES}DeactivateWarehouse`]: requires('inventory.warehouses:write'),

  [`${STOCK}GetStockLevel`]: requires('inventory.stock:read'),
  [`${STOCK}ListStockLevels`]: requires('inventory.stock:read'),
  [`${STOCK}GetProductInventory`]: requires('inventory.stock:read'),
  [`${STOCK}ListInventoryTransactions`]: requires('inventory.stock:read'),
  [`${STOCK}GetReservation`]: requires('inventory.stock:read'),
  [`${STOCK}ListReservations`]: requires('inventory.stock:read'),
  // Reorder points steer replenishment: a stock setting, not a catalogue one.
  [`${STOCK}UpdateStockLevel`]: requires('inventory.stock:write'),
  [`${STOCK}ReceiveStock`]: requires('inventory.stock:write'),
  [`${STOCK}IssueStock`]: requires('inventory.stock:write'),
  [`${STOCK}AdjustStock`]: requires('inventory.stock:write'),
  [`${STOCK}TransferStock`]: requires('inventory.stock:write'),
  // Fulfilling issues goods (on hand goes down), so it needs write, not just reserve.
  [`${STOCK}FulfillReservation`]: requires('inventory.stock:write'),
  [`${STOCK}ReserveStock`]: requires('inventory.stock:reserve'),
  [`${STOCK}ReleaseReservation`]: requires('inventory.stock:reserve'),
};
