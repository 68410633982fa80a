import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Cache } from './cache.js';

/**
 * Redis-backed cache shared by all instances. A cache failure never fails a request: reads
 * miss and the caller goes to PostgreSQL (degraded mode, logged). A failed invalidation is
 * rethrown, because serving a stale value after a change would be wrong.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly prefix = 'imsop:cache:',
  ) {}

  /** True while the connection is ready (for the `imsop_redis_up` gauge). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await this.redis.get(this.prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'cache read failed; serving from the database');
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, Math.round(ttlSeconds)));
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'cache write failed');
    }
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async close(): Promise<void> {}
}
