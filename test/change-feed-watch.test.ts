import { expect } from 'vitest';
import { ChangeKind } from '../gen/ts/imsop/events/v1/change_event.js';
import { purgeExpiredChanges } from '../src/platform/change-feed/retention.js';
import { FeedWatcher, syncWith } from './support/change-feed.js';
import { it } from './support/data-fixture.js';
import { expectError } from './support/expect-error.js';
import { adminQuery } from './support/inventory.js';
import { newProduct, newWarehouse } from './support/procurement.js';
import { Metadata, Status } from './support/sdk.js';
import { loginAs, signedInTenant, userWithRoles } from './support/tenant.js';

/**
 * WatchChanges and ListChanges through a real server: what a subscriber of the change feed sees
 * of committed, refused and rolled-back changes, of other tenants, and of resources it may not read.
 */

it('delivers a committed change exactly once, with its resource, actor and request id', async ({ imsop, org }) => {
  const watcher = new FeedWatcher(imsop);
  await watcher.established;
  const { product } = await imsop.products.createProduct(
    { product: { sku: `FEED-${process.pid}-1`, name: 'Feed widget', reorderPoint: 3 } },
    { metadata: Metadata({ 'x-request-id': 'feed-create-1' }) },
  );
  const event = await watcher.next('product.created', product!.id);
  expect(event).toMatchObject({
    resourceType: 'product',
    changeKind: ChangeKind.CHANGE_KIND_CREATED,
    etag: product!.etag,
    requestId: 'feed-create-1',
    actor: { id: org.adminUserId },
  });
  expect(event.resource).toMatchObject({ id: product!.id, sku: `FEED-${process.pid}-1`, name: 'Feed widget' });
  expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);

  await syncWith(watcher, imsop);
  expect(watcher.events.filter((e) => e.eventId === event.eventId)).toHaveLength(1);
  expect(watcher.events.filter((e) => e.resourceId === product!.id)).toHaveLength(1);
  await watcher.close();
});

it('records nothing for a refused reservation or a transfer that rolls back', async ({
  imsop,
  warehouse,
  stockedProduct,
}) => {
  const other = await newWarehouse(imsop);
  const watcher = new FeedWatcher(imsop);
  await watcher.established;

  const refused = await expectError(
    imsop.stock.reserveStock({ warehouseId: warehouse.id, productId: stockedProduct.id, quantity: 100_000 }),
  );
  expect(refused.reason).toBe('INSUFFICIENT_STOCK');
  // The destination sorts first or second by id; either way the move that fails rolls back both.
  const failed = await expectError(
    imsop.stock.transferStock({
      productId: stockedProduct.id,
      sourceWarehouseId: warehouse.id,
      destinationWarehouseId: other.id,
      quantity: 100_000,
    }),
  );
  expect(failed.reason).toBe('INSUFFICIENT_STOCK');

  await syncWith(watcher, imsop);
  // (The sync marker is a warehouse, with its default location.)
  expect(watcher.events.filter((e) => !['warehouse', 'location'].includes(e.resourceType))).toEqual([]);
  await watcher.close();
});

it('tells each stock movement and the thresholds it crosses, in order', async ({ imsop }) => {
  const product = await newProduct(imsop, { reorderPoint: 5 });
  const warehouse = await newWarehouse(imsop);
  const level = `${warehouse.id}/${product.id}`;
  const watcher = new FeedWatcher(imsop, { filter: { resourceTypes: ['stock_level', 'reservation'], eventTypes: [] } });
  await watcher.established;
  const key = { warehouseId: warehouse.id, productId: product.id };

  await imsop.stock.receiveStock({ ...key, quantity: 10 }); // 0 -> 10: back in
  await imsop.stock.issueStock({ ...key, quantity: 6 }); // 10 -> 4: low
  const { reservation } = await imsop.stock.reserveStock({ ...key, quantity: 4 }); // 4 -> 0 available: out
  await imsop.stock.releaseReservation({ reservationId: reservation!.id }); // 0 -> 4: back in
  await watcher.until((events) => events.filter((e) => e.eventType === 'stock.back_in').length === 2, 'two back_in');

  expect(watcher.events.filter((e) => e.resourceId === level).map((e) => e.eventType)).toEqual([
    'stock_level.updated',
    'stock.back_in',
    'stock_level.updated',
    'stock.low',
    'stock_level.updated',
    'stock.out',
    'stock_level.updated',
    'stock.back_in',
  ]);
  const reservationEvents = watcher.events.filter((e) => e.resourceId === reservation!.id);
  expect(reservationEvents.map((e) => e.eventType)).toEqual(['stock.reserved', 'reservation.released']);
  expect(reservationEvents[0]!.resource).toMatchObject({ quantity: 4, status: 'RESERVATION_STATUS_ACTIVE' });
  expect(reservationEvents[1]!.resource).toMatchObject({ status: 'RESERVATION_STATUS_RELEASED' });

  // The last level event's resource is the level as GetStockLevel answers it.
  const { stockLevel } = await imsop.stock.getStockLevel(key);
  const last = watcher.events.filter((e) => e.eventType === 'stock_level.updated').at(-1)!;
  expect(last.etag).toBe(stockLevel!.etag);
  expect(last.resource).toMatchObject({
    quantityOnHand: 4,
    quantityAvailable: 4,
    reorderPoint: 5,
    lowStock: true,
    etag: stockLevel!.etag,
  });
  expect(last.changedFields).toEqual(expect.arrayContaining(['quantity_reserved', 'quantity_available']));
  await watcher.close();
});

