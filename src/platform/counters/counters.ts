/**
 * Fixed-window counters for rate limits (sign-in throttling). Kept apart from the read cache on
 * purpose: the cache evicts whatever was least recently read, so a tenant reading many rows
 * would flush the counters and reset everyone's limits. Implementations: in-process (one
 * instance) and Redis (shared by every instance, so limits hold across replicas).
 */
export interface Counters {
  readonly kind: 'memory' | 'redis';
  /**
   * Atomically adds `by` (default 1) to the counter at `key`, a missing or expired one counting
   * from 0, and returns the new count with the time left in its window. The window starts when
   * the counter is created and is not extended by later increments.
   * @throws Error when the store cannot be reached (callers decide whether to fail open).
   */
  increment(key: string, windowSeconds: number, by?: number): Promise<{ count: number; ttlMs: number }>;
  /**
   * Takes `by` (default 1) back from a counter still in its window, never below 0; a no-op once
   * the window has ended (a refund must not count against the next window).
   */
  decrement(key: string, by?: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
