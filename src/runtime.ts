import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { syncPermissionCatalogue } from './identity/permission-catalogue.js';
import type { AppContext } from './platform/app-context.js';
import type { Bus } from './platform/bus/bus.js';
import { MemoryBus } from './platform/bus/memory-bus.js';
import { RedisBus } from './platform/bus/redis-bus.js';
import type { Cache } from './platform/cache/cache.js';
import { MemoryCache } from './platform/cache/memory-cache.js';
import { RedisCache } from './platform/cache/redis-cache.js';
import type { Counters } from './platform/counters/counters.js';
import { MemoryCounters } from './platform/counters/memory-counters.js';
import { RedisCounters } from './platform/counters/redis-counters.js';
import { Database } from './platform/db/database.js';
import { startEmbeddedPostgres } from './platform/db/embedded.js';
import { appConnectionString, migrate, OWNER_ROLE, type MigrationResult } from './platform/db/migrate.js';
import type { Logger } from './platform/logger.js';
import { pageTokenSecrets } from './platform/page-token-secret.js';
import { PageTokens } from './platform/page-tokens.js';

/** Where the database is and how to reach it as admin (migrations, CLI) and as the app. */
export interface DatabaseTarget {
  mode: 'embedded' | 'external';
  adminUrl: string;
  appPassword: string;
  /** Stops the embedded server; a no-op for an external database. */
  stop(): Promise<void>;
}

/** `DATABASE_URL` when configured, else the embedded PostgreSQL under IMSOP_DATA_DIR. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<DatabaseTarget> {
  if (config.DATABASE_URL) {
    return { mode: 'external', adminUrl: config.DATABASE_URL, appPassword: config.DATABASE_APP_PASSWORD!, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.IMSOP_DATA_DIR, port: config.EMBEDDED_PG_PORT, logger });
  return { mode: 'embedded', ...embedded };
}

/** A Database acting as the owner role over the admin connection (platform-level CLI work). */
export function ownerDatabase(target: DatabaseTarget, logger: Logger): Database {
  return new Database({ connectionString: target.adminUrl, role: OWNER_ROLE, poolMax: 2, statementTimeoutMs: 0, applicationName: 'imsop-cli', logger });
}

/** Applies migrations and syncs the permission catalogue. Idempotent. */
export async function prepareDatabase(target: DatabaseTarget, logger: Logger): Promise<MigrationResult> {
  const result = await migrate(target.adminUrl, target.appPassword, logger);
  const owner = ownerDatabase(target, logger);
  try {
    await owner.withoutTenant((tx) => syncPermissionCatalogue(tx));
  } finally {
    await owner.close();
  }
  return result;
}

/** Longest a Redis command may take before it counts as failed (a cache miss, a failed publish). */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

export interface Runtime {
  app: AppContext;
  database: DatabaseTarget;
  close(): Promise<void>;
}

/** Connects everything the server needs: database (migrated when configured), cache and bus. */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const pageTokens = new PageTokens(await pageTokenSecrets(config));
  const database = await resolveDatabase(config, logger);
  try {
    if (config.MIGRATE_ON_START) await prepareDatabase(database, logger);
    const db = new Database({
      connectionString: appConnectionString(database.adminUrl, database.appPassword),
      poolMax: config.DATABASE_POOL_MAX,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      poolWaitMs: config.DATABASE_POOL_WAIT_MS,
      logger,
    });
    await db.ping();
    let cache: Cache;
    let counters: Counters;
    let bus: Bus;
    let redis: Redis | undefined;
    if (config.REDIS_URL) {
      // No offline queue: while Redis is unreachable a command fails at once, so the degraded
      // mode costs a cache miss (PostgreSQL answers), not a wait. With the queue, ioredis holds
      // each command until its retries run out (seconds, growing with the outage), and a call
      // making a few cache lookups in a row ran into its deadline. A Redis that keeps the
      // connection but answers nothing (hung, or a partition without resets) would hold every
      // command forever: commandTimeout bounds each one (both found by npm run chaos).
      redis = new Redis(config.REDIS_URL, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 2,
        connectTimeout: 5_000,
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      });
      redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error (degraded: cache misses, live fan-out paused)'));
      await redis.connect();
      cache = new RedisCache(redis, logger);
      counters = new RedisCounters(redis);
      const redisBus = new RedisBus(redis, logger);
      await redisBus.connect();
      bus = redisBus;
    } else {
      cache = new MemoryCache();
      counters = new MemoryCounters();
      bus = new MemoryBus();
    }
    const app: AppContext = { config, logger, db, cache, counters, bus, pageTokens };
    return {
      app,
      database,
      close: async () => {
        await bus.close();
        await cache.close();
        await counters.close();
        redis?.disconnect();
        await db.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
