import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { caseInsensitiveKey } from '../../src/platform/case-insensitive-key.js';
import type { ImsopClient } from './sdk.js';
import type { TestServer } from './server.js';

let skuCounter = 0;

/** A product and a warehouse of the tenant to move stock with (optionally with stock received). */
export async function productAndWarehouse(
  t: { imsop: ImsopClient },
  opts: { onHand?: number; reorderPoint?: number } = {},
) {
  const n = ++skuCounter;
  const { product } = await t.imsop.products.createProduct({
    product: { sku: `T-${process.pid}-${n}`, name: `Test product ${n}`, reorderPoint: opts.reorderPoint ?? 0 },
  });
  const { warehouse } = await t.imsop.warehouses.createWarehouse({
    warehouse: { code: `W${n}`, name: `Warehouse ${n}` },
  });
  if (opts.onHand)
    await t.imsop.stock.receiveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity: opts.onHand });
  return { product: product!, warehouse: warehouse! };
}

/**
 * Checks the ledger against the levels, reading the tables directly as the database superuser:
 * for every level of the organization, sum(on_hand_delta) = quantity_on_hand and
 * sum(reserved_delta) = quantity_reserved, and the active reservations sum to
 * quantity_reserved. Returns the levels that disagree (empty when the books balance).
 */
export async function unbalancedLevels(ts: TestServer, organizationId: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: ts.database.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT i.warehouse_id, i.product_id, i.quantity_on_hand, i.quantity_reserved, l.on_hand, l.reserved, r.held
       FROM inventory i
       LEFT JOIN LATERAL (SELECT coalesce(sum(on_hand_delta), 0)::int AS on_hand, coalesce(sum(reserved_delta), 0)::int AS reserved
                          FROM inventory_transactions t
                          WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) l ON true
       LEFT JOIN LATERAL (SELECT coalesce(sum(quantity), 0)::int AS held FROM reservations r
                          WHERE r.organization_id = i.organization_id AND r.warehouse_id = i.warehouse_id AND r.product_id = i.product_id
                            AND r.status = 'active') r ON true
       WHERE i.organization_id = $1
         AND (l.on_hand <> i.quantity_on_hand OR l.reserved <> i.quantity_reserved OR r.held <> i.quantity_reserved)`,
      [organizationId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/** Runs one query as the database superuser against the test server's database. */
export async function adminQuery<R extends pg.QueryResultRow>(
  ts: TestServer,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: ts.database.adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A supplier id products of the organization may reference. Suppliers belong to procurement;
 * when its table exists (the foreign key from products then holds), a supplier row is created
 * directly, otherwise any UUID will do.
 */
export async function supplierIdFor(ts: TestServer, organizationId: string): Promise<string> {
  const [exists] = await adminQuery<{ t: string | null }>(ts, `SELECT to_regclass('suppliers')::text AS t`);
  if (!exists?.t) return randomUUID();
  const name = `Supplier ${randomUUID()}`;
  const [row] = await adminQuery<{ id: string }>(
    ts,
    `INSERT INTO suppliers (organization_id, name, name_key) VALUES ($1, $2, $3) RETURNING id`,
    [organizationId, name, caseInsensitiveKey(name)],
  );
  return row!.id;
}

/**
 * Checks the ledger against every balance (migrations/0012), as the database superuser: for
 * each stock_balances row, the ledger rows of its (warehouse, location, product, lot) sum to its
 * on hand and reserved; for each level, the ledger rows of its default location without a lot
 * sum to its unlocated stock (on hand - located) and to its reserved less what balances hold;
 * and every level's located / on hold / damaged totals equal its balances'. Returns what
 * disagrees (empty when the books balance). Lot- and serial-tracked products keep no unlocated
 * stock: their default location's ledger rows belong to its balance rows.
 */
export async function unbalancedBalances(ts: TestServer, organizationId: string): Promise<unknown[]> {
  return adminQuery(
    ts,
    `SELECT 'balance' AS kind, b.warehouse_id, b.location_id, b.product_id, b.lot_id, b.quantity_on_hand, b.quantity_reserved, l.on_hand, l.reserved
     FROM stock_balances b
     LEFT JOIN LATERAL (SELECT coalesce(sum(on_hand_delta), 0)::int AS on_hand, coalesce(sum(reserved_delta), 0)::int AS reserved
                        FROM inventory_transactions t
                        WHERE t.organization_id = b.organization_id AND t.warehouse_id = b.warehouse_id AND t.product_id = b.product_id
                          AND t.location_id = b.location_id AND t.lot_id IS NOT DISTINCT FROM b.lot_id) l ON true
     WHERE b.organization_id = $1 AND (l.on_hand <> b.quantity_on_hand OR l.reserved <> b.quantity_reserved)
     UNION ALL
     SELECT 'default', i.warehouse_id, i.warehouse_id, i.product_id, NULL, i.quantity_on_hand - i.quantity_located,
            i.quantity_reserved - s.reserved, l.on_hand, l.reserved
     FROM inventory i
     LEFT JOIN LATERAL (SELECT coalesce(sum(on_hand_delta), 0)::int AS on_hand, coalesce(sum(reserved_delta), 0)::int AS reserved
                        FROM inventory_transactions t
                        WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id
                          AND t.location_id = i.warehouse_id AND t.lot_id IS NULL
                          -- A tracked product's default-location stock is a balance row (checked above).
                          AND NOT EXISTS (SELECT 1 FROM products p WHERE p.organization_id = i.organization_id
                                          AND p.id = i.product_id AND (p.lot_tracked OR p.serial_tracked))) l ON true
     LEFT JOIN LATERAL (SELECT coalesce(sum(b.quantity_on_hand), 0)::int AS on_hand, coalesce(sum(b.quantity_reserved), 0)::int AS reserved,
                               coalesce(sum(b.quantity_on_hand) FILTER (WHERE loc.type = 'hold'), 0)::int AS on_hold,
                               coalesce(sum(b.quantity_on_hand) FILTER (WHERE loc.type = 'damaged'), 0)::int AS damaged
                        FROM stock_balances b JOIN locations loc ON loc.organization_id = b.organization_id AND loc.id = b.location_id
                        WHERE b.organization_id = i.organization_id AND b.warehouse_id = i.warehouse_id AND b.product_id = i.product_id) s ON true
     WHERE i.organization_id = $1
       AND (l.on_hand <> i.quantity_on_hand - i.quantity_located OR l.reserved <> i.quantity_reserved - s.reserved
            OR s.on_hand <> i.quantity_located OR s.on_hold <> i.quantity_on_hold OR s.damaged <> i.quantity_damaged)`,
    [organizationId],
  );
}
