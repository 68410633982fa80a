import { randomUUID } from 'node:crypto';
import type { ImsopCallOptions, ImsopClient } from './client.js';
import { type ImsopError, Status, statusToImsopError } from './errors.js';
import { backoff, isResumable, type ResumeOptions } from './resume.js';
import { TrackingUpdate, type TrackingUpdateAck } from '../gen/imsop/shipments/v1/resources.js';

const METHOD = '/imsop.shipments.v1.TrackingService/StreamTrackingUpdates';

/** A tracking update as `send` takes it: any subset of TrackingUpdate's fields (`update_id` is generated when missing). */
export type TrackingUpdateInput = Parameters<typeof TrackingUpdate.fromPartial>[0];

export interface ScannerSessionOptions extends ResumeOptions {
  /** Most updates per stream message (default 50). */
  batchSize?: number;
  /** Most updates queued or awaiting their ack at once; `send` waits while this many are (default 500). */
  maxUnacknowledged?: number;
  /** Metadata for every stream the session opens (the client's credential is attached anyway). */
  metadata?: ImsopCallOptions['metadata'];
  /** Each update the server stored (or had stored before: `duplicate`), once. */
  onAck?: (ack: TrackingUpdateAck) => void;
  /** Each update the server refused (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION...); nothing was stored for it. */
  onRejected?: (update: TrackingUpdate, error: ImsopError) => void;
  /** Told before each reconnection: why, and how many updates are not acknowledged yet (they are re-sent). */
  onResume?: (error: ImsopError, unacknowledged: number) => void;
}

export interface ScannerSessionSummary {
  /** Updates stored, counting those stored before (duplicates). */
  acknowledged: number;
  /** Of those, updates the server already had (re-sent after a reconnect whose ack was lost). */
  duplicates: number;
  rejected: number;
  reconnections: number;
}

export interface ScannerSession {
  /**
   * Queues an update to stream. Backpressure: waits while `maxUnacknowledged` updates are
   * queued or awaiting their ack, so `await session.send(u)` in a loop never runs ahead of the
   * server. Resolves once queued (see `flush`); rejects once the session has failed or is closed.
   */
  send(update: TrackingUpdateInput): Promise<void>;
  /** Resolves once every update queued so far is acknowledged (stored or rejected). */
  flush(): Promise<void>;
  /** Acknowledges everything queued, ends the stream, and resolves with the totals. */
  close(): Promise<ScannerSessionSummary>;
  /** Updates queued or awaiting their ack. */
  readonly unacknowledged: number;
}

interface Entry {
  update: TrackingUpdate;
  /** Times the server answered it with a retryable error. */
  attempts: number;
}

/**
 * A scanner's connection: streams tracking updates (StreamTrackingUpdates) in batches, keeps
 * each until the server acknowledges it, and when the stream breaks (the server shutting down,
 * a dropped connection) reconnects and re-sends what has no ack yet, in order. The server
 * stores each update_id once, so nothing is lost or stored twice. Updates the server answers
 * with a retryable error (UNAVAILABLE, ABORTED) are sent again after a backoff.
 *
 * ```ts
 * const session = openScannerSession(imsop, { onAck: (ack) => console.log(ack.updateId, ack.sequence) });
 * for (const update of updates) await session.send(update);
 * console.log(await session.close());
 * ```
 */
