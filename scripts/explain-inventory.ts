/**
 * Regenerates docs/inventory-query-plans.md: the EXPLAIN (ANALYZE, BUFFERS) plans of the
 * inventory domain's list queries on a database holding well over 100k stock levels.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/explain-inventory.ts
 *
 * (without TEST_DATABASE_URL a throwaway embedded PostgreSQL is used). It creates a scratch
 * database, migrates it, loads a large tenant and two small ones with set-based SQL, ANALYZEs,
 * then explains the very statements the service runs: they are built by the same builders
 * (src/inventory/list-queries.ts) and executed as the app role with the tenant set, so row level
 * security is part of every plan. `--check` exits non-zero when a plan reads a big table with a
 * sequential scan, without writing the document.
 */
import { writeFile } from 'node:fs/promises';
import { Kysely, PostgresDialect, type Compilable } from 'kysely';
import pg from 'pg';
import type { DB } from '../gen/db/schema.js';
import {
  listProductsQuery,
  listReservationsQuery,
  listStockLevelsQuery,
  listTransactionsQuery,
  listWarehousesQuery,
  productsInventoryQuery,
} from '../src/inventory/list-queries.js';
import { APP_ROLE, migrate } from '../src/platform/db/migrate.js';
import { acquirePostgresServer } from '../test/support/postgres-server.js';

const WAREHOUSES = 10;
const PRODUCTS = 12_000;
const OUT = new URL('../docs/inventory-query-plans.md', import.meta.url);
const check = process.argv.includes('--check');

