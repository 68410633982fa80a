import type { RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import { caFromSettings } from './ca-certificate.js';

/**
 * ioredis options for REDIS_URL. `rediss://` is TLS, verified against REDIS_CA_FILE /
 * REDIS_CA_PEM when given (a managed Redis's own CA), else Node's public CA store.
 *
 * No offline queue: while Redis is unreachable a command fails at once, so the degraded mode
 * costs a cache miss, not a wait; callers add a commandTimeout for a Redis that hangs
 * (docs/decisions/0002-redis-commands-fail-fast.md).
 */
export function redisClientOptions(config: Pick<Config, 'REDIS_URL' | 'REDIS_CA_FILE' | 'REDIS_CA_PEM'>): RedisOptions {
  const ca = caFromSettings(
    { name: 'REDIS_CA_FILE', value: config.REDIS_CA_FILE },
    { name: 'REDIS_CA_PEM', value: config.REDIS_CA_PEM },
  );
  const tls = config.REDIS_URL?.startsWith('rediss:') ? { ...(ca ? { ca: ca.pem } : {}) } : undefined;
  return { enableOfflineQueue: false, maxRetriesPerRequest: 2, connectTimeout: 5_000, ...(tls ? { tls } : {}) };
}

/** `host:port` of a Redis URL, for log lines (never the password). */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}
