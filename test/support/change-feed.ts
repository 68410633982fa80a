import { isImsopError, type ImsopClient, type ImsopError } from './sdk.js';
import type { ChangeEvent } from '../../gen/ts/imsop/events/v1/change_event.js';

type WatchRequest = Parameters<ImsopClient['changes']['watchChanges']>[0];

/**
 * A WatchChanges call consumed in the background: the events it got, in order, and how it ended.
 * `established` resolves at the watch's first (empty) message, after which nothing committed is missed.
 */
export class FeedWatcher {
  readonly events: ChangeEvent[] = [];
  error: ImsopError | undefined;
  ended = false;
  readonly established: Promise<void>;
  readonly #abort = new AbortController();
  readonly done: Promise<void>;

  constructor(imsop: ImsopClient, request: WatchRequest = {}) {
    let establish!: () => void;
    this.established = new Promise((resolve) => (establish = resolve));
    this.done = (async () => {
      try {
        for await (const response of imsop.changes.watchChanges(request, { signal: this.#abort.signal })) {
          establish();
          this.events.push(...response.events);
        }
      } catch (error) {
        if (isImsopError(error)) this.error = error;
        else if (!this.#abort.signal.aborted) throw error;
      } finally {
        this.ended = true;
        establish();
      }
    })();
  }

  /** The events of one event type. */
  ofType(eventType: string): ChangeEvent[] {
    return this.events.filter((e) => e.eventType === eventType);
  }

  /** Resolves once `what` holds of the events received; fails after `timeoutMs`. */
  async until(what: (events: ChangeEvent[]) => boolean, label: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!what(this.events)) {
      if (this.ended) throw new Error(`watch ended (${this.error?.reason ?? 'OK'}) before ${label}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves once an event about `resourceId` of `eventType` arrived; returns it. */
  async next(eventType: string, resourceId?: string): Promise<ChangeEvent> {
    const match = (e: ChangeEvent) =>
      e.eventType === eventType && (resourceId === undefined || e.resourceId === resourceId);
    await this.until((events) => events.some(match), `${eventType} ${resourceId ?? ''}`);
    return this.events.find(match)!;
  }

  close(): Promise<void> {
    this.#abort.abort();
    return this.done;
  }
}

let markers = 0;

/**
 * Writes a marker change (a new warehouse) and waits until `watcher` has it: every event committed
 * before the marker and visible to the watcher has arrived by then (the feed is in commit order).
 */
export async function syncWith(watcher: FeedWatcher, imsop: ImsopClient): Promise<void> {
  const { warehouse } = await imsop.warehouses.createWarehouse({
    warehouse: { code: `MARK${process.pid}${++markers}`, name: 'Marker' },
  });
  await watcher.next('warehouse.created', warehouse!.id);
}