export function openScannerSession(
  imsop: Pick<ImsopClient, 'tracking'>,
  options: ScannerSessionOptions = {},
): ScannerSession {
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const maxUnacknowledged = Math.max(1, options.maxUnacknowledged ?? 500);
  const maxAttempts = options.maxAttempts ?? 8;
  let unsent: Entry[] = [];
  let inFlight: Entry[] = [];
  /** Entries waiting out a backoff before being sent again. */
  let retrying = 0;
  let closing = false;
  let finished = false;
  let failure: unknown;
  const summary: ScannerSessionSummary = { acknowledged: 0, duplicates: 0, rejected: 0, reconnections: 0 };
  const unacknowledged = () => unsent.length + inFlight.length + retrying;

  // Every state change wakes whoever waits for one (senders, flushers, the request stream).
  let wake: () => void = () => {};
  let change = new Promise<void>((resolve) => (wake = resolve));
  const changed = () => {
    const resolve = wake;
    change = new Promise<void>((r) => (wake = r));
    resolve();
  };

  /** The requests of one connection: queued updates in batches; it stops when its connection ends. */
  async function* requests(connection: { ended: boolean }) {
    for (;;) {
      if (connection.ended) return;
      if (unsent.length > 0) {
        const batch = unsent.splice(0, batchSize);
        inFlight.push(...batch);
        yield { updates: batch.map((entry) => entry.update) };
        continue;
      }
      if (closing && retrying === 0) return; // half-close: the acks of what is in flight follow
      await change;
    }
  }

  function acknowledge(ack: TrackingUpdateAck): void {
    const index = inFlight.findIndex((entry) => entry.update.updateId === ack.updateId);
    if (index < 0) return;
    const [entry] = inFlight.splice(index, 1) as [Entry];
    if (!ack.error) {
      summary.acknowledged++;
      if (ack.duplicate) summary.duplicates++;
      options.onAck?.(ack);
      return;
    }
    const error = statusToImsopError(ack.error, METHOD);
    if ((error.code === Status.UNAVAILABLE || error.code === Status.ABORTED) && ++entry.attempts < maxAttempts) {
      retrying++;
      void backoff(entry.attempts, options)
        .catch(() => {}) // aborted: the session is failing anyway
        .then(() => {
          retrying--;
          unsent.push(entry);
          changed();
        });
      return;
    }
    summary.rejected++;
    options.onRejected?.(entry.update, error);
  }

  const run = async () => {
    let failures = 0;
    for (;;) {
      const connection = { ended: false };
      const stop = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
      let interruption: ImsopError | undefined;
      try {
        for await (const response of imsop.tracking.streamTrackingUpdates(requests(connection), {
          signal,
          metadata: options.metadata,
        })) {
          for (const ack of response.acks) acknowledge(ack);
          if (response.acks.length > 0) {
            failures = 0;
            changed();
          }
        }
        if (closing && unacknowledged() === 0) return;
      } catch (error) {
        if (!isResumable(error)) throw error;
        interruption = error;
      } finally {
        connection.ended = true;
        stop.abort();
      }
      // Broken (or ended with updates still to send, e.g. ones waiting to be retried): reconnect.
      if (++failures > maxAttempts)
        throw interruption ?? new Error('the tracking stream kept ending before every update was acknowledged');
      if (interruption) {
        summary.reconnections++;
        options.onResume?.(interruption, unacknowledged());
      }
      await backoff(failures, options);
      // What the broken stream had in flight goes first, in the order it was queued.
      unsent = [...inFlight, ...unsent];
      inFlight = [];
    }
  };
  const done = run().then(
    () => {
      finished = true;
      changed();
    },
    (error: unknown) => {
      failure = error;
      finished = true;
      changed();
    },
  );

  const fail = () => {
    if (failure !== undefined) throw failure;
  };

  return {
    async send(update) {
      if (closing) throw new Error('the scanner session is closed');
      while (unacknowledged() >= maxUnacknowledged && !finished) await change;
      fail();
      if (finished) throw new Error('the scanner session is closed');
      unsent.push({
        update: TrackingUpdate.fromPartial({ ...update, updateId: update.updateId || randomUUID() }),
        attempts: 0,
      });
      changed();
    },
    async flush() {
      while (unacknowledged() > 0 && !finished) await change;
      fail();
    },
    async close() {
      closing = true;
      changed();
      await done;
      fail();
      return { ...summary };
    },
    get unacknowledged() {
      return unacknowledged();
    },
  };
}