const server = await acquirePostgresServer();
const database = `imsop_explain_${process.pid}`;
const maintenance = new pg.Client({ connectionString: server.urlFor('postgres') });
await maintenance.connect();
await maintenance.query(`CREATE DATABASE ${database}`);
const client = new pg.Client({ connectionString: server.urlFor(database) });
// Compiles the service's queries; never connects (the pool is only created, not used).
const builder = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) });
let failed = false;
try {
  await migrate(server.urlFor(database), 'explain-only-password');
  await client.connect();
  const started = Date.now();
  const big = await seed();
  await client.query('ANALYZE');
  const seedSeconds = ((Date.now() - started) / 1000).toFixed(1);
  const counts = (
    await client.query<{ t: string; n: string }>(
      `SELECT 'inventory' AS t, count(*) AS n FROM inventory UNION ALL SELECT 'products', count(*) FROM products
       UNION ALL SELECT 'warehouses', count(*) FROM warehouses UNION ALL SELECT 'inventory_transactions', count(*) FROM inventory_transactions
       UNION ALL SELECT 'reservations', count(*) FROM reservations ORDER BY 2 DESC`,
    )
  ).rows;
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;

  const org = big.organizationId;
  const aSku = 'SKU-006100';
  const cases: { title: string; why: string; query: Compilable }[] = [
    {
      title: 'ListProducts, first page',
      why: 'default filter (not archived), SKU order',
      query: listProductsQuery(builder, org, {}, undefined, 50),
    },
    {
      title: 'ListProducts, page 200',
      why: 'keyset: a deep page costs what the first does',
      query: listProductsQuery(builder, org, {}, 'SKU-010000', 50),
    },
    {
      title: 'ListProducts, SKU prefix',
      why: 'prefix as a range on the unique (organization_id, sku) index',
      query: listProductsQuery(builder, org, { skuPrefix: 'SKU-0061' }, undefined, 50),
    },
    {
      title: 'ListProducts, name prefix',
      why: 'range on (organization_id, name_key), name_key being the stored case-insensitive key of the name, in byte order',
      query: listProductsQuery(builder, org, { namePrefix: 'drill 61' }, undefined, 50),
    },
    {
      title: 'ListProducts, by status',
      why: '(organization_id, status, sku) yields the page in order',
      query: listProductsQuery(builder, org, { status: 'discontinued' }, undefined, 50),
    },
    { title: 'ListWarehouses', why: 'code order', query: listWarehousesQuery(builder, org, undefined, undefined, 50) },
    {
      title: 'ListStockLevels, by product',
      why: 'inventory_product_idx, warehouse order',
      query: listStockLevelsQuery(builder, org, { productId: big.productId, lowStockOnly: false }, undefined, 50),
    },
    {
      title: 'ListStockLevels, by warehouse, deep page',
      why: 'primary key range after the cursor',
      query: listStockLevelsQuery(
        builder,
        org,
        { warehouseId: big.warehouseId, lowStockOnly: false },
        [big.warehouseId, big.midProductId],
        50,
      ),
    },
    {
      title: 'ListStockLevels, all, deep page',
      why: 'row comparison on the primary key',
      query: listStockLevelsQuery(builder, org, { lowStockOnly: false }, [big.warehouseId, big.midProductId], 50),
    },
    {
      title: 'ListStockLevels, low stock only',
      why: 'the partial index holds only low levels',
      query: listStockLevelsQuery(builder, org, { lowStockOnly: true }, undefined, 50),
    },
    {
      title: 'ListStockLevels, low stock at one warehouse',
      why: 'partial index, warehouse prefix',
      query: listStockLevelsQuery(builder, org, { warehouseId: big.warehouseId, lowStockOnly: true }, undefined, 50),
    },
    {
      title: 'GetProductInventory (inventory by product, the SKUs of concurrent calls in one statement)',
      why: 'SKUs -> products -> their levels -> warehouses, by SKU and warehouse name',
      query: productsInventoryQuery(builder, org, `{"${aSku}"}`, 1000),
    },
    {
      title: 'ListInventoryTransactions, by product',
      why: 'inventory_transactions_product_idx, newest first',
      query: listTransactionsQuery(builder, org, { productId: big.productId }, undefined, 50),
    },
    {
      title: 'ListInventoryTransactions, by product and warehouse',
      why: 'inventory_transactions_level_idx',
      query: listTransactionsQuery(
        builder,
        org,
        { productId: big.productId, warehouseId: big.warehouseId },
        undefined,
        50,
      ),
    },
    {
      title: 'ListInventoryTransactions, organization, last 7 days, deep page',
      why: '(organization_id, created_at, id) range + keyset',
      query: listTransactionsQuery(
        builder,
        org,
        { startTime: new Date(Date.now() - 7 * 86400_000) },
        [big.cursorTime, big.cursorId],
        50,
      ),
    },
    {
      title: 'ListInventoryTransactions, by warehouse and type',
      why: 'tenant time index, filtered',
      query: listTransactionsQuery(builder, org, { warehouseId: big.warehouseId, type: 'issue' }, undefined, 50),
    },
    {
      title: 'ListReservations, active',
      why: '(organization_id, status, created_at, id)',
      query: listReservationsQuery(builder, org, { status: 'active' }, undefined, 50),
    },
  ];

  const sections: string[] = [];
  const summary: string[] = [];
  for (const c of cases) {
    const compiled = c.query.compile();
    const plan = await explain(org, compiled.sql, compiled.parameters as unknown[]);
    const seqScans = plan.json.filter(
      (n) =>
        n.type === 'Seq Scan' &&
        n.relation &&
        ['inventory', 'inventory_transactions', 'products', 'reservations'].includes(n.relation),
    );
    if (seqScans.length > 0) failed = true;
    const indexes = [...new Set(plan.json.filter((n) => n.index).map((n) => n.index!))];
    const scans = [
      ...new Set(
        plan.json
          .filter((n) => /Scan/.test(n.type) && n.relation)
          .map((n) => `${n.type}${n.relation ? ` on ${n.relation}` : ''}`),
      ),
    ];
    summary.push(
      `| ${c.title} | ${indexes.map((i) => `\`${i}\``).join(', ') || '-'} | ${scans.join('; ')} | ${plan.rows} | ${plan.ms.toFixed(2)} ms |`,
    );
    sections.push(
      [
        `### ${c.title}`,
        '',
        `${c.why}.`,
        '',
        '```sql',
        formatSql(compiled.sql),
        '```',
        '',
        `Parameters: \`${JSON.stringify(compiled.parameters)}\``,
        '',
        '```',
        plan.text,
        '```',
      ].join('\n'),
    );
  }

  const doc = [
    '# Inventory query plans',
    '',
    '<!-- Generated by scripts/explain-inventory.ts; do not edit by hand. -->',
    '',
    'The `EXPLAIN (ANALYZE, BUFFERS)` plans of the inventory list queries, as the service runs them:',
    'built by `src/inventory/list-queries.ts`, executed as the app role (`imsop_app`) inside a',
    'transaction with `app.org_id` set, so the row-level-security predicate is part of each plan.',
    'Regenerate with',
    '',
    '```sh',
    'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/explain-inventory.ts',
    '```',
    '',
    `Data (loaded in ${seedSeconds} s, then \`ANALYZE\`; PostgreSQL ${version}): one large organization with`,
    `${WAREHOUSES} warehouses × ${PRODUCTS.toLocaleString('en-US')} products (every product stocked everywhere), two small`,
    'organizations beside it, a receipt and usually an issue per level in the ledger over the last 180',
    'days, and an active reservation at about 5% of the levels.',
    '',
    '| table | rows |',
    '|---|---:|',
    ...counts.map((r) => `| ${r.t} | ${Number(r.n).toLocaleString('en-US')} |`),
    '',
    '## Summary',
    '',
    'Every list is a keyset page (`LIMIT page_size + 1`) read through an index: no plan scans a large',
    'table sequentially, the pages come in index order (only the prefix filters sort, and only their',
    'matches), and a deep page costs what the first page does. Times are single warm runs on the',
    'machine that generated this file: measurements, not guarantees.',
    '',
    '| query | indexes | scans | rows | execution |',
    '|---|---|---|---:|---:|',
    ...summary,
    '',
    'Notes:',
    '',
    '- "By warehouse and type" of the ledger reads the tenant\'s time index and filters: it reads',
    '  roughly (warehouses ÷ share of the type) entries per entry returned. An index on',
    '  (organization_id, warehouse_id, created_at, id) would make it exact, at the price of one more',
    '  index write per ledger row, the table that grows fastest; not added until that listing matters.',
    '- A SKU prefix is a bitmap scan of the unique index followed by a top-N sort of the matches;',
    '  a name prefix reads `name_key`, the stored case-insensitive key of the name: under row level security a condition',
    '  that calls a non-leakproof function such as `lower()` cannot be an index condition.',
    "- `warehouses` is small here, so its sequential scan is the planner's cheaper choice.",
    '',
    '## Plans',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  if (!check) await writeFile(OUT, doc);
  process.stdout.write(
    `${summary.join('\n')}\n${failed ? 'A plan scans a large table sequentially.\n' : ''}${check ? '' : `wrote ${OUT.pathname}\n`}`,
  );
} finally {
  await client.end().catch(() => {});
  await builder.destroy();
  await maintenance.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await maintenance.end();
  await server.stop();
}
process.exit(failed && check ? 1 : 0);

