import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from '../gen/ts/imsop/analytics/v1/event_service.js';
import { ActorKind, EventSource, type AnalyticsEvent } from '../gen/ts/imsop/analytics/v1/resources.js';
import { ShipmentStatus } from '../gen/ts/imsop/shipments/v1/resources.js';
import { recordEvent } from '../src/platform/outbox/record-event.js';
import { APP_ROLE } from '../src/platform/db/migrate.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { expectError } from './support/expect-error.js';
import { adminQuery } from './support/inventory.js';
import { approvedOrder, eur, newOrder, newProduct, newSupplier, newWarehouse, receive } from './support/procurement.js';
import { createTrackableShipment } from './support/shipments.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

// The analytics event stream as users see it: domain actions write their events in the same
// transaction (so a rolled-back action leaves none), clients record validated batches, and
// listing filters and pages within the caller's organization only.

let ts: TestServer;
let org: Tenant;

beforeAll(async () => {
  ts = await startTestServer({ env: { RESERVATION_SWEEP_INTERVAL_MS: '100' } });
  org = await signedInTenant(ts);
});
afterAll(() => ts?.stop());

const record = (request: Parameters<typeof E.RecordEventsRequest.fromPartial>[0], imsop: ImsopClient = org.imsop) =>
  imsop.events.recordEvents(request);
const list = (request: Parameters<typeof E.ListEventsRequest.fromPartial>[0], imsop: ImsopClient = org.imsop) =>
  imsop.events.listEvents(request);

