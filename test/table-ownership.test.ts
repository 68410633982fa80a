import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECLARED_READERS, TABLE_OWNERS, type TableOwner } from '../src/table-owners.js';
import { tableMentions } from './support/table-mentions.js';

/**
 * Every table has one owner (src/table-owners.ts), and only the owner names it in SQL: a domain
 * reads another's data through its public face or a port, never from its tables. Reads by a
 * declared reader (DECLARED_READERS) are the one exception, and never writes.
 */
const TABLES = new Set(Object.keys(TABLE_OWNERS));
const DOMAINS = ['identity', 'inventory', 'procurement', 'shipments', 'analytics', 'webhooks'] as const;

/**
 * Files outside the ownership rule, with the reason. The migration machinery's data steps are
 * part of the schema's history (migrations/), which spans every domain.
 */
const EXEMPT: Record<string, string> = {
  'src/platform/db/case-insensitive-backfill.ts': 'the data step of migrations/0009, recomputing keys in every domain',
};

/** Who a source file speaks for: its domain, the platform, or none (composition root, adapters, entry points, SDK). */
function partOf(file: string): TableOwner | 'none' {
  const [, top] = file.split('/');
  if ((DOMAINS as readonly string[]).includes(top!)) return top as TableOwner;
  return top === 'platform' ? 'platform' : 'none';
}

function violations(file: string, code: string): string[] {
  const part = partOf(file);
  return tableMentions(file, code, TABLES)
    .filter((m) => {
      const owner = TABLE_OWNERS[m.table as keyof typeof TABLE_OWNERS];
      if (owner === part) return false;
      return !(
        m.access === 'read' &&
        part !== 'none' &&
        (DECLARED_READERS[m.table as keyof typeof TABLE_OWNERS] ?? []).includes(part)
      );
    })
    .map(
      (m) =>
        `${file}:${m.line} ${m.how} (${m.access}): ${m.table} belongs to ${TABLE_OWNERS[m.table as keyof typeof TABLE_OWNERS]}`,
    );
}

function sourceFiles(): string[] {
  return (readdirSync('src', { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.posix.join('src', f.split(path.sep).join('/')))
    .sort();
}

describe('table ownership', () => {
  it('gives every table of the schema exactly one owner', () => {
    const schema = readFileSync('gen/db/schema.ts', 'utf8');
    const body = /export interface DB \{([^}]*)\}/.exec(schema)![1]!;
    const tables = [...body.matchAll(/^\s*"?([a-z_.]+)"?:/gm)].map((m) => m[1]!);
    expect(tables.length).toBeGreaterThan(0);
    expect([...TABLES].sort()).toEqual([...tables].sort());
    for (const [table, readers] of Object.entries(DECLARED_READERS)) {
      expect(TABLES.has(table), `${table} is a table`).toBe(true);
      expect(readers, `${table}'s owner is not its declared reader`).not.toContain(
        TABLE_OWNERS[table as keyof typeof TABLE_OWNERS],
      );
    }
  });

  it('no source file names a table it does not own in SQL (kysely calls, raw SQL, row types)', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(50);
    const found = files.filter((f) => !(f in EXEMPT)).flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
    for (const f of Object.keys(EXEMPT)) expect(files, `exempt file ${f} exists`).toContain(f);
  });

  // The detector itself, on probes: each way of naming a table is caught.
  it('catches every way of naming a foreign table, and allows the owner and declared reads', () => {
    expect(
      violations('src/shipments/probe.ts', "const q = (tx: Tx) => tx.selectFrom('purchase_orders as po').selectAll();"),
    ).toHaveLength(1);
    expect(
      violations('src/procurement/probe.ts', "await tx.updateTable('inventory').set({ version: 1 }).execute();"),
    ).toHaveLength(1);
    expect(
      violations(
        'src/shipments/probe.ts',
        "await tx.selectFrom('shipments as s').innerJoin('warehouses as w', 'w.id', 's.origin_warehouse_id');",
      ),
    ).toHaveLength(1);
    expect(
      violations(
        'src/analytics/metrics/probe.ts',
        'const q = sql`SELECT count(*) FROM inventory i JOIN products p ON p.id = i.product_id`;',
      ),
    ).toHaveLength(2);
    expect(
      violations(
        'src/analytics/probe.ts',
        'const q = sql`DELETE FROM shipment_tracking WHERE organization_id = ${org}`;',
      ),
    ).toHaveLength(1);
    expect(violations('src/inventory/probe.ts', "type Row = SelectedRow<'shipments', ['id']>;")).toHaveLength(1);
    expect(violations('src/adapters/probe.ts', "await tx.selectFrom('products').selectAll().execute();")).toHaveLength(
      1,
    );
    // A declared reader may read, never write.
    expect(
      violations('src/analytics/probe.ts', "await tx.selectFrom('analytics_events').selectAll().execute();"),
    ).toEqual([]);
    expect(
      violations('src/analytics/probe.ts', "await tx.insertInto('analytics_events').values(rows).execute();"),
    ).toHaveLength(1);
    // The owner, comments and CTE names are fine.
    expect(
      violations(
        'src/inventory/probe.ts',
        "// reads FROM shipments\nawait tx.selectFrom('products').innerJoin('inventory as i', 'i.product_id', 'products.id');",
      ),
    ).toEqual([]);
    expect(
      violations('src/analytics/probe.ts', 'const q = sql`WITH levels AS (${facts}) SELECT count(*) FROM levels`;'),
    ).toEqual([]);
  });
});
