import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql as kysql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsArchives } from '../src/adapters/analytics-archives.js';
import { retentionPolicy } from '../src/analytics/retention/retention-policy.js';
import { runRetention, type RetentionReport } from '../src/analytics/retention/retention-run.js';
import { caseInsensitiveKey } from '../src/platform/case-insensitive-key.js';
import { APP_ROLE } from '../src/platform/db/migrate.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { adminQuery } from './support/inventory.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

// Retention with back-dated data: exactly the rows past each cut-off move to the archive schema
// (purchase orders with their items and receipts, tracking points, analytics events), nothing
// else moves, current inventory is untouched, a second run moves nothing, an interrupted run
// resumes, and the archive keeps every tenant to itself.

let ts: TestServer;
const policy = () => retentionPolicy(ts.runtime.app.config);
const sql = <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  adminQuery<R>(ts, text, values);

/** What one organization has that must move, and what must stay. */
interface Seeded {
  org: Tenant;
  move: { orders: string[]; items: string[]; receipts: string[]; points: [string, number][]; events: string[] };
  stay: { orders: string[]; points: [string, number][]; events: string[] };
  held: string[];
}
const tenants: Seeded[] = [];

/** Back-dates relative to the database clock, the one the cutoffs are taken from. */
const ago = (interval: string) => `now() - interval '${interval}'`;