/** Every event matching the filter, newest first, through all pages. */
async function listAll(
  filter: Parameters<typeof E.ListEventsRequest.fromPartial>[0],
  imsop: ImsopClient = org.imsop,
): Promise<AnalyticsEvent[]> {
  const events: AnalyticsEvent[] = [];
  let pageToken = '';
  do {
    const page = await list({ pageSize: 3, ...filter, pageToken }, imsop);
    events.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return events;
}

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

let counter = 0;
async function productAndWarehouse() {
  const n = ++counter;
  const { product } = await org.imsop.products.createProduct({
    product: { sku: `EV-${process.pid}-${n}`, name: `Event product ${n}` },
  });
  const { warehouse } = await org.imsop.warehouses.createWarehouse({
    warehouse: { code: `EV${n}`, name: `Event warehouse ${n}` },
  });
  return { product: product!, warehouse: warehouse! };
}

describe('domain actions write their events in their own transaction', () => {
  it('a sign-in records identity.login for the user', async () => {
    const user = await userWithRoles(ts, org, ['viewer']);
    const events = await listAll({ eventType: 'identity.login', entityType: 'user', entityId: user.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: EventSource.EVENT_SOURCE_SERVER,
      actorKind: ActorKind.ACTOR_KIND_USER,
      actorId: user.id,
      entityId: user.id,
    });
  });

  it('stock movements record inventory.stock_moved with the movement, reservations record their creation', async () => {
    const { product, warehouse } = await productAndWarehouse();
    const level = { warehouseId: warehouse.id, productId: product.id };
    await org.imsop.stock.receiveStock({ ...level, quantity: 10 });
    await org.imsop.stock.issueStock({ ...level, quantity: 3 });
    const { reservation } = await org.imsop.stock.reserveStock({ ...level, quantity: 2 });
    const moved = await listAll({ eventType: 'inventory.stock_moved', entityType: 'product', entityId: product.id });
    expect(moved.map((e) => e.metadata)).toEqual([
      expect.objectContaining({
        warehouse_id: warehouse.id,
        product_id: product.id,
        movement_type: 'issue',
        on_hand_delta: -3,
        on_hand_after: 7,
      }),
      expect.objectContaining({
        warehouse_id: warehouse.id,
        product_id: product.id,
        movement_type: 'receive',
        on_hand_delta: 10,
        on_hand_after: 10,
      }),
    ]);
    for (const e of moved) expect(e).toMatchObject({ actorKind: ActorKind.ACTOR_KIND_USER, actorId: org.adminUserId });
    // The ledger entry the event names is the movement's own.
    const { transactions } = await org.imsop.stock.listInventoryTransactions({ productId: product.id });
    expect(new Set(moved.map((e) => e.metadata!.ledger_entry_id))).toEqual(
      new Set(transactions.filter((t) => t.onHandDelta !== 0).map((t) => t.id)),
    );
    const created = await listAll({
      eventType: 'inventory.reservation_created',
      entityType: 'reservation',
      entityId: reservation!.id,
    });
    expect(created).toHaveLength(1);
    expect(created[0]!.metadata).toMatchObject({
      warehouse_id: warehouse.id,
      product_id: product.id,
      movement_type: 'reserve',
      reserved_delta: 2,
      on_hand_delta: 0,
    });
  });

  it('an expiring reservation records inventory.reservation_expired by the system', async () => {
    const { product, warehouse } = await productAndWarehouse();
    const level = { warehouseId: warehouse.id, productId: product.id };
    await org.imsop.stock.receiveStock({ ...level, quantity: 5 });
    const { reservation } = await org.imsop.stock.reserveStock({
      ...level,
      quantity: 4,
      expiration: { $case: 'ttl', value: { seconds: 1, nanos: 0 } },
    });
    const filter = { eventType: 'inventory.reservation_expired', entityType: 'reservation', entityId: reservation!.id };
    await until(async () => (await listAll(filter)).length > 0);
    const [expired] = await listAll(filter);
    expect(expired).toMatchObject({ actorKind: ActorKind.ACTOR_KIND_SYSTEM, actorId: '' });
  });

  it('submitting a purchase order records procurement.purchase_order_submitted; a refused submit records nothing', async () => {
    const supplier = await newSupplier(org.imsop);
    const product = await newProduct(org.imsop);
    const order = await newOrder(org.imsop, supplier.id, [
      { productId: product.id, quantity: 4, price: eur(2, 500_000_000) },
    ]);
    const filter = {
      eventType: 'procurement.purchase_order_submitted',
      entityType: 'purchase_order',
      entityId: order.id,
    };
    const empty = await newOrder(org.imsop, supplier.id, []);
    await expectError(org.imsop.purchaseOrders.submitPurchaseOrder({ id: empty.id }));
    expect(await listAll({ ...filter, entityId: empty.id })).toEqual([]);
    await org.imsop.purchaseOrders.submitPurchaseOrder({ id: order.id });
    const [submitted, ...more] = await listAll(filter);
    expect(more).toEqual([]);
    expect(submitted).toMatchObject({
      actorKind: ActorKind.ACTOR_KIND_USER,
      actorId: org.adminUserId,
      metadata: { supplier_id: supplier.id, currency_code: 'EUR', total_amount: '10.0000' },
    });
  });

  it('a purchase order becoming fully received records procurement.purchase_order_received; a partial receipt does not', async () => {
    const supplier = await newSupplier(org.imsop);
    const product = await newProduct(org.imsop);
    const warehouse = await newWarehouse(org.imsop);
    const order = await approvedOrder(org.imsop, supplier.id, [{ productId: product.id, quantity: 5, price: eur(1) }]);
    const filter = {
      eventType: 'procurement.purchase_order_received',
      entityType: 'purchase_order',
      entityId: order.id,
    };
    await receive(org.imsop, order, warehouse.id, [[0, 2]]);
    expect(await listAll(filter)).toEqual([]);
    const { receipt } = await receive(org.imsop, order, warehouse.id, [[0, 3]]);
    const events = await listAll(filter);
    expect(events.map((e) => e.metadata)).toEqual([{ supplier_id: supplier.id, receipt_id: receipt!.id }]);
  });

  it('shipments record dispatch, exception and delivery', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const status = (s: ShipmentStatus, reason = '') =>
      org.imsop.shipments.updateShipmentStatus({ id: shipment.id, status: s, reason });
    await status(ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT);
    await status(ShipmentStatus.SHIPMENT_STATUS_EXCEPTION, 'customs hold');
    await status(ShipmentStatus.SHIPMENT_STATUS_DELIVERED);
    const events = await listAll({ entityType: 'shipment', entityId: shipment.id });
    expect(events.map((e) => [e.eventType, e.metadata!.from_status, e.metadata!.carrier])).toEqual([
      ['shipments.shipment_delivered', 'exception', 'DHL'],
      ['shipments.shipment_exception', 'in_transit', 'DHL'],
      ['shipments.shipment_dispatched', 'pending', 'DHL'],
    ]);
    expect(events[1]!.metadata!.reason).toBe('customs hold');
  });

  it('a movement that fails after recording its event leaves no event, and a rolled-back transaction none either', async () => {
    // A transfer moves out of the lower level key first (the inventory lock order), recording
    // its event, then into the other level, which is full to the integer limit and refuses:
    // the whole transfer rolls back, and with it the event of the half that had succeeded.
    const a = await productAndWarehouse();
    const { warehouse: other } = await org.imsop.warehouses.createWarehouse({
      warehouse: { code: `EVX${++counter}`, name: 'Full warehouse' },
    });
    const [from, to] = [a.warehouse.id, other!.id].sort();
    await org.imsop.stock.receiveStock({ warehouseId: from!, productId: a.product.id, quantity: 5 });
    for (const quantity of [1_000_000_000, 1_000_000_000, 147_483_647])
      await org.imsop.stock.receiveStock({ warehouseId: to!, productId: a.product.id, quantity });
    const before = await listAll({ eventType: 'inventory.stock_moved', entityType: 'product', entityId: a.product.id });
    const refused = await expectError(
      org.imsop.stock.transferStock({
        productId: a.product.id,
        sourceWarehouseId: from!,
        destinationWarehouseId: to!,
        quantity: 1,
      }),
    );
    expect(refused.reason).toBe('STOCK_LIMIT_EXCEEDED');
    expect(
      await listAll({ eventType: 'inventory.stock_moved', entityType: 'product', entityId: a.product.id }),
    ).toEqual(before);
    expect(
      (await org.imsop.stock.getStockLevel({ warehouseId: from!, productId: a.product.id })).stockLevel?.quantityOnHand,
    ).toBe(5);

    // recordEvent itself, in a transaction that then fails.
    const scope = { organizationId: org.organizationId, userId: org.adminUserId };
    const entityId = randomUUID();
    await expect(
      ts.runtime.app.db.inTenant(scope, async (work) => {
        await recordEvent(work, { type: 'inventory.reservation_created', entityId });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await listAll({ entityType: 'reservation', entityId })).toEqual([]);
    await ts.runtime.app.db.inTenant(scope, (work) =>
      recordEvent(work, { type: 'inventory.reservation_created', entityId }),
    );
    expect(await listAll({ entityType: 'reservation', entityId })).toHaveLength(1);
  });
});

describe('RecordEvents', () => {
  it('stores a batch of client events with the caller as actor, and ListEvents finds them by type, entity, source and time', async () => {
    const before = new Date();
    const occurTime = new Date(Date.now() - 3600_000);
    const { eventIds } = await record({
      events: [
        {
          eventType: 'scanner.battery_low',
          entityType: 'scanner',
          entityId: 'SC-1',
          metadata: { level: 0.12, site: 'north' },
          occurTime,
        },
        { eventType: 'scanner.battery_low', entityType: 'scanner', entityId: 'SC-2' },
        { eventType: 'dashboard.opened' },
      ],
    });
    expect(eventIds).toHaveLength(3);
    const lows = await listAll({ eventType: 'scanner.battery_low' });
    expect(lows.map((e) => e.id)).toEqual([eventIds[1], eventIds[0]]);
    expect(lows[1]).toMatchObject({
      source: EventSource.EVENT_SOURCE_CLIENT,
      entityType: 'scanner',
      entityId: 'SC-1',
      metadata: { level: 0.12, site: 'north' },
      occurTime,
      actorKind: ActorKind.ACTOR_KIND_USER,
      actorId: org.adminUserId,
    });
    expect(lows[1]!.recordTime!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect((await listAll({ entityType: 'scanner', entityId: 'SC-2' })).map((e) => e.id)).toEqual([eventIds[1]]);
    const recent = await listAll({
      source: EventSource.EVENT_SOURCE_CLIENT,
      startTime: new Date(before.getTime() - 1000),
    });
    // Both were stamped with the batch's transaction time: same occur_time, id order.
    expect(recent.map((e) => e.id)).toEqual([eventIds[1], eventIds[2]].sort().reverse());
    const earlier = await listAll({
      source: EventSource.EVENT_SOURCE_CLIENT,
      endTime: new Date(before.getTime() - 1000),
    });
    expect(earlier.map((e) => e.id)).toContain(eventIds[0]);
  });

  it('is all or nothing and reports every bad event by position', async () => {
    const error = await expectError(
      record({
        events: [
          { eventType: 'ok.event' },
          { eventType: 'inventory.stock_moved' },
          { eventType: 'Bad Type' },
          { eventType: 'x', entityId: 'no-type' },
          { eventType: 'x', metadata: { blob: 'x'.repeat(9000) } },
          { eventType: 'x', occurTime: new Date(Date.now() - 8 * 24 * 3600_000) },
          { eventType: 'x', occurTime: new Date(Date.now() + 3600_000) },
          { eventType: 'x', entityType: 'Not-OK' },
        ],
      }),
    );
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.fieldViolations.map((v) => v.field)).toEqual([
      'events[1].event_type',
      'events[2].event_type',
      'events[3].entity_id',
      'events[4].metadata',
      'events[5].occur_time',
      'events[6].occur_time',
      'events[7].entity_type',
    ]);
    expect(await listAll({ eventType: 'ok.event' })).toEqual([]);
    expect((await expectError(record({ events: [] }))).fieldViolations[0]?.field).toBe('events');
    const tooMany = Array.from({ length: 501 }, () => ({ eventType: 'x' }));
    expect((await expectError(record({ events: tooMany }))).fieldViolations[0]).toEqual({
      field: 'events',
      description: 'must contain at most 500 events',
    });
  });

  it('records a batch once per request_id', async () => {
    const requestId = randomUUID();
    const request = { requestId, events: [{ eventType: 'retry.test', entityType: 'scanner', entityId: requestId }] };
    const first = await record(request);
    const again = await record(request);
    expect(again.eventIds).toEqual(first.eventIds);
    expect(await listAll({ entityType: 'scanner', entityId: requestId })).toHaveLength(1);
    const reused = await expectError(record({ ...request, events: [{ eventType: 'retry.other' }] }));
    expect(reused.reason).toBe('REQUEST_ID_REUSED');
  });

  it('needs analytics.events:write, and reading needs analytics.events:read', async () => {
    const viewer = await userWithRoles(ts, org, ['viewer']);
    expect((await expectError(record({ events: [{ eventType: 'x' }] }, viewer.imsop))).code).toBe(
      Status.PERMISSION_DENIED,
    );
    await expect(list({}, viewer.imsop)).resolves.toBeDefined();
    const operator = await userWithRoles(ts, org, ['operator']);
    await expect(record({ events: [{ eventType: 'operator.did' }] }, operator.imsop)).resolves.toBeDefined();
  });
});

describe('ListEvents', () => {
  it('pages with a token bound to its filter, and rejects bad filters', async () => {
    const all = await listAll({});
    const firstPage = await list({ pageSize: 2 });
    expect(firstPage.events.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    for (let i = 1; i < all.length; i++)
      expect(all[i - 1]!.occurTime!.getTime()).toBeGreaterThanOrEqual(all[i]!.occurTime!.getTime());
    const foreign = await expectError(
      list({ pageSize: 2, pageToken: firstPage.nextPageToken, eventType: 'identity.login' }),
    );
    expect(foreign.fieldViolations[0]?.field).toBe('page_token');
    const bad = await expectError(
      list({ eventType: 'NOPE', entityId: 'x', startTime: new Date(2), endTime: new Date(1) }),
    );
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(['event_type', 'entity_id', 'start_time']);
  });

  it("never shows another organization's events, not even to the database role without the API", async () => {
    const other = await signedInTenant(ts);
    await record({ events: [{ eventType: 'other.secret', entityType: 'scanner', entityId: 'X' }] }, other.imsop);
    expect(await listAll({ eventType: 'other.secret' })).toEqual([]);
    expect(await listAll({ eventType: 'other.secret' }, other.imsop)).toHaveLength(1);
    // The other organization's sign-in events are its own too.
    const theirs = await listAll({ eventType: 'identity.login' }, other.imsop);
    expect(theirs.every((e) => e.actorId === other.adminUserId)).toBe(true);

    const url = new URL(ts.database.adminUrl);
    url.username = APP_ROLE;
    url.password = TEST_APP_PASSWORD;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      expect((await app.query(`SELECT count(*)::int AS n FROM analytics_events`)).rows[0].n).toBe(0);
      await app.query(`SELECT set_config('app.org_id', $1, false)`, [other.organizationId]);
      const { rows } = await app.query(`SELECT DISTINCT organization_id FROM analytics_events`);
      expect(rows).toEqual([{ organization_id: other.organizationId }]);
      await expect(app.query(`DELETE FROM analytics_events`)).rejects.toThrow(/permission denied/);
    } finally {
      await app.end();
    }
  });
});

describe('event partitions', () => {
  it('exist for the current month and three ahead, each with the tenant policy and no app privileges', async () => {
    const rows = await adminQuery<{
      name: string;
      rls: boolean;
      force: boolean;
      policies: number;
      app_select: boolean;
    }>(
      ts,
      `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
              (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies,
              has_table_privilege($1, c.oid, 'SELECT') AS app_select
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'public.analytics_events'::regclass ORDER BY 1`,
      [APP_ROLE],
    );
    const month = (offset: number) => {
      const d = new Date();
      const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
      return `analytics_events_${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    const names = rows.map((r) => r.name);
    for (const offset of [0, 1, 2, 3]) expect(names).toContain(month(offset));
    for (const r of rows) expect(r).toMatchObject({ rls: true, force: true, policies: 1, app_select: false });
  });
});
