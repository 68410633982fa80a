import { CycleCountServiceService } from '../../gen/ts/imsop/inventory/v1/cycle_count_service.js';
import { LocationServiceService } from '../../gen/ts/imsop/inventory/v1/location_service.js';
import { LotServiceService } from '../../gen/ts/imsop/inventory/v1/lot_service.js';
import { ProductServiceService } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import { StockServiceService } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { WarehouseServiceService } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import {
  cycleCountHandlers,
  locationHandlers,
  lotHandlers,
  productHandlers,
  stockHandlers,
  warehouseHandlers,
} from './handlers.js';
import { CycleCounts } from './cycle-counts.js';
import { ExpiringLots } from './expiring-lots.js';
import type { InboundStockPort } from './inbound-port.js';
import { LedgerHistory } from './ledger-history.js';
import { LocationDirectory } from './locations.js';
import { lotExpiryTask } from './lot-expiry.js';
import { LotTrace } from './lot-trace.js';
import { LotRegistry } from './lots.js';
import { ProductCatalog } from './product-catalog.js';
import { SerialNumbers } from './serial-numbers.js';
import { reservationExpiryTask } from './reservation-expiry.js';
import { StockLevels } from './stock-levels.js';
import { StockMovements } from './stock-movements.js';
import { StockReservations } from './stock-reservations.js';
import { noTraceSources, type TraceSources } from './trace-sources.js';
import { WarehouseDirectory } from './warehouse-directory.js';

/** The inventory domain's gRPC services. */
export function inventoryServices(
  app: AppContext,
  env: CallEnvironment,
  inbound: InboundStockPort,
  traceSources: TraceSources = noTraceSources,
): BoundService[] {
  const products = new ProductCatalog(app);
  return [
    bindService(ProductServiceService, productHandlers(products), env),
    bindService(WarehouseServiceService, warehouseHandlers(new WarehouseDirectory(app)), env),
    bindService(
      StockServiceService,
      stockHandlers({
        levels: new StockLevels(app, inbound),
        movements: new StockMovements(app),
        reservations: new StockReservations(app),
        ledger: new LedgerHistory(app),
      }),
      env,
    ),
    bindService(LocationServiceService, locationHandlers(new LocationDirectory(app)), env),
    bindService(
      LotServiceService,
      lotHandlers({
        lots: new LotRegistry(app),
        expiring: new ExpiringLots(app),
        trace: new LotTrace(app, traceSources),
        serials: new SerialNumbers(app),
      }),
      env,
    ),
    bindService(CycleCountServiceService, cycleCountHandlers(new CycleCounts(app)), env),
  ];
}

/** The inventory domain's background work: expiring reservations, and lots (their stock to hold). */
export function inventoryBackgroundTasks(app: AppContext): BackgroundTask[] {
  return [reservationExpiryTask(app), lotExpiryTask(app)];
}
