import { credentials } from '@grpc/grpc-js';
import { HealthClient } from '../../gen/ts/grpc/health/v1/health.js';
import { EventServiceClient } from '../../gen/ts/imsop/analytics/v1/event_service.js';
import { MetricServiceClient } from '../../gen/ts/imsop/analytics/v1/metric_service.js';
import { ApiKeyServiceClient } from '../../gen/ts/imsop/identity/v1/api_key_service.js';
import { AuditServiceClient } from '../../gen/ts/imsop/identity/v1/audit_service.js';
import { AuthServiceClient } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { OrganizationServiceClient } from '../../gen/ts/imsop/identity/v1/organization_service.js';
import { RoleServiceClient } from '../../gen/ts/imsop/identity/v1/role_service.js';
import { UserServiceClient } from '../../gen/ts/imsop/identity/v1/user_service.js';
import { ProductServiceClient } from '../../gen/ts/imsop/inventory/v1/product_service.js';
import { StockServiceClient } from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import { WarehouseServiceClient } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { PurchaseOrderServiceClient } from '../../gen/ts/imsop/procurement/v1/purchase_order_service.js';
import { SupplierServiceClient } from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import { ShipmentServiceClient } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import { TrackingServiceClient } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createOrganization } from '../../src/identity/organization-setup.js';
import { Passwords } from '../../src/identity/passwords.js';
import { createLogger } from '../../src/platform/logger.js';
import { ownerDatabase, startRuntime, type Runtime } from '../../src/runtime.js';
import { ImsopServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_APP_PASSWORD } from './global-setup.js';
import { createImsopClient, type ImsopClient, type ImsopClientOptions } from './sdk.js';

/** Signs page tokens in every test server (servers sharing it accept each other's tokens, as replicas do). */
export const TEST_PAGE_TOKEN_SECRET = 'imsop-test-page-token-secret-0123456789';

/** Typed clients for every IMSOP service, connected to one server. */
export function clientsFor(address: string) {
  const creds = credentials.createInsecure();
  return {
    auth: new AuthServiceClient(address, creds),
    organizations: new OrganizationServiceClient(address, creds),
    users: new UserServiceClient(address, creds),
    roles: new RoleServiceClient(address, creds),
    apiKeys: new ApiKeyServiceClient(address, creds),
    audit: new AuditServiceClient(address, creds),
    products: new ProductServiceClient(address, creds),
    warehouses: new WarehouseServiceClient(address, creds),
    stock: new StockServiceClient(address, creds),
    suppliers: new SupplierServiceClient(address, creds),
    purchaseOrders: new PurchaseOrderServiceClient(address, creds),
    shipments: new ShipmentServiceClient(address, creds),
    tracking: new TrackingServiceClient(address, creds),
    events: new EventServiceClient(address, creds),
    metrics: new MetricServiceClient(address, creds),
    health: new HealthClient(address, creds),
  };
}
export type Clients = ReturnType<typeof clientsFor>;

export interface TestServer {
  address: string;
  database: TestDatabase;
  runtime: Runtime;
  server: ImsopServer;
  clients: Clients;
  /**
   * An SDK client of this server, bearing `credential` (an access token or API key secret) when
   * given; closed when the server stops.
   */
  connect(credential?: string, options?: Partial<ImsopClientOptions>): ImsopClient;
  /** Stops the server (graceful, short grace) and, when this server created it, drops its database. */
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Share a database with another test server (two instances); default: a fresh one. */
  database?: TestDatabase;
  /** Extra environment, as a deployment would set it. */
  env?: Record<string, string>;
  /** Use Redis for cache and bus (TEST_REDIS_URL). */
  redis?: boolean;
  /** Where the server's log lines go (default stdout; LOG_LEVEL is silent unless env sets it). */
  logTo?: NodeJS.WritableStream;
}

/**
 * Tests see each answer of the server as it is: no retries on UNAVAILABLE, and a deadline as long
 * as a test may take (a burst of calls on a busy machine may queue longer than the SDK's 10 s).
 */
const testClientOptions = { maxAttempts: 1, defaultDeadlineMs: 60_000 } satisfies Partial<ImsopClientOptions>;

/** Starts the real IMSOP server on a free port against a real (cloned, migrated) database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const config: Config = loadConfig({
    DATABASE_URL: database.adminUrl,
    DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
    PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
    IMSOP_HOST: '127.0.0.1',
    IMSOP_PORT: '0',
    MIGRATE_ON_START: 'false',
    BCRYPT_COST: '4',
    DATABASE_POOL_MAX: '20',
    // Bursts of hundreds of calls on a busy 2-core CI machine may queue for a connection a while.
    DATABASE_POOL_WAIT_MS: '60000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    SHUTDOWN_GRACE_MS: '2000',
    ...(options.redis ? { REDIS_URL: requireRedisUrl() } : {}),
    ...options.env,
  });
  const runtime = await startRuntime(config, createLogger(config, options.logTo));
  const server = new ImsopServer(runtime.app);
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  const clients = clientsFor(address);
  const sdkClients: ImsopClient[] = [];
  return {
    address,
    database,
    runtime,
    server,
    clients,
    connect: (credential, options) => {
      const client = createImsopClient({ ...testClientOptions, address, credential, ...options });
      sdkClients.push(client);
      return client;
    },
    stop: async () => {
      for (const client of Object.values(clients)) client.close();
      for (const client of sdkClients) client.close();
      await server.shutdown(2000);
      await runtime.close();
      if (!options.database) await database.drop();
    },
  };
}

export function requireRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set; guard Redis tests with describe.runIf(redisAvailable)');
  return url;
}

/** Redis-backed tests run only when TEST_REDIS_URL is set; otherwise they are reported as skipped. */
export const redisAvailable = Boolean(process.env.TEST_REDIS_URL);

let orgCounter = 0;

export interface SeededOrganization {
  organizationId: string;
  adminUserId: string;
  name: string;
  adminEmail: string;
  adminPassword: string;
}

/** Creates an organization with its system roles and an admin, the way `imsop org create` does. */
export async function seedOrganization(
  ts: TestServer,
  name = `org-${process.pid}-${++orgCounter}`,
): Promise<SeededOrganization> {
  const owner = ownerDatabase(ts.runtime.database, ts.runtime.app.logger);
  const adminEmail = `admin@${name}.test`;
  const adminPassword = 'correct-horse-battery';
  try {
    const created = await createOrganization(owner, new Passwords(4), {
      name,
      admin: { email: adminEmail, displayName: 'Admin', password: adminPassword },
    });
    return { ...created, name, adminEmail, adminPassword };
  } finally {
    await owner.close();
  }
}
