import { ShipmentServiceService } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import { TrackingServiceService } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { thresholdLookbackDays } from '../platform/change-feed/threshold-lookback.js';
import { delayedShipmentsTask } from './delayed-shipments.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import { shipmentHandlers } from './shipment-handlers.js';
import { ShipmentService } from './shipment-service.js';
import type { ShipmentStockPort } from './stock-port.js';
import { trackingHandlers } from './tracking-handlers.js';
import { TrackingIngest } from './tracking-ingest.js';
import { TrackingPartitions, partitionMaintenanceTask } from './tracking-partitions.js';
import { TrackingService } from './tracking-service.js';

/**
 * The shipments domain's gRPC services. Stock moves through `stock`, which the composition root
 * wires to inventory and procurement (src/adapters/shipments-stock.ts).
 */
export function shipmentServices(app: AppContext, env: CallEnvironment, stock: ShipmentStockPort): BoundService[] {
  const partitions = new TrackingPartitions(app.db, app.logger);
  const record = { bus: app.bus, logger: app.logger, stock };
  const tracking = new TrackingService({ ...record, db: app.db, partitions, pageTokens: app.pageTokens });
  return [
    bindService(
      ShipmentServiceService,
      shipmentHandlers(new ShipmentService({ ...record, db: app.db, partitions, pageTokens: app.pageTokens })),
      env,
    ),
    bindService(
      TrackingServiceService,
      trackingHandlers({
        service: tracking,
        ingest: new TrackingIngest(app.db, partitions, record),
        db: app.db,
        bus: app.bus,
        stock,
        shuttingDown: env.shuttingDown,
        watchBufferEvents: app.config.STREAM_WATCH_BUFFER_EVENTS,
        feedBufferEvents: app.config.STREAM_FEED_BUFFER_EVENTS,
        backlogBytes: app.config.STREAM_SCANNER_BACKLOG_BYTES,
        ackWaitMs: app.config.STREAM_SCANNER_ACK_WAIT_MS,
      }),
      env,
    ),
  ];
}

/**
 * The shipments domain's background work: keeping next month's tracking partition ready, and
 * recording shipments that are past their expected delivery.
 */
export function shipmentBackgroundTasks(app: AppContext): BackgroundTask[] {
  return [
    partitionMaintenanceTask(new TrackingPartitions(app.db, app.logger), app.logger),
    delayedShipmentsTask(app, thresholdLookbackDays(app.config)),
  ];
}