async function seedTenant(): Promise<Seeded> {
  const org = await signedInTenant(ts);
  const o = org.organizationId;
  const { product } = await org.imsop.products.createProduct({
    product: { sku: `RT-${randomUUID().slice(0, 8).toUpperCase()}`, name: 'Kept forever' },
  });
  const { warehouse } = await org.imsop.warehouses.createWarehouse({ warehouse: { code: 'RT1', name: 'Retention' } });
  const ledger = (
    await org.imsop.stock.receiveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity: 7 })
  ).transaction!.id;
  const supplierName = `Supplier ${randomUUID()}`;
  const [{ id: supplier }] = await sql<{ id: string }>(
    `INSERT INTO suppliers (organization_id, name, name_key) VALUES ($1, $2, $3) RETURNING id`,
    [o, supplierName, caseInsensitiveKey(supplierName)],
  );
  let number = 0;
  const closed = async (closedAt: string) =>
    (
      await sql<{ id: string }>(
        `INSERT INTO purchase_orders (organization_id, number, supplier_id, status, currency_code, total_amount, submitted_at, approved_at, approved_by, received_at, closed_at)
         VALUES ($1, $2, $3, 'closed', 'EUR', 10, ${closedAt} - interval '3 days', ${closedAt} - interval '2 days', $4, ${closedAt} - interval '1 day', ${closedAt}) RETURNING id`,
        [o, ++number, supplier, org.adminUserId],
      )
    )[0]!.id;
  const item = async (poId: string) =>
    (
      await sql<{ id: string }>(
        `INSERT INTO purchase_order_items (organization_id, purchase_order_id, line_number, product_id, quantity_ordered, quantity_received, unit_price, expected_date, fully_received_at)
         VALUES ($1, $2, 1, $3, 7, 7, 1.5, '2020-01-01', now() - interval '5 years') RETURNING id`,
        [o, poId, product!.id],
      )
    )[0]!.id;

  // Closed a day past the two-year line, with an item, a receipt and its line: moves.
  const oldClosed = await closed(ago('2 years 1 day'));
  const oldItem = await item(oldClosed);
  const [{ id: receipt }] = await sql<{ id: string }>(
    `INSERT INTO receipts (organization_id, purchase_order_id, warehouse_id, received_at) VALUES ($1, $2, $3, now() - interval '2 years 2 days') RETURNING id`,
    [o, oldClosed, warehouse!.id],
  );
  await sql(
    `INSERT INTO receipt_lines (organization_id, receipt_id, purchase_order_item_id, product_id, quantity, inventory_transaction_id) VALUES ($1, $2, $3, $4, 7, $5)`,
    [o, receipt, oldItem, product!.id, ledger],
  );
  // Closed a day short of two years: stays.
  const recentClosed = await closed(ago('2 years') + ` + interval '1 day'`);
  await item(recentClosed);
  // Cancelled long ago: moves.
  const [{ id: oldCancelled }] = await sql<{ id: string }>(
    `INSERT INTO purchase_orders (organization_id, number, supplier_id, status, currency_code, cancelled_at, cancel_reason) VALUES ($1, $2, $3, 'cancelled', 'EUR', ${ago('3 years')}, 'no longer needed') RETURNING id`,
    [o, ++number, supplier],
  );
  const cancelledItem = await item(oldCancelled);
  // Received long ago but never closed: stays (only closed or cancelled orders expire).
  const [{ id: openOld }] = await sql<{ id: string }>(
    `INSERT INTO purchase_orders (organization_id, number, supplier_id, status, currency_code, submitted_at, approved_at, approved_by, received_at)
     VALUES ($1, $2, $3, 'received', 'EUR', ${ago('4 years')}, ${ago('4 years')}, $4, ${ago('4 years')}) RETURNING id`,
    [o, ++number, supplier, org.adminUserId],
  );
  // Closed long ago but a shipment still points at it: held.
  const heldOrder = await closed(ago('3 years'));

  // A shipment created 13 months ago with points on both sides of the one-year line.
  await sql(`SELECT ensure_shipment_tracking_partitions(${ago('13 months')}, 0)`);
  const [{ id: shipment, created_at: createdAt }] = await sql<{ id: string; created_at: string }>(
    `INSERT INTO shipments (organization_id, type, status, carrier, carrier_key, destination_warehouse_id, purchase_order_id, shipped_at, delivered_at, created_at)
     VALUES ($1, 'inbound', 'delivered', 'DHL', 'dhl', $2, $3, ${ago('13 months')}, ${ago('11 months')}, ${ago('13 months')}) RETURNING id, created_at::text`,
    [o, warehouse!.id, heldOrder],
  );
  const points: [string, string][] = [
    ['1', ago('13 months')],
    ['2', ago('1 year 1 day')],
    ['3', ago('1 year') + ` + interval '1 day'`],
    ['4', ago('11 months')],
  ];
  for (const [sequence, recordedAt] of points) {
    await sql(
      `INSERT INTO shipment_tracking (organization_id, shipment_id, shipment_created_at, sequence, event_time, recorded_at, location) VALUES ($1, $2, $3, $4, ${recordedAt}, ${recordedAt}, 'somewhere')`,
      [o, shipment, createdAt, sequence],
    );
  }

  // Events: eight months old (a month wholly past the cutoff), six months and a day, and six
  // months less a day.
  await sql(`SELECT ensure_analytics_event_partitions(${ago('9 months')}, 4)`);
  const event = async (occurredAt: string) =>
    (
      await sql<{ id: string }>(
        `INSERT INTO analytics_events (organization_id, occurred_at, recorded_at, event_type, source, entity_type, entity_id, actor_kind, metadata)
         VALUES ($1, ${occurredAt}, ${occurredAt}, 'test.retention', 'client', 'thing', $2, 'system', '{"k": 1}') RETURNING id`,
        [o, randomUUID()],
      )
    )[0]!.id;
  const oldEvents = [await event(ago('8 months')), await event(ago('6 months 1 day'))];
  const keptEvent = await event(ago('6 months') + ` + interval '1 day'`);

  return {
    org,
    move: {
      orders: [oldClosed, oldCancelled],
      items: [oldItem, cancelledItem],
      receipts: [receipt],
      points: [
        [shipment, 1],
        [shipment, 2],
      ],
      events: oldEvents,
    },
    stay: {
      orders: [recentClosed, openOld, heldOrder],
      points: [
        [shipment, 3],
        [shipment, 4],
      ],
      events: [keptEvent],
    },
    held: [heldOrder],
  };
}

/** Everything inventory holds, as the superuser sees it: must be identical before and after. */
const inventorySnapshot = () =>
  sql(`SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM inventory t) AS levels,
              (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM inventory_transactions t) AS ledger,
              (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM reservations t) AS reservations,
              (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM products t) AS products,
              (SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM warehouses t) AS warehouses`);

const ids = (table: string, where = 'true') =>
  sql<{ id: string }>(`SELECT id::text FROM ${table} WHERE ${where}`).then((rows) => rows.map((r) => r.id).sort());
const pointsOf = (table: string) =>
  sql<{ shipment_id: string; sequence: string }>(`SELECT shipment_id::text, sequence::text FROM ${table}`).then(
    (rows) => rows.map((r) => `${r.shipment_id}/${r.sequence}`).sort(),
  );
const flat = <T>(f: (s: Seeded) => T[]) => tenants.flatMap(f);

beforeAll(async () => {
  ts = await startTestServer({ env: { ANALYTICS_AGGREGATION_INTERVAL_MS: '0', RETENTION_INTERVAL_MS: '0' } });
  tenants.push(await seedTenant(), await seedTenant());
}, 120_000);
afterAll(() => ts?.stop());

