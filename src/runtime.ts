import { Redis } from 'ioredis';
import type { Config } from './platform/config.js';
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
import { describeConnectFailure } from './platform/db/connect-failure.js';
import {
  appConnectionString,
  databaseRoles,
  migrate,
  type DatabaseRoles,
  type MigrationResult,
} from './platform/db/migrate.js';
import { configuredPostgresCa, type PostgresCa } from './platform/db/postgres-connection.js';
import type { Logger } from './platform/logger.js';
import { pageTokenSecrets } from './platform/page-token-secret.js';
import { PageTokens } from './platform/page-tokens.js';
import { redisClientOptions, redisAddress } from './platform/redis-options.js';
import { traceRedisCommands } from './platform/tracing.js';

/** Where the database is and how to reach it as admin (migrations, CLI) and as the app. */
export interface DatabaseTarget {
  mode: 'embedded' | 'external';
  adminUrl: string;
  appPassword: string;
  /** Default: the roles of the default DATABASE_ROLE_PREFIX. */
  roles?: DatabaseRoles;
  /** CA verifying the server (DATABASE_CA_FILE / DATABASE_CA_PEM / sslrootcert). */
  ca?: PostgresCa;
  /** Stops the embedded server; a no-op for an external database. */
  stop(): Promise<void>;
}

/** `DATABASE_URL` when configured, else the embedded PostgreSQL under IMSOP_DATA_DIR. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<DatabaseTarget> {
  if (config.DATABASE_URL) {
    return {
      mode: 'external',
      adminUrl: config.DATABASE_URL,
      appPassword: config.DATABASE_APP_PASSWORD!,
      roles: databaseRoles(config.DATABASE_ROLE_PREFIX),
      ca: configuredPostgresCa(config),
      stop: async () => {},
    };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.IMSOP_DATA_DIR,
    port: config.EMBEDDED_PG_PORT,
    logger,
  });
  return { mode: 'embedded', roles: databaseRoles(config.DATABASE_ROLE_PREFIX), ...embedded };
}

/** A Database acting as the owner role over the admin connection (platform-level CLI work). */
export function ownerDatabase(target: DatabaseTarget, logger: Logger): Database {
  return new Database({
    connectionString: target.adminUrl,
    ca: target.ca,
    role: (target.roles ?? databaseRoles()).owner,
    poolMax: 2,
    statementTimeoutMs: 0,
    applicationName: 'imsop-cli',
    logger,
  });
}

/** Applies migrations and syncs the permission catalogue. Idempotent. */
export async function prepareDatabase(target: DatabaseTarget, logger: Logger): Promise<MigrationResult> {
  const result = await migrate(target.adminUrl, target.appPassword, { roles: target.roles, ca: target.ca, logger });
  const owner = ownerDatabase(target, logger);
  try {
    await owner.withoutTenant((tx) => syncPermissionCatalogue(tx));
  } finally {
    await owner.close();
  }
  return result;
}

/**
 * Connections of the change feed's live path per process (AppContext.feedDb), each opened when
 * first used: where the sequencer leads, one holds its leadership lock (idle) and one positions
 * events; the reads that feed live watchers take the rest (one short statement each).
 */
const FEED_POOL_MAX = 3;

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
    const appUrl = appConnectionString(database.adminUrl, database.appPassword, database.roles);
    const db = new Database({
      connectionString: appUrl,
      ca: database.ca,
      poolMax: config.DATABASE_POOL_MAX,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      poolWaitMs: config.DATABASE_POOL_WAIT_MS,
      logger,
    });
    await db.ping().catch(async (error: unknown) => {
      await db.close();
      throw describeConnectFailure(error, { url: appUrl, credentials: 'DATABASE_APP_PASSWORD', ca: database.ca });
    });
    const feedDb = new Database({
      connectionString: appUrl,
      ca: database.ca,
      poolMax: FEED_POOL_MAX,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      poolWaitMs: config.DATABASE_POOL_WAIT_MS,
      applicationName: 'imsop-feed',
      logger,
    });
    let cache: Cache;
    let counters: Counters;
    let bus: Bus;
    let redis: Redis | undefined;
    if (config.REDIS_URL) {
      redis = new Redis(config.REDIS_URL, {
        ...redisClientOptions(config),
        lazyConnect: true,
        commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      });
      traceRedisCommands(redis);
      redis.on('error', (error) =>
        logger.warn({ err: error.message }, 'redis error (degraded: cache misses, live fan-out paused)'),
      );
      redis.on('ready', () => logger.info({ redis: redisAddress(config.REDIS_URL!) }, 'redis connected'));
      cache = new RedisCache(redis, logger);
      counters = new RedisCounters(redis);
      const redisBus = new RedisBus(redis, logger);
      // Not awaited to the end: a Redis that is down at start must not keep the service from
      // serving. Until it answers (ioredis keeps reconnecting) the service runs as it does
      // during a Redis outage: cache misses read PostgreSQL, live fan-out is unavailable.
      await Promise.all([redis.connect(), redisBus.connect()]).catch((error: unknown) =>
        logger.warn(
          { err: (error as Error).message, redis: redisAddress(config.REDIS_URL!) },
          'redis is not answering at start (REDIS_URL); serving degraded until it does',
        ),
      );
      bus = redisBus;
    } else {
      cache = new MemoryCache();
      counters = new MemoryCounters();
      bus = new MemoryBus();
    }
    const app: AppContext = { config, logger, db, feedDb, cache, counters, bus, pageTokens };
    return {
      app,
      database,
      close: async () => {
        await bus.close();
        await cache.close();
        await counters.close();
        redis?.disconnect();
        await db.close();
        await feedDb.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