interface PlanNode {
  type: string;
  relation?: string;
  index?: string;
}

/** EXPLAIN ANALYZE as the app role of one tenant: the text plan, its nodes, rows and time. */
async function explain(org: string, text: string, parameters: unknown[]) {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
    await client.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
    await client.query(text, parameters); // warm the cache: plans below are of a warm run
    const textPlan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, parameters);
    const jsonPlan = await client.query<{ 'QUERY PLAN': [{ Plan: RawNode; 'Execution Time': number }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
      parameters,
    );
    const root = jsonPlan.rows[0]!['QUERY PLAN'][0];
    const nodes: PlanNode[] = [];
    const walk = (n: RawNode) => {
      nodes.push({ type: n['Node Type'], relation: n['Relation Name'], index: n['Index Name'] });
      for (const child of n.Plans ?? []) walk(child);
    };
    walk(root.Plan);
    return {
      text: textPlan.rows.map((r) => r['QUERY PLAN']).join('\n'),
      json: nodes,
      rows: root.Plan['Actual Rows'],
      ms: root['Execution Time'],
    };
  } finally {
    await client.query('ROLLBACK');
  }
}

interface RawNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  Plans?: RawNode[];
}

/** Breaks Kysely's one-line SQL before its main clauses, for reading. */
function formatSql(text: string): string {
  return text.replace(/ (from|inner join|left join|where|order by|limit) /g, '\n$1 ');
}

/**
 * Loads the data with set-based SQL as the superuser. Triggers (row audit) are off while
 * loading: this is a benchmark fixture, not business activity. The ledger is written so that it
 * sums to the levels, like the service's.
 */
