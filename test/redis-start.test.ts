import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { bearer } from './support/grpc.js';
import { freePort } from './support/postgres-server.js';
import { PrivateRedis, redisServerInstalled } from './support/redis-server.js';
import { spawnServer } from './support/server-process.js';
import { startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, Scanner, update, Watcher } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds (a busy machine makes reconnects slow); fails with `what` after 30 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) if (await check()) return;
  throw new Error(`timed out waiting until ${what}`);
}

/**
 * Redis is down when the service starts (a managed Redis still provisioning, a restart in the
 * wrong order): the service starts anyway and serves from PostgreSQL, and once Redis answers
 * the cache and the cross-instance fan-out work, without a restart.
 */
describe.runIf(redisServerInstalled)('Redis down at start', () => {
  let redis: PrivateRedis;
  let one: TestServer;
  let two: TestServer;
  let a: Tenant;
  let probe: Redis;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.kill();
    one = await startTestServer({ env: { REDIS_URL: redis.url } });
    two = await startTestServer({ env: { REDIS_URL: redis.url }, database: one.database });
    probe = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
  }, 60_000);
  afterAll(async () => {
    probe?.disconnect();
    await two?.stop();
    await one?.stop();
    await redis?.kill();
  });

  it('the process starts, logs a warning naming REDIS_URL and serves', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const server = spawnServer({
      DATABASE_URL: one.database.adminUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      MIGRATE_ON_START: 'false',
      REDIS_URL: redis.url,
      IMSOP_PORT: String(port),
      METRICS_PORT: '0',
      LOG_FORMAT: 'json',
    });
    try {
      await server.waitServing(`127.0.0.1:${port}`);
      expect(server.output()).toContain('redis is not answering at start (REDIS_URL); serving degraded until it does');
      expect(server.output()).toContain('"cache":"redis (REDIS_URL)"');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it(
    'serves from PostgreSQL meanwhile; once Redis answers, the cache fills and fan-out reaches the other instance',
    { timeout: 120_000 },
    async () => {
      a = await signedInTenant(one);
      const whoAmI = () => a.imsop.auth.whoAmI({});
      expect((await whoAmI()).roles).toContain('admin');

      await redis.start();
      await probe.connect();
      await eventually('the cache holds entries', async () => {
        await whoAmI();
        return (await probe.keys('imsop:cache:*')).length > 0;
      });

      const shipment = await createTrackableShipment(a.imsop);
      const watcher = new Watcher(
        two.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(a.token)),
      );
      await eventually(
        "the other instance's watch is subscribed in Redis",
        async () => (await probe.pubsub('CHANNELS', 'imsop:bus:*')).length > 0,
      );
      const scanner = new Scanner(one, bearer(a.token));
      scanner.send(update(shipment.id, 'after-redis-1'), update(shipment.id, 'after-redis-2'));
      const last = (await scanner.acks(2)).at(-1)!.sequence;
      await watcher.until(last);
      expect(watcher.error).toBeUndefined();
      expect(watcher.lastSequence).toBe(last);
      watcher.call.cancel();
      await scanner.close();
    },
  );
});