it('tells of a reservation that expired', async ({ imsop, warehouse, stockedProduct }) => {
  const watcher = new FeedWatcher(imsop, { filter: { resourceTypes: [], eventTypes: ['reservation.expired'] } });
  await watcher.established;
  const { reservation } = await imsop.stock.reserveStock({
    warehouseId: warehouse.id,
    productId: stockedProduct.id,
    quantity: 2,
    expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
  });
  const expired = await watcher.next('reservation.expired', reservation!.id);
  expect(expired.actor?.id).toBe('');
  expect(expired.resource).toMatchObject({ status: 'RESERVATION_STATUS_EXPIRED' });
  await watcher.close();
});

it('shows a tenant nothing of another', async ({ server, imsop }) => {
  const b = await signedInTenant(server);
  const watcherB = new FeedWatcher(b.imsop);
  // A's own watch on the same instance: each organization's events are read for its watchers only.
  const watcherA = new FeedWatcher(imsop);
  await Promise.all([watcherB.established, watcherA.established]);
  await newProduct(imsop);
  await newWarehouse(imsop);
  await syncWith(watcherA, imsop);
  await syncWith(watcherB, b.imsop);
  await watcherA.close();
  // Only B's sync marker: a warehouse, with its default location.
  expect(watcherB.events.map((e) => e.eventType)).toEqual(['warehouse.created', 'location.created']);
  // B's feed from its start also holds B's own creation (organization, roles, admin): of A's kinds, only B's marker.
  const listed = await b.imsop.changes.listChanges({
    filter: { resourceTypes: ['product', 'warehouse'], eventTypes: [] },
  });
  expect(listed.events.map((e) => e.eventType)).toEqual(['warehouse.created']);
  await watcherB.close();
});

it('leaves out what the subscriber may not read, and refuses to watch it by name', async ({ server, org, imsop }) => {
  await imsop.roles.createRole({ name: 'stock-feed', permissions: ['events.changes:read', 'inventory.stock:read'] });
  const clerk = await userWithRoles(server, org, []);
  const { roles } = await imsop.roles.listRoles({});
  await imsop.roles.assignUserRole({ userId: clerk.id, roleId: roles.find((r) => r.name === 'stock-feed')!.id });
  // Signed in again: the role came after the user's first sign-in.
  const member = await loginAs(server, org.name, clerk.email, clerk.password);

  const watcher = new FeedWatcher(member.imsop);
  // The admin's watch on the same instance shares the clerk's reads of the feed: each still gets its own.
  const adminWatcher = new FeedWatcher(imsop);
  await Promise.all([watcher.established, adminWatcher.established]);
  const product = await newProduct(imsop);
  const warehouse = await newWarehouse(imsop);
  await imsop.stock.receiveStock({ warehouseId: warehouse.id, productId: product.id, quantity: 1 });
  await watcher.next('stock.received');
  await adminWatcher.next('stock.received');
  expect(watcher.events.map((e) => e.resourceType).sort()).toEqual([
    'inventory_transaction',
    'stock_level',
    'stock_level',
  ]);
  expect(adminWatcher.ofType('product.created').map((e) => e.resourceId)).toEqual([product.id]);
  expect(adminWatcher.ofType('warehouse.created').map((e) => e.resourceId)).toEqual([warehouse.id]);
  await adminWatcher.close();

  const denied = await expectError(
    member.imsop.changes.listChanges({ filter: { resourceTypes: ['product'], eventTypes: [] } }),
  );
  expect(denied.code).toBe(Status.PERMISSION_DENIED);
  const watchDenied = new FeedWatcher(member.imsop, { filter: { resourceTypes: [], eventTypes: ['product.created'] } });
  await watchDenied.done;
  expect(watchDenied.error?.code).toBe(Status.PERMISSION_DENIED);
  await watcher.close();
});

it('projects the resource to the fields asked for', async ({ imsop }) => {
  const watcher = new FeedWatcher(imsop, {
    filter: { resourceTypes: ['product'], eventTypes: [] },
    fields: ['sku', 'reorder_point'],
  });
  // Watching the same events without a mask at the same time: each gets the resource as it asked.
  const whole = new FeedWatcher(imsop, { filter: { resourceTypes: ['product'], eventTypes: [] } });
  await Promise.all([watcher.established, whole.established]);
  const product = await newProduct(imsop, { reorderPoint: 7, description: 'not asked for' });
  const event = await watcher.next('product.created', product.id);
  expect(event.resource).toEqual({ sku: product.sku, reorderPoint: 7 });
  const full = await whole.next('product.created', product.id);
  expect(full.resource).toMatchObject({ sku: product.sku, reorderPoint: 7, description: 'not asked for' });
  await Promise.all([watcher.close(), whole.close()]);
});