async function seed() {
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SELECT setseed(0.42)`);
  const orgs = (
    await client.query<{ id: string; name: string }>(
      `INSERT INTO organizations (name, name_key) VALUES ('explain-large', 'explain-large'), ('explain-small-1', 'explain-small-1'), ('explain-small-2', 'explain-small-2') RETURNING id, name`,
    )
  ).rows;
  const large = orgs.find((o) => o.name === 'explain-large')!.id;
  for (const o of orgs) {
    const [warehouses, products] = o.id === large ? [WAREHOUSES, PRODUCTS] : [2, 5_000];
    await client.query(
      `INSERT INTO warehouses (organization_id, code, name)
       SELECT $1, 'WH-' || lpad(w::text, 2, '0'), 'Warehouse ' || chr(64 + w) FROM generate_series(1, $2::int) w`,
      [o.id, warehouses],
    );
    await client.query(
      // ASCII names: their case-insensitive key is their ASCII lower case.
      `INSERT INTO products (organization_id, sku, name, name_key, reorder_point, status, created_at)
       SELECT $1, 'SKU-' || lpad(p::text, 6, '0'), name, lower(name COLLATE "C"),
              20,
              CASE WHEN p % 50 = 0 THEN 'archived' WHEN p % 20 = 0 THEN 'discontinued' ELSE 'active' END,
              now() - (p || ' minutes')::interval
       FROM generate_series(1, $2::int) p,
            LATERAL (SELECT (ARRAY['Bolt', 'Nut', 'Washer', 'Screw', 'Drill', 'Glove', 'Cable', 'Pipe'])[1 + p % 8] || ' ' || p AS name) n`,
      [o.id, products],
    );
  }
  // Levels: every product at every warehouse of its organization.
  await client.query(`
    INSERT INTO inventory (organization_id, warehouse_id, product_id, quantity_on_hand, reorder_point, created_at, updated_at)
    SELECT w.organization_id, w.id, p.id, (random() * 500)::int, p.reorder_point, now() - interval '180 days', now() - (random() * interval '180 days')
    FROM warehouses w JOIN products p ON p.organization_id = w.organization_id`);
  // Ledger: a receipt of more than is there, then (usually) an issue of the difference.
  await client.query(`
    CREATE TEMP TABLE moves AS
    SELECT organization_id, warehouse_id, product_id, quantity_on_hand, (random() * 50)::int AS issued,
           now() - interval '180 days' + random() * interval '90 days' AS received_at, random() AS r
    FROM inventory`);
  await client.query(`
    INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, note, created_at)
    SELECT organization_id, warehouse_id, warehouse_id, product_id, 'receive', quantity_on_hand + issued, 0, quantity_on_hand + issued, 0, 'seed', received_at
    FROM moves WHERE quantity_on_hand + issued > 0`);
  await client.query(`
    INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, note, created_at)
    SELECT organization_id, warehouse_id, warehouse_id, product_id, 'issue', -issued, 0, quantity_on_hand, 0, 'seed', received_at + r * interval '90 days'
    FROM moves WHERE issued > 0`);
  // Reservations at ~5% of the levels that have stock, through the ledger too.
  await client.query(`
    CREATE TEMP TABLE held AS
    SELECT organization_id, warehouse_id, product_id, gen_random_uuid() AS id, least(quantity_on_hand, 1 + (random() * 4)::int) AS quantity
    FROM inventory WHERE quantity_on_hand > 0 AND random() < 0.05`);
  await client.query(`
    INSERT INTO reservations (organization_id, id, warehouse_id, product_id, quantity, expire_time, created_at, updated_at)
    SELECT organization_id, id, warehouse_id, product_id, quantity, now() + interval '1 day', now() - random() * interval '1 day', now() FROM held`);
  await client.query(`
    UPDATE inventory i SET quantity_reserved = h.quantity FROM held h
    WHERE i.organization_id = h.organization_id AND i.warehouse_id = h.warehouse_id AND i.product_id = h.product_id`);
  await client.query(`
    INSERT INTO inventory_transactions (organization_id, warehouse_id, location_id, product_id, type, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id, created_at)
    SELECT h.organization_id, h.warehouse_id, h.warehouse_id, h.product_id, 'reserve', 0, h.quantity, i.quantity_on_hand, h.quantity, h.id, r.created_at
    FROM held h JOIN inventory i USING (organization_id, warehouse_id, product_id) JOIN reservations r ON r.organization_id = h.organization_id AND r.id = h.id`);
  await client.query(`SET session_replication_role = DEFAULT`);
  const unbalanced = await client.query(`
    SELECT 1 FROM inventory i JOIN (SELECT organization_id, warehouse_id, product_id, sum(on_hand_delta) AS oh, sum(reserved_delta) AS rs
      FROM inventory_transactions GROUP BY 1, 2, 3) l USING (organization_id, warehouse_id, product_id)
    WHERE l.oh <> i.quantity_on_hand OR l.rs <> i.quantity_reserved LIMIT 1`);
  if (unbalanced.rowCount) throw new Error('seed ledger does not sum to the levels');

  const pick = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await client.query<T>(text, values)).rows[0]!;
  const warehouse = await pick<{ id: string }>(
    `SELECT id FROM warehouses WHERE organization_id = $1 AND code = 'WH-05'`,
    [large],
  );
  const product = await pick<{ id: string }>(
    `SELECT id FROM products WHERE organization_id = $1 AND sku = 'SKU-006100'`,
    [large],
  );
  const middle = await pick<{ id: string }>(
    `SELECT product_id AS id FROM inventory WHERE organization_id = $1 AND warehouse_id = $2 ORDER BY product_id OFFSET 6000 LIMIT 1`,
    [large, warehouse.id],
  );
  const cursor = await pick<{ t: string; id: string }>(
    `SELECT created_at::text AS t, id FROM inventory_transactions WHERE organization_id = $1 AND created_at >= now() - interval '7 days'
     ORDER BY created_at DESC, id DESC OFFSET 500 LIMIT 1`,
    [large],
  );
  return {
    organizationId: large,
    warehouseId: warehouse.id,
    productId: product.id,
    midProductId: middle.id,
    cursorTime: cursor.t,
    cursorId: cursor.id,
  };
}
