import type { Redis } from 'ioredis';
import type { Counters } from './counters.js';

/**
 * Counters in Redis, shared by every instance, under their own key prefix. Every counter has a
 * TTL (its window), so with a `volatile-*` or `allkeys-*` maxmemory policy Redis may still evict
 * one under memory pressure, which resets that window early: size Redis so it does not evict
 * (see the README).
 */
export class RedisCounters implements Counters {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'imsop:counters:',
  ) {}

  async increment(key: string, windowSeconds: number, by = 1): Promise<{ count: number; ttlMs: number }> {
    // One script, so the count and its expiry change together (no counter left without a TTL).
    const [count, ttlMs] = (await this.redis.eval(
      INCREMENT,
      1,
      this.prefix + key,
      Math.round(windowSeconds * 1000),
      by,
    )) as [number, number];
    return { count, ttlMs: Math.max(0, ttlMs) };
  }

  async decrement(key: string, by = 1): Promise<void> {
    await this.redis.eval(DECREMENT, 1, this.prefix + key, by);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {}
}

const INCREMENT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

// DECRBY keeps the key's TTL; a missing key (window over) stays missing.
const DECREMENT = `
local n = tonumber(redis.call('GET', KEYS[1]))
if n and n > 0 then redis.call('DECRBY', KEYS[1], math.min(n, tonumber(ARGV[1]))) end
return 0`;
