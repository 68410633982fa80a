import type { ServerWritableStream } from '@grpc/grpc-js';
import type { WatchShipmentRequest, WatchShipmentResponse } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import type { Bus } from '../platform/bus/bus.js';
import type { Database } from '../platform/db/database.js';
import { AppError, GrpcStatus } from '../platform/errors.js';
import type { AuthenticatedCallContext } from '../platform/grpc/call-context.js';
import { writeWithBackpressure } from '../platform/grpc/stream-writer.js';
import { Violations } from '../platform/validation.js';
import { BoundedBuffer } from './bounded-buffer.js';
import { shipmentChannel } from './live-events.js';
import { toTrackingPoint } from './mappers.js';
import { sharedShipmentPoints, type SharedPoint } from './shared-live-events.js';
import { findShipment, readPoints, shipmentNotFound } from './shipment-queries.js';
import { serverShuttingDown, watcherTooSlow } from './stream-endings.js';
import { linkedSignal } from '../platform/linked-signal.js';

const REPLAY_PAGE = 500;
/**
 * An idle watcher re-reads the database this often. The bus delivers at most once: a point
 * whose live event was lost is otherwise noticed only when the next point arrives (as a gap).
 */
const IDLE_POLL_MS = 10_000;
/**
 * While the bus is unreachable (Redis down) a watcher has no live events: it reads the database
 * this often instead, and tries to subscribe again each time.
 */
const DEGRADED_POLL_MS = 1_000;

export interface WatchDeps {
  db: Database;
  bus: Bus;
  /** Aborted when the server starts shutting down. */
  shuttingDown: AbortSignal;
  /** Live points one watcher may have waiting; past it the watcher is too slow and is ended. */
  watchBufferEvents: number;
}

/**
 * TrackingService.WatchShipment: replays the stored points after since_sequence, then streams
 * live ones, with no gap and no duplicate at the switch.
 *
 * How: subscribe to the shipment's live channel *first* and buffer what arrives; then replay
 * from the database; then drain the buffer in sequence order, skipping what the replay already
 * sent. A point committed during the replay is therefore either read by the replay or
 * buffered (usually both; the sequence decides). Because sequences have no holes, a live point
 * beyond last + 1 means an event is late or lost: the watcher then reads the missing ones from
 * the database (they are committed: a later sequence is only assigned after the earlier one's
 * transaction committed). Writes wait for the client (flow control); live points waiting
 * meanwhile are bounded by `watchBufferEvents`, past which the watch ends ABORTED
 * WATCHER_TOO_SLOW with the last sequence written. When the bus cannot be reached (Redis down)
 * the watch goes on from the database alone, polling it every DEGRADED_POLL_MS, and subscribes
 * again as soon as the bus answers.
 */
export async function watchShipment(
  request: WatchShipmentRequest,
  stream: ServerWritableStream<WatchShipmentRequest, WatchShipmentResponse>,
  ctx: AuthenticatedCallContext,
  deps: WatchDeps,
): Promise<void> {
  const v = new Violations().uuid('shipment_id', request.shipmentId);
  if (!Number.isSafeInteger(request.sinceSequence) || request.sinceSequence < 0)
    v.add('since_sequence', 'must not be negative');
  v.throwIfAny();
  const scope = ctx.tenant;
  const organizationId = scope.organizationId;
  const shipment = await deps.db.inTenant(scope, (work) => findShipment(work, request.shipmentId.toLowerCase()));
  if (!shipment) throw shipmentNotFound();

  // Points decoded once for every watcher of the shipment; the buffer holds references.
  const live = new BoundedBuffer<SharedPoint>(deps.watchBufferEvents);
  /** Subscribes to the live channel; undefined while the bus is unreachable (the watch then polls). */
  const subscribe = async () => {
    try {
      return await deps.bus.subscribe(shipmentChannel(organizationId, shipment.id), (message) => {
        for (const point of sharedShipmentPoints(message)) live.push(point);
      });
    } catch (error) {
      if (error instanceof AppError && error.code === GrpcStatus.UNAVAILABLE) return undefined;
      throw error;
    }
  };
  let unsubscribe = await subscribe();
  const linked = linkedSignal([ctx.cancellation.signal, deps.shuttingDown, live.overflowSignal]);
  const stop = linked.signal;
  let last = request.sinceSequence;

  const send = async (point: SharedPoint) => {
    const drained = writeWithBackpressure(stream, { trackingPoint: point.trackingPoint }, stop);
    last = point.sequence; // written: the client gets it before any status we end with
    await drained;
  };
  /** Sends everything stored after `last`, page by page. */
  const catchUp = async () => {
    for (;;) {
      const page = await deps.db.inTenant(scope, (work) => readPoints(work, shipment.id, last, REPLAY_PAGE));
      for (const row of page) await send({ sequence: Number(row.sequence), trackingPoint: toTrackingPoint(row) });
      if (page.length < REPLAY_PAGE || stop.aborted) return;
    }
  };

  try {
    await catchUp();
    while (!stop.aborted) {
      const events = live.takeAll().sort((a, b) => a.sequence - b.sequence);
      if (events.length === 0) {
        await live.wait(unsubscribe ? IDLE_POLL_MS : DEGRADED_POLL_MS, stop);
        if (stop.aborted || live.size > 0) continue;
        // Subscribed first, read second: whatever commits after the read arrives live.
        unsubscribe ??= await subscribe();
        await catchUp();
        continue;
      }
      for (const point of events) {
        if (point.sequence <= last) continue;
        if (point.sequence === last + 1) await send(point);
        else await catchUp();
      }
    }
  } catch (error) {
    if (!stop.aborted) throw error;
  } finally {
    linked.release();
    await unsubscribe?.();
  }
  if (ctx.cancellation.aborted) return;
  if (live.overflowed) throw watcherTooSlow(last);
  throw serverShuttingDown(last);
}
