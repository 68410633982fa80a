import type { Incoming } from './tracking-stream-messages.js';

/** An update waiting in a stream's backlog. */
export interface Received extends Incoming {
  /** Its share of the request's size on the wire: what it costs in memory while it waits. */
  bytes: number;
}

/**
 * Updates a scanner stream received but has not stored yet, bounded in count and in bytes.
 * When full the stream stops reading (HTTP/2 flow control then holds the scanner back), and
 * reads again once it is half empty. The byte bound matters as much as the count: one request
 * may carry a few large updates or many small ones.
 */
export class ScannerBacklog {
  #items: Received[] = [];
  #bytes = 0;

  constructor(
    readonly maxUpdates: number,
    readonly maxBytes: number,
  ) {}

  /** Queues the updates of one request of `bytes` on the wire. */
  add(updates: Incoming[], bytes: number): void {
    const share = updates.length > 0 ? bytes / updates.length : 0;
    for (const incoming of updates) this.#items.push({ ...incoming, bytes: share });
    this.#bytes += share * updates.length;
  }

  /** Removes and returns up to `max` updates, oldest first. */
  take(max: number): Received[] {
    const taken = this.#items.splice(0, max);
    for (const item of taken) this.#bytes -= item.bytes;
    if (this.#items.length === 0) this.#bytes = 0; // no drift from fractional shares
    return taken;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Time to stop reading. */
  get full(): boolean {
    return this.#items.length >= this.maxUpdates || this.#bytes >= this.maxBytes;
  }

  /** Room enough to read again (half empty: not flapping on every update). */
  get roomy(): boolean {
    return this.#items.length < this.maxUpdates / 2 && this.#bytes < this.maxBytes / 2;
  }
}
