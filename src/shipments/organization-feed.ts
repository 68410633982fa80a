import type { ServerWritableStream } from '@grpc/grpc-js';
import { ShipmentStatus } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type {
  WatchOrganizationFeedRequest,
  WatchOrganizationFeedResponse,
} from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import type { Bus } from '../platform/bus/bus.js';
import type { Database } from '../platform/db/database.js';
import type { AuthenticatedCallContext } from '../platform/grpc/call-context.js';
import { writeWithBackpressure } from '../platform/grpc/stream-writer.js';
import { Violations } from '../platform/validation.js';
import { BoundedBuffer } from './bounded-buffer.js';
import { feedChannel, type LiveShipment } from './live-events.js';
import { statusFromProto, type StatusText } from './mappers.js';
import { sharedFeedBatches, type SharedFeedBatch } from './shared-live-events.js';
import type { ShipmentStockPort } from './stock-port.js';
import { serverShuttingDown, watcherTooSlow } from './stream-endings.js';
import { linkedSignal } from '../platform/linked-signal.js';

export interface FeedDeps {
  db: Database;
  bus: Bus;
  /** Warehouses are inventory's: a filter's warehouse is checked through the stock port. */
  stock: Pick<ShipmentStockPort, 'requireWarehouse'>;
  /** Aborted when the server starts shutting down. */
  shuttingDown: AbortSignal;
  /**
   * Events one feed watcher may have waiting. Larger than a single shipment's watch: a busy
   * organization's feed carries every scanner's points.
   */
  feedBufferEvents: number;
}

/**
 * TrackingService.WatchOrganizationFeed: the organization's tracking points and status changes
 * as they are committed (on any instance), filtered by the shipment's status after the event
 * and by warehouse. Live only: dashboards load current state with ListShipments first. Flow
 * control and the slow-watcher bound work as in WatchShipment.
 */
export async function watchOrganizationFeed(
  request: WatchOrganizationFeedRequest,
  stream: ServerWritableStream<WatchOrganizationFeedRequest, WatchOrganizationFeedResponse>,
  ctx: AuthenticatedCallContext,
  deps: FeedDeps,
): Promise<void> {
  const v = new Violations().uuid('warehouse_id', request.warehouseId, false);
  const statuses = new Set<StatusText>();
  request.statuses.forEach((s, i) => {
    const text = s === ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED ? undefined : statusFromProto(s);
    if (text) statuses.add(text);
    else v.add(`statuses[${i}]`, 'is not a known shipment status');
  });
  v.throwIfAny();
  const warehouseId = request.warehouseId.toLowerCase();
  const matches = (s: LiveShipment) =>
    (statuses.size === 0 || statuses.has(s.status as StatusText)) &&
    (!warehouseId || s.origin_warehouse_id === warehouseId || s.destination_warehouse_id === warehouseId);

  const scope = ctx.tenant;
  const { organizationId } = scope;
  // A filter naming another organization's (or no) warehouse is NOT_FOUND, like any reference.
  if (warehouseId) await deps.db.inTenant(scope, (work) => deps.stock.requireWarehouse(work, warehouseId));
  // Batches decoded once for every watcher of the organization; the buffer holds references.
  const live = new BoundedBuffer<SharedFeedBatch>(deps.feedBufferEvents);
  const unsubscribe = await deps.bus.subscribe(feedChannel(organizationId), (message) => {
    for (const batch of sharedFeedBatches(message))
      if (matches(batch.shipment)) live.push(batch, batch.responses.length);
  });
  const linked = linkedSignal([ctx.cancellation.signal, deps.shuttingDown, live.overflowSignal]);
  const stop = linked.signal;
  try {
    while (!stop.aborted) {
      await live.wait(60_000, stop);
      for (const batch of live.takeAll()) {
        for (const response of batch.responses) await writeWithBackpressure(stream, response, stop);
      }
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  } finally {
    linked.release();
    await unsubscribe();
  }
  if (ctx.cancellation.aborted) return;
  if (live.overflowed) throw watcherTooSlow();
  throw serverShuttingDown();
}
