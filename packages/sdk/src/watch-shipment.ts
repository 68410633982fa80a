import type { ImsopCallOptions, ImsopClient } from './client.js';
import type { ImsopError } from './errors.js';
import { backoff, isResumable, type ResumeOptions } from './resume.js';
import type { TrackingPoint } from '../gen/imsop/shipments/v1/resources.js';

export interface WatchShipmentOptions extends ResumeOptions {
  /** Metadata for every WatchShipment call (the client's credential is attached anyway). */
  metadata?: ImsopCallOptions['metadata'];
  /** Told before each reconnection: why, and the last sequence yielded (the watch resumes after it). */
  onResume?: (error: ImsopError, lastSequence: number) => void;
}

/**
 * A shipment's tracking points after `sinceSequence`, in order and each exactly once, then new
 * ones as they are stored, for as long as you iterate. The watch survives the ends a long watch
 * meets: the server shutting down (UNAVAILABLE SERVER_SHUTTING_DOWN, another instance takes
 * over), a dropped connection (UNAVAILABLE), reading too slowly (ABORTED WATCHER_TOO_SLOW): it
 * watches again from the last sequence yielded, after a backoff. A final error (NOT_FOUND,
 * PERMISSION_DENIED...) or `maxAttempts` reconnections in a row without a point are thrown.
 * Stop by leaving the loop or aborting `signal`.
 *
 * ```ts
 * for await (const point of watchShipment(imsop, { shipmentId })) console.log(point.sequence, point.location);
 * ```
 */
export async function* watchShipment(
  imsop: Pick<ImsopClient, 'tracking'>,
  request: { shipmentId: string; sinceSequence?: number },
  options: WatchShipmentOptions = {},
): AsyncGenerator<TrackingPoint, void, undefined> {
  let last = request.sinceSequence ?? 0;
  let failures = 0;
  for (;;) {
    try {
      const responses = imsop.tracking.watchShipment(
        { shipmentId: request.shipmentId, sinceSequence: last },
        { signal: options.signal, metadata: options.metadata },
      );
      for await (const { trackingPoint } of responses) {
        if (!trackingPoint || trackingPoint.sequence <= last) continue; // already yielded before a resumption
        last = trackingPoint.sequence;
        failures = 0;
        yield trackingPoint;
      }
      return;
    } catch (error) {
      if (!isResumable(error) || ++failures > (options.maxAttempts ?? 8)) throw error;
      options.onResume?.(error, last);
      await backoff(failures, options);
    }
  }
}
