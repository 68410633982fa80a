/**
 * Loads a realistic benchmark tenant quickly, with progress: by default 100k products,
 * 20 warehouses, 1M stock rows (each product stocked in half the warehouses) with one
 * `receive` ledger row per non-empty level (so the ledger still sums to the levels), plus
 * 10 other tenants of 10k products each that every query must skip over. Idempotent: a tenant
 * that already has its products is left alone. Runs as the owner role, set-based SQL in
 * batches, with the audit triggers bypassed (replica mode) when the connection may do so.
 */
import { SingleBar, Presets } from 'cli-progress';
import pg from 'pg';
import { createOrganization } from '../src/identity/organization-setup.js';
import { Passwords } from '../src/identity/passwords.js';
import { caseInsensitiveKey } from '../src/platform/case-insensitive-key.js';
import { Database } from '../src/platform/db/database.js';
import { OWNER_ROLE } from '../src/platform/db/migrate.js';

export interface DataSize {
  products: number;
  warehouses: number;
  /** Other tenants, each with `products / 10` products and 5 warehouses. */
  otherTenants: number;
}

export const FULL: DataSize = { products: 100_000, warehouses: 20, otherTenants: 10 };
export const SMOKE: DataSize = { products: 2_000, warehouses: 4, otherTenants: 2 };
const BATCH = 10_000;

export const skuOf = (n: number) => `SKU-${String(n).padStart(7, '0')}`;

/** Ensures `orgName` exists with `size` worth of data; returns its id. */
export async function ensureTenantData(
  adminUrl: string,
  orgName: string,
  size: { products: number; warehouses: number },
  adminEmail = `admin@${orgName}.test`,
  log = true,
): Promise<string> {
  const owner = new Database({ connectionString: adminUrl, role: OWNER_ROLE, poolMax: 1, statementTimeoutMs: 0 });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const existing = await admin.query<{ id: string }>('SELECT id FROM organizations WHERE name_key = $1', [
      caseInsensitiveKey(orgName),
    ]);
    const organizationId =
      existing.rows[0]?.id ??
      (
        await createOrganization(owner, new Passwords(4), {
          name: orgName,
          admin: { email: adminEmail, displayName: 'Bench', password: 'bench-password-123' },
        })
      ).organizationId;
    const { rows } = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM products WHERE organization_id = $1',
      [organizationId],
    );
    if (rows[0]!.n >= size.products) return organizationId;

    const superuser = (
      await admin.query<{ su: boolean }>(`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`)
    ).rows[0]!.su;
    const bar = log
      ? new SingleBar(
          {
            format: `  ${orgName.padEnd(14)} {bar} {percentage}% | {value}/{total} products | {eta}s left`,
            noTTYOutput: true,
            notTTYSchedule: 5000,
          },
          Presets.shades_classic,
        )
      : undefined;
    bar?.start(size.products, 0);
    await admin.query('BEGIN');
    await admin.query(`SET LOCAL ROLE ${OWNER_ROLE}`);
    await admin.query(`SELECT set_config('app.org_id', $1, true)`, [organizationId]);
    await admin.query(
      `INSERT INTO warehouses (organization_id, code, name, capacity_units)
       SELECT $1, 'WH-' || lpad(w::text, 2, '0'), 'Warehouse ' || lpad(w::text, 2, '0'), 1000000
       FROM generate_series(1, $2) w ON CONFLICT DO NOTHING`,
      [organizationId, size.warehouses],
    );
    await admin.query('COMMIT');
    for (let from = rows[0]!.n + 1; from <= size.products; from += BATCH) {
      const to = Math.min(size.products, from + BATCH - 1);
      await admin.query('BEGIN');
      if (superuser) await admin.query(`SET LOCAL session_replication_role = replica`); // skip audit triggers for bulk load
      await admin.query(`SET LOCAL ROLE ${OWNER_ROLE}`);
      await admin.query(`SELECT set_config('app.org_id', $1, true)`, [organizationId]);
      await admin.query(
        // The key of the ASCII name 'Product n' is its lower case, 'product n'.
        `INSERT INTO products (organization_id, sku, name, name_key, description, unit_cost, unit_cost_currency, selling_price, selling_price_currency, reorder_point, reorder_quantity)
         SELECT $1, 'SKU-' || lpad(n::text, 7, '0'), 'Product ' || n, 'product ' || n, 'Generated benchmark product ' || n,
                ((n % 1000) + 100) / 100.0, 'EUR', ((n % 1000) + 150) / 100.0, 'EUR', 20, 100
         FROM generate_series($2::int, $3::int) n`,
        [organizationId, from, to],
      );
      // Each product is stocked in every other warehouse: products x warehouses / 2 levels.
      await admin.query(
        `INSERT INTO inventory (organization_id, warehouse_id, product_id, quantity_on_hand, reorder_point)
         SELECT p.organization_id, w.id, p.id, (abs(hashtext(p.sku || w.code)) % 500), 20
         FROM products p JOIN warehouses w ON w.organization_id = p.organization_id
         WHERE p.organization_id = $1 AND p.sku BETWEEN $2 AND $3
           AND (substr(p.sku, 5)::int + substr(w.code, 4)::int) % 2 = 0`,
        [organizationId, skuOf(from), skuOf(to)],
      );
      await admin.query(
        `INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference)
         SELECT i.organization_id, i.warehouse_id, i.warehouse_id, i.product_id, 'receive', i.quantity_on_hand, 0, i.quantity_on_hand, 0, 'bench data'
         FROM inventory i JOIN products p ON p.organization_id = i.organization_id AND p.id = i.product_id
         WHERE i.organization_id = $1 AND p.sku BETWEEN $2 AND $3 AND i.quantity_on_hand > 0`,
        [organizationId, skuOf(from), skuOf(to)],
      );
      await admin.query('COMMIT');
      bar?.update(to);
    }
    bar?.stop();
    await admin.query('ANALYZE products, warehouses, inventory, inventory_transactions');
    return organizationId;
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await admin.end();
    await owner.close();
  }
}

/** The main benchmark tenant and its neighbours. */
export async function ensureBenchData(
  adminUrl: string,
  size: DataSize,
  mainOrg: string,
  mainEmail: string,
): Promise<string> {
  const started = performance.now();
  // Two bench runs at once (two shells, or CI beside a developer) load one tenant in turn,
  // not both at once into the same rows.
  const lock = new pg.Client({ connectionString: adminUrl });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('imsop-bench-data'))`);
    const id = await ensureTenantData(adminUrl, mainOrg, size, mainEmail);
    for (let i = 1; i <= size.otherTenants; i++) {
      await ensureTenantData(adminUrl, `bench-other-${i}`, { products: Math.ceil(size.products / 10), warehouses: 5 });
    }
    console.log(`  data ready in ${Math.round(performance.now() - started) / 1000} s`);
    return id;
  } finally {
    await lock.end(); // ends the session, and with it the lock
  }
}