describe('retention', () => {
  let inventoryBefore: unknown;

  it('dry run (the CLI) reports per table what would move and changes nothing', async () => {
    inventoryBefore = await inventorySnapshot();
    const before = { orders: await ids('purchase_orders'), events: await ids('analytics_events') };
    const exec = promisify(execFile);
    const { stdout } = await exec(
      path.resolve('node_modules/.bin/tsx'),
      ['src/cli/main.ts', 'retention', 'run', '--dry-run'],
      {
        env: { PATH: process.env.PATH, DATABASE_URL: ts.database.adminUrl, DATABASE_APP_PASSWORD: TEST_APP_PASSWORD },
      },
    );
    expect(stdout).toContain('Retention dry run: nothing was changed.');
    const counts = Object.fromEntries([...stdout.matchAll(/^ {2}(\w+) +(\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(counts).toEqual({
      purchase_orders: 4,
      purchase_order_items: 4,
      receipts: 2,
      receipt_lines: 2,
      shipment_tracking: 4,
      analytics_events: 4,
    });
    expect(stdout).toContain('kept: 2 purchase order(s) past retention that shipments still reference');
    expect(await ids('purchase_orders')).toEqual(before.orders);
    expect(await ids('analytics_events')).toEqual(before.events);
    expect(await ids('archive.purchase_orders')).toEqual([]);
  });

  let report: RetentionReport;

  it('moves exactly the rows past each cutoff, with their content, and nothing of inventory', async () => {
    const outcome = await runRetention(ts.runtime.app.db, analyticsArchives, policy());
    expect(outcome.ran).toBe(true);
    report = outcome.ran ? outcome.result : (undefined as never);
    expect(report.moved).toEqual({
      purchase_orders: 4,
      purchase_order_items: 4,
      receipts: 2,
      receipt_lines: 2,
      shipment_tracking: 4,
      analytics_events: 4,
    });
    expect(report.heldPurchaseOrders).toBe(2);
    // The eight-month-old events' month moved as a whole partition, with both tenants' rows.
    expect(
      report.partitions.filter((p) => p.action === 'moved').reduce((n, p) => n + p.rows, 0),
    ).toBeGreaterThanOrEqual(2);

    const moved = flat((t) => t.move.orders).sort();
    expect(await ids('archive.purchase_orders')).toEqual(moved);
    for (const id of moved) expect(await ids('purchase_orders', `id = '${id}'`)).toEqual([]);
    for (const id of flat((t) => t.stay.orders)) expect(await ids('purchase_orders', `id = '${id}'`)).toEqual([id]);
    expect(await ids('archive.purchase_order_items')).toEqual(flat((t) => t.move.items).sort());
    expect(await ids('archive.receipts')).toEqual(flat((t) => t.move.receipts).sort());
    expect((await sql(`SELECT count(*)::int AS n FROM archive.receipt_lines`))[0]).toEqual({ n: 2 });
    expect(await pointsOf('archive.shipment_tracking')).toEqual(
      flat((t) => t.move.points.map(([s, n]) => `${s}/${n}`)).sort(),
    );
    expect(await pointsOf('shipment_tracking')).toEqual(flat((t) => t.stay.points.map(([s, n]) => `${s}/${n}`)).sort());
    expect(await ids('archive.analytics_events')).toEqual(flat((t) => t.move.events).sort());
    for (const id of flat((t) => t.stay.events)) expect(await ids('analytics_events', `id = '${id}'`)).toEqual([id]);
    // Content moves unchanged (generated columns keep the values they had).
    const [archived] = await sql(
      `SELECT po_number, status, total_amount::text FROM archive.purchase_orders WHERE id = $1`,
      [tenants[0]!.move.orders[0]],
    );
    expect(archived).toEqual({ po_number: 'PO-000001', status: 'closed', total_amount: '10.0000' });
    const [line] = await sql(
      `SELECT line_total::text, quantity_received FROM archive.purchase_order_items WHERE id = $1`,
      [tenants[0]!.move.items[0]],
    );
    expect(line).toEqual({ line_total: '10.5000', quantity_received: 7 });
    const [event] = await sql(`SELECT event_type, entity_type, metadata FROM archive.analytics_events WHERE id = $1`, [
      tenants[0]!.move.events[0],
    ]);
    expect(event).toEqual({ event_type: 'test.retention', entity_type: 'thing', metadata: { k: 1 } });

    expect(await inventorySnapshot()).toEqual(inventoryBefore);
  });

  it('is idempotent: a second run finds nothing to move', async () => {
    const again = await runRetention(ts.runtime.app.db, analyticsArchives, policy());
    expect(again.ran && again.result.moved).toEqual({
      purchase_orders: 0,
      purchase_order_items: 0,
      receipts: 0,
      receipt_lines: 0,
      shipment_tracking: 0,
      analytics_events: 0,
    });
    expect(await ids('archive.analytics_events')).toEqual(flat((t) => t.move.events).sort());
    expect(await inventorySnapshot()).toEqual(inventoryBefore);
  });

  it('keeps tenant isolation in the archive: each organization sees its own archived rows only, none without a tenant', async () => {
    const url = new URL(ts.database.adminUrl);
    url.username = APP_ROLE;
    url.password = TEST_APP_PASSWORD;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      const archiveTables = [
        'purchase_orders',
        'purchase_order_items',
        'receipts',
        'receipt_lines',
        'shipment_tracking',
        'analytics_events',
      ];
      for (const table of archiveTables)
        expect((await app.query(`SELECT count(*)::int AS n FROM archive.${table}`)).rows[0].n, table).toBe(0);
      for (const t of tenants) {
        await app.query(`SELECT set_config('app.org_id', $1, false)`, [t.org.organizationId]);
        const orgs = await app.query(
          `SELECT DISTINCT organization_id::text AS o FROM archive.purchase_orders UNION SELECT DISTINCT organization_id::text FROM archive.analytics_events UNION SELECT DISTINCT organization_id::text FROM archive.shipment_tracking`,
        );
        expect(orgs.rows).toEqual([{ o: t.org.organizationId }]);
        expect(
          (await app.query(`SELECT id::text FROM archive.analytics_events ORDER BY 1`)).rows.map((r) => r.id),
        ).toEqual([...t.move.events].sort());
        // Read-only for the service.
        await expect(app.query(`DELETE FROM archive.purchase_orders`)).rejects.toThrow(/permission denied/);
        await expect(
          app.query(
            `INSERT INTO archive.receipt_lines (organization_id, receipt_id, purchase_order_item_id, product_id, quantity, inventory_transaction_id) VALUES ($1, $2, $2, $2, 1, $2)`,
            [t.org.organizationId, randomUUID()],
          ),
        ).rejects.toThrow(/permission denied/);
      }
      // The moves themselves refuse to run without a tenant, or with a cutoff less than a month back.
      await app.query(`SELECT set_config('app.org_id', '', false)`);
      await expect(app.query(`SELECT archive_analytics_events(now() - interval '1 year', 10, false)`)).rejects.toThrow(
        /tenant transaction/,
      );
      await app.query(`SELECT set_config('app.org_id', $1, false)`, [tenants[0]!.org.organizationId]);
      await expect(app.query(`SELECT archive_analytics_events(now() - interval '1 day', 10, false)`)).rejects.toThrow(
        /at least one month in the past/,
      );
    } finally {
      await app.end();
    }
  });

  it('resumes an interrupted run: whatever is still past the cutoff moves next time, in bounded batches', async () => {
    const t = await seedTenant();
    tenants.push(t);
    const scope = { organizationId: t.org.organizationId };
    // A run that stopped after one batch of one event and one tracking point.
    const [one] = await ts.runtime.app.db.inTenant(scope, async (work) => {
      const { rows } = await kysql<{
        n: number;
      }>`SELECT archive_analytics_events(now() - interval '6 months', 1, false) AS n`.execute(work.tx);
      return rows;
    });
    expect(Number(one!.n)).toBe(1);
    const outcome = await runRetention(ts.runtime.app.db, analyticsArchives, { ...policy(), batchSize: 1 });
    expect(outcome.ran && outcome.result.moved).toEqual({
      purchase_orders: 2,
      purchase_order_items: 2,
      receipts: 1,
      receipt_lines: 1,
      shipment_tracking: 2,
      analytics_events: 1,
    });
    expect(await ids('archive.analytics_events', `organization_id = '${t.org.organizationId}'`)).toEqual(
      [...t.move.events].sort(),
    );
    expect(
      await ids('analytics_events', `organization_id = '${t.org.organizationId}' AND event_type = 'test.retention'`),
    ).toEqual(t.stay.events);
    expect(await pointsOf('archive.shipment_tracking')).toEqual(
      flat((s) => s.move.points.map(([id, n]) => `${id}/${n}`)).sort(),
    );
  });

  it('while one instance runs retention, another does not', async () => {
    const both = await Promise.all([
      runRetention(ts.runtime.app.db, analyticsArchives, policy()),
      runRetention(ts.runtime.app.db, analyticsArchives, policy()),
    ]);
    expect(both.map((b) => b.ran).sort()).toEqual([false, true]);
  });
});
