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
  close(): Promise<void>;
}
