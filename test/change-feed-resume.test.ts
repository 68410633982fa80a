import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../gen/ts/imsop/events/v1/change_event.js';
import { WatchChangesRequest, WatchChangesResponse } from '../gen/ts/imsop/events/v1/change_feed_service.js';
import { FeedWatcher } from './support/change-feed.js';
import { statusError } from './support/expect-error.js';
import { RawCall } from './support/raw-stream.js';
import { newProduct, newWarehouse } from './support/procurement.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

/**
 * The change feed across instances sharing PostgreSQL (and Redis, when there is one): a watcher
 * on one instance sees what is written through another, replay then live with no gap and no
 * duplicate under concurrent writes, and resumes from its cursor on a restarted instance
 * losing and repeating nothing.
 */
describe('the change feed across server instances', () => {
  let one: TestServer;
  let two: TestServer;
  let a: Tenant;

  beforeAll(async () => {
    one = await startTestServer({ redis: redisAvailable });
    two = await startTestServer({ redis: redisAvailable, database: one.database });
    a = await signedInTenant(one);
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  /** The cursor at the end of the tenant's feed now. */
  const endCursor = async (imsop: ImsopClient) => (await imsop.changes.listChanges({})).nextCursor;

  it('replays then follows live with no gap and no duplicate while writers run concurrently', async () => {
    const writer = one.connect(a.token);
    const reader = two.connect(a.token);
    const warehouses = await Promise.all([newWarehouse(writer), newWarehouse(writer)]);
    const products = await Promise.all([newProduct(writer), newProduct(writer), newProduct(writer)]);
    const start = await endCursor(writer);
    const levels = warehouses.flatMap((w) => products.map((p) => ({ warehouseId: w.id, productId: p.id })));

    // Some history before the watch starts, more while it replays and after.
    const receive = (i: number) => writer.stock.receiveStock({ ...levels[i % levels.length]!, quantity: 1 + (i % 3) });
    for (let i = 0; i < 24; i++) await receive(i);
    const watcher = new FeedWatcher(reader, {
      afterCursor: start,
      filter: { resourceTypes: ['stock_level', 'inventory_transaction'], eventTypes: [] },
    });
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; i < 16; i++) await receive(24 + w * 16 + i);
    });
    await Promise.all(workers);
    const total = 24 + 6 * 16;
    await watcher.until(
      (events) => events.filter((e) => e.eventType === 'stock.received').length >= total,
      'all receipts',
    );
    // Anything late would be a duplicate: give it a moment to show up.
    await new Promise((r) => setTimeout(r, 300));
    await watcher.close();

    const ids = watcher.events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(watcher.events.filter((e) => e.eventType === 'stock.received')).toHaveLength(total);
    // Per level, in the order its changes were made: versions and ledger balances only grow.
    const byLevel = new Map<string, ChangeEvent[]>();
    for (const e of watcher.events.filter((e) => e.eventType === 'stock_level.updated'))
      byLevel.set(e.resourceId, [...(byLevel.get(e.resourceId) ?? []), e]);
    expect(byLevel.size).toBe(levels.length);
    for (const events of byLevel.values()) {
      const versions = events.map((e) => Number(/"v(\d+)"/.exec(e.etag)![1]));
      expect(versions).toEqual(versions.map((_, i) => versions[0]! + i));
      const onHand = events.map((e) => e.resource!.quantityOnHand as number);
      expect(onHand).toEqual([...onHand].sort((x, y) => x - y));
    }
    const receipts = watcher.events.filter((e) => e.eventType === 'stock.received');
    for (const level of levels) {
      const after = receipts
        .filter((e) => e.resource!.warehouseId === level.warehouseId && e.resource!.productId === level.productId)
        .map((e) => e.resource!.onHandAfter as number);
      expect(after).toEqual([...after].sort((x, y) => x - y));
    }
  });

  it('resumes from the cursor on a restarted instance, losing and repeating nothing', async () => {
    const writer = one.connect(a.token);
    let serving = await startTestServer({ redis: redisAvailable, database: one.database });
    const start = await endCursor(writer);
    const first = new FeedWatcher(serving.connect(a.token), {
      afterCursor: start,
      filter: { resourceTypes: ['product'], eventTypes: [] },
    });
    await first.established;

    const made: string[] = [];
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 40; i++) {
        made.push((await newProduct(writer)).id);
        await new Promise((r) => setTimeout(r, 10));
      }
      writing = false;
    })();
    await first.until((events) => events.length >= 8, 'some events before the restart');
    await serving.stop(); // ends the watch UNAVAILABLE SERVER_SHUTTING_DOWN with where to resume
    await first.done;
    expect(first.error?.code).toBe(Status.UNAVAILABLE);
    expect(first.error?.reason).toBe('SERVER_SHUTTING_DOWN');
    const resumeAfter = first.error!.metadata.resume_after_cursor!;
    expect(resumeAfter).toBe(first.events.at(-1)!.cursor);
    expect(writing).toBe(true); // the restart happened mid-way

    serving = await startTestServer({ redis: redisAvailable, database: one.database });
    try {
      const second = new FeedWatcher(serving.connect(a.token), {
        afterCursor: resumeAfter,
        filter: { resourceTypes: ['product'], eventTypes: [] },
      });
      await writes;
      await second.until((events) => first.events.length + events.length >= made.length, 'every product');
      await new Promise((r) => setTimeout(r, 300));
      await second.close();
      expect([...first.events, ...second.events].map((e) => e.resourceId)).toEqual(made);
    } finally {
      await serving.stop();
    }
  });

  it('ends a watcher that reads nothing with WATCHER_TOO_SLOW and where to resume', async () => {
    const slow = await startTestServer({
      redis: redisAvailable,
      database: one.database,
      env: { CHANGE_FEED_WATCH_PATIENCE_MS: '200' },
    });
    try {
      const writer = one.connect(a.token);
      const start = await endCursor(writer);
      const product = await newProduct(writer);
      // Enough events to fill the transport's buffers of a client that never reads.
      const description = 'x'.repeat(4000);
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 40; i++)
            await writer.products.updateProduct({
              product: { id: product.id, description },
              updateMask: ['description'],
            });
        }),
      );
      const call = new RawCall(slow.address, '/imsop.events.v1.ChangeFeedService/WatchChanges', {
        authorization: `Bearer ${a.token}`,
      });
      call.stream.pause(); // reads nothing: the server's writes wait on flow control
      call.send(WatchChangesRequest.encode({ afterCursor: start, filter: undefined, fields: undefined }).finish());
      call.stream.end();
      await new Promise((r) => setTimeout(r, 2000)); // well past CHANGE_FEED_WATCH_PATIENCE_MS
      call.stream.resume();
      const ended = await call.ended;
      call.close();
      const ending = statusError(ended.details!);
      expect(ending).toMatchObject({ code: Status.ABORTED, reason: 'WATCHER_TOO_SLOW' });
      // Every event written before the end arrives; the status names the last one's cursor.
      const received = call.messages.flatMap((m) => WatchChangesResponse.decode(m).events);
      expect(received.length).toBeGreaterThan(0);
      expect(ending.metadata.resume_after_cursor).toBe(received.at(-1)!.cursor);
    } finally {
      await slow.stop();
    }
  });
});
