import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { unbalancedBalances } from './support/inventory.js';
import type { TestServer } from './support/server.js';

/**
 * Migration 0012 (inventory depth) on a database populated under the schema before it: stock
 * levels, active and closed reservations and their ledger, in several organizations. Afterwards
 * every warehouse has its default location, every old ledger row is in it, and the totals per
 * warehouse and product are what they were.
 */
describe('migrating existing stock to locations and balances (migration 0012)', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
  });

  it('keeps every level, reservation and ledger total, and puts the stock into default locations', async () => {
    const database = await createTestDatabase({ unmigrated: {} });
    databases.push(database);
    // Today's schema: everything before the inventory depth (and the change feed's 0010/0011).
    await migrate(database.adminUrl, TEST_APP_PASSWORD, { before: '0010' });
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      for (const org of ['Depth One', 'Depth Two']) {
        const { rows: o } = await admin.query<{ id: string }>(
          'INSERT INTO organizations (name, name_key) VALUES ($1, lower($1)) RETURNING id',
          [org],
        );
        const orgId = o[0]!.id;
        const warehouses = (
          await admin.query<{ id: string }>(
            `INSERT INTO warehouses (organization_id, code, name) VALUES ($1, 'W1', 'One'), ($1, 'W2', 'Two') RETURNING id`,
            [orgId],
          )
        ).rows.map((r) => r.id);
        const products = (
          await admin.query<{ id: string }>(
            `INSERT INTO products (organization_id, sku, name, name_key)
             SELECT $1, 'P-' || g, 'Product ' || g, 'product ' || g FROM generate_series(1, 3) g RETURNING id`,
            [orgId],
          )
        ).rows.map((r) => r.id);
        let k = 0;
        for (const w of warehouses) {
          for (const p of products) {
            const onHand = 10 + 7 * ++k;
            await admin.query(
              `INSERT INTO inventory (organization_id, warehouse_id, product_id, quantity_on_hand, reorder_point)
               VALUES ($1, $2, $3, $4, 5)`,
              [orgId, w, p, onHand],
            );
            await admin.query(
              `INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after)
               VALUES ($1, $2, $3, 'receive', $4, 0, $4, 0)`,
              [orgId, w, p, onHand],
            );
            // One active reservation of 3 and one released one of 2, through the ledger.
            for (const [quantity, status] of [
              [3, 'active'],
              [2, 'released'],
            ] as const) {
              const { rows: r } = await admin.query<{ id: string }>(
                `INSERT INTO reservations (organization_id, warehouse_id, product_id, quantity, status, closed_at)
                 VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'active' THEN NULL ELSE now() END) RETURNING id`,
                [orgId, w, p, quantity, status],
              );
              await admin.query(
                `INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id)
                 VALUES ($1, $2, $3, 'reserve', 0, $4, $5, $4, $6)`,
                [orgId, w, p, quantity, onHand, r[0]!.id],
              );
              if (status === 'released')
                await admin.query(
                  `INSERT INTO inventory_transactions (organization_id, warehouse_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id)
                   VALUES ($1, $2, $3, 'release', 0, $4, $5, 3, $6)`,
                  [orgId, w, p, -quantity, onHand, r[0]!.id],
                );
            }
            await admin.query(
              `UPDATE inventory SET quantity_reserved = 3 WHERE organization_id = $1 AND warehouse_id = $2 AND product_id = $3`,
              [orgId, w, p],
            );
          }
        }
      }
      const totals = `SELECT i.organization_id, i.warehouse_id, i.product_id, i.quantity_on_hand, i.quantity_reserved,
          i.quantity_available, i.version,
          (SELECT sum(on_hand_delta)::int FROM inventory_transactions t WHERE t.organization_id = i.organization_id
             AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) AS ledger_on_hand,
          (SELECT sum(reserved_delta)::int FROM inventory_transactions t WHERE t.organization_id = i.organization_id
             AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) AS ledger_reserved
        FROM inventory i ORDER BY 1, 2, 3`;
      const before = (await admin.query(totals)).rows;
      expect(before).toHaveLength(12);
      const ledgerRows = Number((await admin.query('SELECT count(*) FROM inventory_transactions')).rows[0].count);

      const { applied } = await migrate(database.adminUrl, TEST_APP_PASSWORD);
      expect(applied).toContain('0012_inventory_depth.sql');

      expect((await admin.query(totals)).rows).toEqual(before);
      expect(Number((await admin.query('SELECT count(*) FROM inventory_transactions')).rows[0].count)).toBe(ledgerRows);
      // Every warehouse has exactly its default location, with its own id.
      const { rows: defaults } = await admin.query(
        `SELECT w.id, array_agg(l.id) AS locations, bool_and(l.is_default) AS is_default, min(l.code) AS code
         FROM warehouses w LEFT JOIN locations l ON l.organization_id = w.organization_id AND l.warehouse_id = w.id
         GROUP BY w.id`,
      );
      expect(defaults).toHaveLength(4);
      for (const d of defaults) expect(d).toEqual({ id: d.id, locations: [d.id], is_default: true, code: 'DEFAULT' });
      // Every old ledger row moved stock of its warehouse's default location; nothing is located.
      const { rows: placed } = await admin.query(
        `SELECT count(*) FILTER (WHERE location_id <> warehouse_id)::int AS elsewhere, count(*) FILTER (WHERE lot_id IS NOT NULL)::int AS lots
         FROM inventory_transactions`,
      );
      expect(placed[0]).toEqual({ elsewhere: 0, lots: 0 });
      const { rows: levels } = await admin.query(
        `SELECT count(*)::int AS n FROM inventory WHERE quantity_located <> 0 OR quantity_on_hold <> 0 OR quantity_damaged <> 0`,
      );
      expect(levels[0].n).toBe(0);
      expect((await admin.query('SELECT count(*)::int AS n FROM stock_balances')).rows[0].n).toBe(0);
      // And per balance the books still balance, for every organization.
      const server = { database } as unknown as TestServer;
      for (const { id } of (await admin.query<{ id: string }>('SELECT id FROM organizations')).rows)
        expect(await unbalancedBalances(server, id)).toEqual([]);
      // A warehouse created after the migration gets its default location too.
      const orgId = (await admin.query<{ id: string }>('SELECT id FROM organizations LIMIT 1')).rows[0]!.id;
      const { rows: w } = await admin.query<{ id: string }>(
        `INSERT INTO warehouses (organization_id, code, name) VALUES ($1, 'W3', 'Three') RETURNING id`,
        [orgId],
      );
      const { rows: created } = await admin.query(
        'SELECT id, code, is_default FROM locations WHERE warehouse_id = $1',
        [w[0]!.id],
      );
      expect(created).toEqual([{ id: w[0]!.id, code: 'DEFAULT', is_default: true }]);
    } finally {
      await admin.end();
    }
  });

  it('gives the system roles of existing organizations the change feed and webhook permissions', async () => {
    const database = await createTestDatabase({ unmigrated: {} });
    databases.push(database);
    await migrate(database.adminUrl, TEST_APP_PASSWORD, { before: '0010' });
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      const { rows: o } = await admin.query<{ id: string }>(
        'INSERT INTO organizations (name, name_key) VALUES ($1, lower($1)) RETURNING id',
        ['Upgraded Org'],
      );
      const org = o[0]!.id;
      await admin.query(
        `INSERT INTO roles (organization_id, name, is_system) VALUES ($1, 'admin', true), ($1, 'viewer', true), ($1, 'packer', false)`,
        [org],
      );

      await migrate(database.adminUrl, TEST_APP_PASSWORD);

      const { rows } = await admin.query<{ name: string; permission_id: string }>(
        `SELECT r.name, rp.permission_id FROM role_permissions rp
         JOIN roles r ON r.organization_id = rp.organization_id AND r.id = rp.role_id
         WHERE rp.organization_id = $1 AND rp.permission_id LIKE 'events.%' ORDER BY 1, 2`,
        [org],
      );
      // Following the feed is a read permission (every system role has it); managing webhooks
      // is the admin's alone; a custom role gets nothing it was not given.
      expect(rows).toEqual([
        { name: 'admin', permission_id: 'events.changes:read' },
        { name: 'admin', permission_id: 'events.webhooks:manage' },
        { name: 'viewer', permission_id: 'events.changes:read' },
      ]);
    } finally {
      await admin.end();
    }
  });
});
