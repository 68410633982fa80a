import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImsopError, type ImsopClient } from './support/sdk.js';
import { PrivateRedis, redisServerInstalled } from './support/redis-server.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant } from './support/tenant.js';

/**
 * Redis gone (killed, as in a crash) under a server that uses it for cache and bus: calls keep
 * working from PostgreSQL without waiting on Redis, and a shipment watch started meanwhile
 * streams from the database, then live again once Redis is back. Redis hung (SIGSTOP): calls
 * take longer but finish, and nothing stale is served after it answers again. Uses a redis-server of its own
 * (never the shared one); `npm run chaos` runs the same fault under load with two instances.
 */
describe.runIf(redisServerInstalled)('Redis killed under a running server', () => {
  let redis: PrivateRedis;
  let ts: TestServer;
  let imsop: ImsopClient;

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    ts = await startTestServer({ env: { REDIS_URL: redis.url } });
    const tenant = await signedInTenant(ts);
    // The SDK's own default deadline (10 s), so a call hanging on the dead Redis fails here.
    imsop = ts.connect(tenant.token, { defaultDeadlineMs: 10_000 });
  });
  afterAll(async () => {
    await ts?.stop();
    await redis?.kill();
  });

  it('serves reads and writes from PostgreSQL at once, and a watch streams through the outage', async () => {
    const warehouse = (await imsop.warehouses.createWarehouse({ warehouse: { code: 'RF-1', name: 'Redis fault' } }))
      .warehouse!;
    const other = (await imsop.warehouses.createWarehouse({ warehouse: { code: 'RF-2', name: 'Redis fault 2' } }))
      .warehouse!;
    const product = (await imsop.products.createProduct({ product: { sku: 'RF-P', name: 'before' } })).product!;
    await imsop.products.getProduct({ productId: product.id }); // cached in Redis
    const shipment = (
      await imsop.shipments.createShipment({
        type: 3,
        carrier: 'DHL',
        trackingNumber: 'RF-1',
        originWarehouseId: warehouse.id,
        destinationWarehouseId: other.id,
        items: [{ productId: product.id, quantity: 1 }],
      })
    ).shipment!;
    const record = async (n: number) =>
      Number(
        (
          await imsop.tracking.recordTrackingUpdate({
            update: { updateId: `rf-${n}`, shipmentId: shipment.id, location: `Stop ${n}`, eventTime: new Date() },
          })
        ).trackingPoint!.sequence,
      );
    await record(1);

    await redis.kill();
    // Each call makes several cache lookups (principal, product); none may wait on the dead Redis.
    const slowest: { ms: number; what: string }[] = [];
    const timed = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      const result = await call();
      slowest.push({ ms: Date.now() - start, what });
      return result;
    };
    const until = Date.now() + 4_000;
    for (let i = 0; Date.now() < until; i++) {
      await timed('whoAmI', () => imsop.auth.whoAmI({}));
      await timed('updateProduct', () =>
        imsop.products.updateProduct({
          product: { id: product.id, name: `during-${i}` },
          updateMask: ['name'],
          requestId: randomUUID(),
        }),
      );
      expect(
        (await timed('getProduct', () => imsop.products.getProduct({ productId: product.id }))).product!.name,
      ).toBe(`during-${i}`);
      await timed('receiveStock', () =>
        imsop.stock.receiveStock({
          warehouseId: warehouse.id,
          productId: product.id,
          quantity: 1,
          requestId: randomUUID(),
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    slowest.sort((a, b) => b.ms - a.ms);
    expect(slowest[0]!.ms, `slowest call during the outage: ${JSON.stringify(slowest[0])}`).toBeLessThan(1_500);

    // A watch opened while Redis is down replays, then keeps up from the database.
    const received: number[] = [];
    const abort = new AbortController();
    let ended: unknown;
    const watching = (async () => {
      try {
        for await (const { trackingPoint } of imsop.tracking.watchShipment(
          { shipmentId: shipment.id, sinceSequence: 0 },
          { signal: abort.signal },
        )) {
          received.push(Number(trackingPoint!.sequence));
        }
      } catch (error) {
        if (!abort.signal.aborted) ended = error;
      }
    })();
    const reach = async (sequence: number, ms: number) => {
      const deadline = Date.now() + ms;
      while (!received.includes(sequence) && ended === undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return received.includes(sequence);
    };
    expect(await reach(1, 3_000)).toBe(true);
    const second = await record(2);
    expect(await reach(second, 3_000), `ended: ${ended instanceof ImsopError ? ended.codeName : String(ended)}`).toBe(
      true,
    );

    // Redis back: the same watch gets points again, without a gap or a duplicate.
    await redis.start();
    const third = await record(3);
    expect(await reach(third, 5_000)).toBe(true);
    abort.abort();
    await watching;
    expect(ended).toBeUndefined();
    expect(received).toEqual([1, 2, 3]);
  });

  it('bounds every call while Redis hangs (connection open, no answers), and keeps its data consistent after', async () => {
    const product = (await imsop.products.createProduct({ product: { sku: 'RF-HANG', name: 'before' } })).product!;
    await imsop.products.getProduct({ productId: product.id }); // cached in Redis, which keeps it through the hang
    redis.freeze();
    try {
      // Each call waits at most a command timeout (1 s) per cache step, never its deadline (10 s).
      const timed = async <T>(call: () => Promise<T>): Promise<T> => {
        const start = Date.now();
        const result = await call();
        expect(Date.now() - start).toBeLessThan(7_000);
        return result;
      };
      await timed(() =>
        imsop.products.updateProduct({
          product: { id: product.id, name: 'during' },
          updateMask: ['name'],
          requestId: randomUUID(),
        }),
      );
      expect((await timed(() => imsop.products.getProduct({ productId: product.id }))).product!.name).toBe('during');
    } finally {
      redis.thaw();
    }
    // The invalidation sent during the hang reaches Redis when it answers again: no stale read.
    await new Promise((r) => setTimeout(r, 200));
    expect((await imsop.products.getProduct({ productId: product.id })).product!.name).toBe('during');
  });
});
