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
