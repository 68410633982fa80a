/**
 * A small key/value cache with TTLs (cache-aside). Keys are tenant-prefixed by the caller
 * (`org:<id>:...`). Values are JSON-serialisable. Implementations: in-process LRU (one
 * instance) and Redis (shared by every instance, so an invalidation reaches all of them).
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /**
   * Atomically adds `by` (default 1; 0 just reads) to the counter at `key`, a missing key
   * counting from 0, and returns the new count with the time left until the counter
   * disappears. The window starts when the key is created and is not extended by later
   * increments (fixed-window rate limits).
   * @throws Error when the cache cannot be reached (callers decide whether to fail open).
   */
  increment(key: string, windowSeconds: number, by?: number): Promise<{ count: number; ttlMs: number }>;
  close(): Promise<void>;
}
