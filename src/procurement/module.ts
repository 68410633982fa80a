import { PurchaseOrderServiceService } from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { SupplierServiceService } from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { thresholdLookbackDays } from '../platform/change-feed/threshold-lookback.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import type { InventoryPort } from './inventory-port.js';
import { lateOrdersTask } from './late-orders.js';
import { purchaseOrderHandlers } from './purchase-order-handlers.js';
import { PurchaseOrderService } from './purchase-order-service.js';
import { ReceivingService } from './receiving.js';
import { supplierHandlers } from './supplier-handlers.js';
import { SupplierService } from './supplier-service.js';

/**
 * The procurement domain's gRPC services. Products and stock are inventory's, reached through
 * `inventory`, which the composition root wires (src/adapters/procurement-inventory.ts).
 */
export function procurementServices(app: AppContext, env: CallEnvironment, inventory: InventoryPort): BoundService[] {
  return [
    bindService(SupplierServiceService, supplierHandlers(new SupplierService(app.db, app.pageTokens)), env),
    bindService(
      PurchaseOrderServiceService,
      purchaseOrderHandlers(
        new PurchaseOrderService(app.db, inventory, app.pageTokens),
        new ReceivingService(app.db, inventory, app.pageTokens),
      ),
      env,
    ),
  ];
}

/** Procurement's background work: recording purchase orders that went late. */
export function procurementBackgroundTasks(app: AppContext): BackgroundTask[] {
  return [lateOrdersTask(app, thresholdLookbackDays(app.config))];
}