it('pages with ListChanges, and a cursor past retention is OUT_OF_RANGE CURSOR_EXPIRED', async ({
  server,
  imsop,
  org,
}) => {
  const start = (await imsop.changes.listChanges({ filter: { resourceTypes: ['product'], eventTypes: [] } }))
    .nextCursor;
  const made = [await newProduct(imsop), await newProduct(imsop), await newProduct(imsop)];
  let cursor = start;
  const seen: string[] = [];
  // The sequencer positions committed events within milliseconds; poll until all three are listed.
  for (let tries = 0; seen.length < 3 && tries < 200; tries++) {
    const page = await imsop.changes.listChanges({
      afterCursor: cursor,
      pageSize: 2,
      filter: { resourceTypes: ['product'], eventTypes: [] },
    });
    seen.push(...page.events.map((e) => e.resourceId));
    cursor = page.nextCursor;
    if (page.events.length === 0) await new Promise((r) => setTimeout(r, 25));
  }
  expect(seen).toEqual(made.map((p) => p.id));

  // Age the first event past the 7-day window: its cursor is refused, with the reason to resync.
  const first = (
    await imsop.changes.listChanges({
      afterCursor: start,
      pageSize: 1,
      filter: { resourceTypes: ['product'], eventTypes: [] },
    })
  ).events[0]!;
  await adminQuery(
    server,
    `UPDATE change_events SET occurred_at = now() - interval '8 days' WHERE organization_id = $1 AND id = $2`,
    [org.organizationId, first.eventId],
  );
  const aged = (
    await imsop.changes.listChanges({
      afterCursor: start,
      pageSize: 1,
      filter: { resourceTypes: ['product'], eventTypes: [] },
    })
  ).events[0]!;
  expect(aged.eventId).toBe(first.eventId);
  const expired = await expectError(imsop.changes.listChanges({ afterCursor: aged.cursor }));
  expect(expired.code).toBe(Status.OUT_OF_RANGE);
  expect(expired.reason).toBe('CURSOR_EXPIRED');
  expect(expired.metadata.retention_days).toBe('7');
  const watch = new FeedWatcher(imsop, { afterCursor: aged.cursor });
  await watch.done;
  expect(watch.error?.reason).toBe('CURSOR_EXPIRED');

  const malformed = await expectError(imsop.changes.listChanges({ afterCursor: 'not-a-cursor' }));
  expect(malformed.code).toBe(Status.INVALID_ARGUMENT);

  // Retention's purge deletes the aged event, and only it.
  expect(await purgeExpiredChanges(server.runtime.app.db, 7, 100)).toBeGreaterThanOrEqual(1);
  const kept = await imsop.changes.listChanges({
    afterCursor: start,
    filter: { resourceTypes: ['product'], eventTypes: [] },
  });
  expect(kept.events.map((e) => e.resourceId)).toEqual(made.slice(1).map((p) => p.id));
});

it('tells each coalesced reservation with its own call’s request id, and the level once per batch', async ({
  imsop,
  warehouse,
  stockedProduct,
}) => {
  const watcher = new FeedWatcher(imsop, { filter: { resourceTypes: ['reservation', 'stock_level'], eventTypes: [] } });
  await watcher.established;
  const key = { warehouseId: warehouse.id, productId: stockedProduct.id };
  // 30 at once on one level: they queue behind each other and are applied in batches.
  const made = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      imsop.stock.reserveStock({ ...key, quantity: 1 }, { metadata: Metadata({ 'x-request-id': `coalesced-${i}` }) }),
    ),
  );
  await watcher.until(
    (events) => events.filter((e) => e.eventType === 'stock.reserved').length === 30,
    'every reservation',
  );
  const reserved = watcher.ofType('stock.reserved');
  expect(new Set(reserved.map((e) => e.resourceId))).toEqual(new Set(made.map((m) => m.reservation!.id)));
  for (const [i, m] of made.entries())
    expect(reserved.find((e) => e.resourceId === m.reservation!.id)!.requestId).toBe(`coalesced-${i}`);
  // The level's events follow its versions; the last one is the level as it stands.
  const levelEvents = watcher.ofType('stock_level.updated');
  const versions = levelEvents.map((e) => Number(/"v(\d+)"/.exec(e.etag)![1]));
  expect(versions).toEqual([...versions].sort((x, y) => x - y));
  expect(levelEvents.at(-1)!.resource).toMatchObject({ quantityReserved: 30 });
  await watcher.close();
});
