import { LRUCache } from 'lru-cache';
import type { Cache } from './cache.js';

/** In-process cache for the single-instance (embedded) mode. Values are copied on the way in and out. */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  readonly #lru: LRUCache<string, string>;

  constructor(maxEntries = 50_000) {
    this.#lru = new LRUCache<string, string>({ max: maxEntries, ttlAutopurge: false });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.#lru.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.#lru.set(key, JSON.stringify(value), { ttl: ttlSeconds * 1000 });
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) this.#lru.delete(key);
  }

  async close(): Promise<void> {
    this.#lru.clear();
  }
}
