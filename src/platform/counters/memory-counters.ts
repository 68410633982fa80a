import { LRUCache } from 'lru-cache';
import type { Counters } from './counters.js';

/**
 * In-process counters for the single-instance (embedded) mode: a bounded map of their own. Ended
 * windows drop out by their TTL; only when `maxCounters` are live at once does the counter
 * touched longest ago go, and never because of cached reads.
 */
export class MemoryCounters implements Counters {
  readonly kind = 'memory' as const;
  // The value is a mutable box, so counting never rewrites the entry (or resets its TTL).
  readonly #windows: LRUCache<string, { count: number }>;

  constructor(maxCounters = 100_000) {
    this.#windows = new LRUCache<string, { count: number }>({ max: maxCounters, ttlAutopurge: false });
  }

  async increment(key: string, windowSeconds: number, by = 1): Promise<{ count: number; ttlMs: number }> {
    // Synchronous read-modify-write: atomic within the one process these counters serve.
    const window = this.#windows.get(key);
    if (!window) {
      this.#windows.set(key, { count: by }, { ttl: windowSeconds * 1000 });
      return { count: by, ttlMs: windowSeconds * 1000 };
    }
    window.count += by;
    return { count: window.count, ttlMs: Math.max(0, this.#windows.getRemainingTTL(key)) };
  }

  async decrement(key: string, by = 1): Promise<void> {
    const window = this.#windows.get(key);
    if (window) window.count = Math.max(0, window.count - by);
  }

  async delete(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }
}
