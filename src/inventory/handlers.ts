import type { ProductServiceService } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import type { StockServiceService } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { WarehouseServiceService } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import { tenantOf } from '../platform/grpc/call-context.js';
import type { LedgerHistory } from './ledger-history.js';
import type { ProductCatalog } from './product-catalog.js';
import type { StockLevels } from './stock-levels.js';
import type { StockMovements } from './stock-movements.js';
import type { StockReservations } from './stock-reservations.js';
import type { WarehouseDirectory } from './warehouse-directory.js';

/**
 * imsop.inventory.v1 handlers: the tenant comes from the caller's credentials (never from the
 * request), everything else is the domain services' work.
 */

export function productHandlers(products: ProductCatalog): ServiceHandlers<typeof ProductServiceService> {
  return {
    createProduct: (request, ctx) => products.create(tenantOf(ctx), request),
    getProduct: (request, ctx) => products.get(tenantOf(ctx), request),
    getProductBySku: (request, ctx) => products.getBySku(tenantOf(ctx), request),
    listProducts: (request, ctx) => products.list(tenantOf(ctx), request),
    updateProduct: (request, ctx) => products.update(tenantOf(ctx), request),
    archiveProduct: (request, ctx) => products.archive(tenantOf(ctx), request),
  };
}

export function warehouseHandlers(warehouses: WarehouseDirectory): ServiceHandlers<typeof WarehouseServiceService> {
  return {
    createWarehouse: (request, ctx) => warehouses.create(tenantOf(ctx), request),
    getWarehouse: (request, ctx) => warehouses.get(tenantOf(ctx), request),
    listWarehouses: (request, ctx) => warehouses.list(tenantOf(ctx), request),
    updateWarehouse: (request, ctx) => warehouses.update(tenantOf(ctx), request),
    deactivateWarehouse: (request, ctx) => warehouses.deactivate(tenantOf(ctx), request),
  };
}

export function stockHandlers(s: {
  levels: StockLevels;
  movements: StockMovements;
  reservations: StockReservations;
  ledger: LedgerHistory;
}): ServiceHandlers<typeof StockServiceService> {
  return {
    getStockLevel: (request, ctx) => s.levels.get(tenantOf(ctx), request),
    listStockLevels: (request, ctx) => s.levels.list(tenantOf(ctx), request),
    getProductInventory: (request, ctx) => s.levels.productInventory(tenantOf(ctx), request),
    updateStockLevel: (request, ctx) => s.levels.update(tenantOf(ctx), request),
    receiveStock: (request, ctx) => s.movements.receive(tenantOf(ctx), request),
    issueStock: (request, ctx) => s.movements.issue(tenantOf(ctx), request),
    adjustStock: (request, ctx) => s.movements.adjust(tenantOf(ctx), request),
    transferStock: (request, ctx) => s.movements.transfer(tenantOf(ctx), request),
    reserveStock: (request, ctx) => s.reservations.reserve(tenantOf(ctx), request),
    releaseReservation: (request, ctx) => s.reservations.release(tenantOf(ctx), request),
    fulfillReservation: (request, ctx) => s.reservations.fulfill(tenantOf(ctx), request),
    getReservation: (request, ctx) => s.reservations.get(tenantOf(ctx), request),
    listReservations: (request, ctx) => s.reservations.list(tenantOf(ctx), request),
    listInventoryTransactions: (request, ctx) => s.ledger.list(tenantOf(ctx), request),
  };
}
