/**
 * Live events waiting to be written to one watcher. Bounded: when a watcher's events pile up
 * past `max` (it reads slower than they arrive) the buffer drops everything and remembers that
 * it overflowed, and the watcher is ended with a status telling it where to resume. So a slow
 * client costs at most `max` events of memory, never an unbounded queue. An item may stand for
 * several events (a shared batch): it counts with its `weight`.
 */
export class BoundedBuffer<T> {
  #items: T[] = [];
  #weight = 0;
  #overflowed = false;
  #wake: (() => void) | undefined;
  readonly #overflow = new AbortController();

  constructor(readonly max: number) {}

  /** Aborts when the buffer overflows: lets a write stuck waiting for 'drain' give up at once. */
  get overflowSignal(): AbortSignal {
    return this.#overflow.signal;
  }

  push(item: T, weight = 1): void {
    if (this.#overflowed) return;
    if (this.#weight + weight > this.max) {
      this.#overflowed = true;
      this.#items = [];
      this.#weight = 0;
      this.#overflow.abort();
    } else {
      this.#items.push(item);
      this.#weight += weight;
    }
    this.#notify();
  }

  /** True once more than `max` events were waiting at the same time. Never resets. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Events waiting (the sum of the waiting items' weights). */
  get size(): number {
    return this.#weight;
  }

  /** Removes and returns everything buffered, oldest first. */
  takeAll(): T[] {
    const items = this.#items;
    this.#items = [];
    this.#weight = 0;
    return items;
  }

  /**
   * Resolves when something is buffered (or the buffer overflowed), when `timeoutMs` passes,
   * or when `signal` aborts: whichever comes first. Never rejects. One waiter at a time.
   */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#items.length > 0 || this.#overflowed || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  #notify(): void {
    this.#wake?.();
  }
}
