import type { CycleCountServiceService } from '../../gen/ts/imsop/inventory/v1/cycle_count_service.js';
import type { LocationServiceService } from '../../gen/ts/imsop/inventory/v1/location_service.js';
import type { LotServiceService } from '../../gen/ts/imsop/inventory/v1/lot_service.js';
import type { ProductServiceService } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import type { StockServiceService } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { WarehouseServiceService } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { CycleCounts } from './cycle-counts.js';
import type { ExpiringLots } from './expiring-lots.js';
import type { LedgerHistory } from './ledger-history.js';
import type { LocationDirectory } from './locations.js';
import type { LotTrace } from './lot-trace.js';
import type { LotRegistry } from './lots.js';
import type { ProductCatalog } from './product-catalog.js';
import type { SerialNumbers } from './serial-numbers.js';
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
    createProduct: (request, ctx) => products.create(ctx.tenant, request),
    getProduct: (request, ctx) => products.get(ctx.tenant, request),
    getProductBySku: (request, ctx) => products.getBySku(ctx.tenant, request),
    listProducts: (request, ctx) => products.list(ctx.tenant, request),
    updateProduct: (request, ctx) => products.update(ctx.tenant, request),
    archiveProduct: (request, ctx) => products.archive(ctx.tenant, request),
  };
}

export function warehouseHandlers(warehouses: WarehouseDirectory): ServiceHandlers<typeof WarehouseServiceService> {
  return {
    createWarehouse: (request, ctx) => warehouses.create(ctx.tenant, request),
    getWarehouse: (request, ctx) => warehouses.get(ctx.tenant, request),
    listWarehouses: (request, ctx) => warehouses.list(ctx.tenant, request),
    updateWarehouse: (request, ctx) => warehouses.update(ctx.tenant, request),
    deactivateWarehouse: (request, ctx) => warehouses.deactivate(ctx.tenant, request),
  };
}

export function stockHandlers(s: {
  levels: StockLevels;
  movements: StockMovements;
  reservations: StockReservations;
  ledger: LedgerHistory;
}): ServiceHandlers<typeof StockServiceService> {
  return {
    getStockLevel: (request, ctx) => s.levels.get(ctx.tenant, request),
    listStockLevels: (request, ctx) => s.levels.list(ctx.tenant, request),
    getProductInventory: (request, ctx) => s.levels.productInventory(ctx.tenant, request),
    updateStockLevel: (request, ctx) => s.levels.update(ctx.tenant, request),
    receiveStock: (request, ctx) => s.movements.receive(ctx.tenant, request),
    issueStock: (request, ctx) => s.movements.issue(ctx.tenant, request),
    adjustStock: (request, ctx) => s.movements.adjust(ctx.tenant, request),
    transferStock: (request, ctx) => s.movements.transfer(ctx.tenant, request),
    reserveStock: (request, ctx) => s.reservations.reserve(ctx.tenant, request, ctx.cancellation),
    releaseReservation: (request, ctx) => s.reservations.release(ctx.tenant, request),
    fulfillReservation: (request, ctx) => s.reservations.fulfill(ctx.tenant, request),
    getReservation: (request, ctx) => s.reservations.get(ctx.tenant, request),
    listReservations: (request, ctx) => s.reservations.list(ctx.tenant, request),
    listInventoryTransactions: (request, ctx) => s.ledger.list(ctx.tenant, request),
    moveStock: (request, ctx) => s.movements.move(ctx.tenant, request),
    listStockBalances: (request, ctx) => s.levels.balances(ctx.tenant, request),
  };
}

export function locationHandlers(locations: LocationDirectory): ServiceHandlers<typeof LocationServiceService> {
  return {
    createLocation: (request, ctx) => locations.create(ctx.tenant, request),
    getLocation: (request, ctx) => locations.get(ctx.tenant, request),
    listLocations: (request, ctx) => locations.list(ctx.tenant, request),
    deactivateLocation: (request, ctx) => locations.deactivate(ctx.tenant, request),
  };
}

export function lotHandlers(s: {
  lots: LotRegistry;
  expiring: ExpiringLots;
  trace: LotTrace;
  serials: SerialNumbers;
}): ServiceHandlers<typeof LotServiceService> {
  return {
    createLot: (request, ctx) => s.lots.create(ctx.tenant, request),
    getLot: (request, ctx) => s.lots.get(ctx.tenant, request),
    listLots: (request, ctx) => s.lots.list(ctx.tenant, request),
    listExpiringLots: (request, ctx) => s.expiring.list(ctx.tenant, request),
    traceLot: (request, ctx) => s.trace.trace(ctx.tenant, request),
    listSerialNumbers: (request, ctx) => s.serials.list(ctx.tenant, request),
    getSerialNumberHistory: (request, ctx) => s.serials.history(ctx.tenant, request),
  };
}

export function cycleCountHandlers(counts: CycleCounts): ServiceHandlers<typeof CycleCountServiceService> {
  return {
    startCycleCount: (request, ctx) => counts.start(ctx.tenant, request),
    recordCycleCountEntries: (request, ctx) => counts.record(ctx.tenant, request),
    postCycleCount: (request, ctx) => counts.post(ctx.tenant, request),
    getCycleCount: (request, ctx) => counts.get(ctx.tenant, request),
  };
}
