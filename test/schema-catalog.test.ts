import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE, OWNER_ROLE } from '../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';

/**
 * The tenancy rules of docs/design.md, checked from PostgreSQL's catalog for every table that exists,
 * so a table added by a later migration is held to them without anyone remembering. Both schemas
 * with tables are covered: `public` and `archive` (where retention moves old rows; same rules).
 */

/** Tables that are deliberately not tenant-scoped, and why. */
const GLOBAL_TABLES: Record<string, string> = {
  permissions: 'the global catalogue of resource:action pairs (a reference table on Citus)',
  maintenance_runs:
    'one row per scheduled background job (when it last ran), reached only through claim_maintenance_run',
  change_event_relays:
    'one row per NATS stream the change feed is relayed to (how far it got), reached only through the relay functions of 0013',
};
const SCHEMAS = ['public', 'archive'];
/** The tenant root: its own `id` is the tenant key. */
const ROOT_TABLE = 'organizations';

let db: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

/** Every table; `name` is schema-qualified outside `public` (e.g. `archive.purchase_orders`). */
async function tables(): Promise<
  { name: string; schema: string; table: string; rls: boolean; force: boolean; owner: string }[]
> {
  const { rows } = await admin.query(
    `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name, n.nspname AS schema, c.relname AS table,
            c.relrowsecurity AS rls, c.relforcerowsecurity AS force, pg_get_userbyid(c.relowner) AS owner
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY ($1) AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations' AND NOT c.relispartition
     ORDER BY 1`,
    [SCHEMAS],
  );
  return rows;
}

async function constraintColumns(table: string, type: 'p' | 'u' | 'f') {
  const { rows } = await admin.query<{
    name: string;
    columns: string[];
    target: string | null;
    target_columns: string[] | null;
  }>(
    `SELECT con.conname AS name,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            con.confrelid::regclass::text AS target,
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS target_columns
     FROM pg_constraint con WHERE con.conrelid = $1::regclass AND con.contype = $2`,
    [table, type],
  );
  return rows;
}

describe('every table follows the tenancy rules', () => {
  it('has the tables the design names', async () => {
    const names = (await tables()).map((t) => t.name);
    for (const t of ['organizations', 'users', 'roles', 'permissions', 'user_roles']) expect(names).toContain(t);
    expect(
      names.some((n) => n.startsWith('archive.')),
      'the archive schema has tables',
    ).toBe(true);
  });

  it('tenant tables: organization_id, RLS enabled and forced, a fail-closed policy, owned by the owner role', async () => {
    for (const t of await tables()) {
      expect(t.owner, t.name).toBe(OWNER_ROLE);
      if (GLOBAL_TABLES[t.name]) continue;
      expect(t.rls, `${t.name} RLS enabled`).toBe(true);
      expect(t.force, `${t.name} RLS forced`).toBe(true);
      const { rows: policies } = await admin.query<{ qual: string; with_check: string | null; roles: string[] }>(
        `SELECT qual, with_check, roles::text[] AS roles FROM pg_policies WHERE schemaname = $1 AND tablename = $2`,
        [t.schema, t.table],
      );
      const key = t.name === ROOT_TABLE ? 'id' : 'organization_id';
      const isolation = policies.filter((p) => p.roles.includes('public'));
      expect(isolation.length, `${t.name} has one policy for everyone`).toBe(1);
      for (const clause of [isolation[0]!.qual, isolation[0]!.with_check]) {
        expect(clause, t.name).toContain(
          `(${key} = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)`,
        );
      }
      if (t.name !== ROOT_TABLE) {
        const { rows } = await admin.query(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'organization_id' AND is_nullable = 'NO'`,
          [t.schema, t.table],
        );
        expect(rows.length, `${t.name}.organization_id NOT NULL`).toBe(1);
      }
    }
  });

  it('tenant tables: organization_id leads the primary key and is in every unique constraint and every foreign key to a tenant table', async () => {
    for (const t of await tables()) {
      if (GLOBAL_TABLES[t.name] || t.name === ROOT_TABLE) continue;
      const [pk] = await constraintColumns(t.name, 'p');
      expect(pk?.columns[0], `${t.name} primary key`).toBe('organization_id');
      for (const u of await constraintColumns(t.name, 'u'))
        expect(u.columns, `${t.name} ${u.name}`).toContain('organization_id');
      const { rows: uniqueIndexes } = await admin.query<{ def: string }>(
        `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indisunique`,
        [t.name],
      );
      for (const u of uniqueIndexes) expect(u.def, t.name).toContain('organization_id');
      for (const fk of await constraintColumns(t.name, 'f')) {
        if (fk.target && GLOBAL_TABLES[fk.target]) continue;
        if (fk.target === ROOT_TABLE) {
          expect(fk.columns, `${t.name} ${fk.name}`).toEqual(['organization_id']);
          continue;
        }
        expect(fk.columns[0], `${t.name} ${fk.name} is composite on the tenant`).toBe('organization_id');
        expect(fk.target_columns?.[0], `${t.name} ${fk.name}`).toBe('organization_id');
      }
    }
  });
});

describe('the app role', () => {
  it('is not superuser, cannot bypass RLS, owns nothing and has no DDL rights', async () => {
    const { rows } = await admin.query(
      `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1`,
      [APP_ROLE],
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await admin.query(
      `SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
      [APP_ROLE],
    );
    expect(owned.rows[0].n).toBe(0);
    for (const schema of SCHEMAS) {
      const create = await admin.query(`SELECT has_schema_privilege($1, $2, 'CREATE') AS c`, [APP_ROLE, schema]);
      expect(create.rows[0].c, schema).toBe(false);
    }
  });

  it('sees zero rows of any tenant table when no tenant is set, even though rows exist', async () => {
    const orgId = '11111111-1111-4111-8111-111111111111';
    await admin.query(`INSERT INTO organizations (id, name, name_key) VALUES ($1, 'catalog-org', 'catalog-org')`, [
      orgId,
    ]);
    await admin.query(
      `INSERT INTO users (organization_id, email, display_name, password_hash) VALUES ($1, 'u@x.test', 'U', 'x')`,
      [orgId],
    );
    const url = new URL(db.adminUrl);
    url.username = APP_ROLE;
    url.password = TEST_APP_PASSWORD;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      for (const t of await tables()) {
        if (GLOBAL_TABLES[t.name]) continue;
        const plain = await app.query(`SELECT count(*)::int AS n FROM ${t.name}`);
        expect(plain.rows[0].n, `${t.name} with no tenant`).toBe(0);
        // An empty tenant (what a pooled connection may carry) must also fail closed.
        await app.query(`SELECT set_config('app.org_id', '', false)`);
        const empty = await app.query(`SELECT count(*)::int AS n FROM ${t.name}`);
        expect(empty.rows[0].n, `${t.name} with empty tenant`).toBe(0);
      }
      await app.query(`SELECT set_config('app.org_id', $1, false)`, [orgId]);
      expect((await app.query(`SELECT count(*)::int AS n FROM users`)).rows[0].n).toBe(1);
      await expect(app.query(`INSERT INTO organizations (name) VALUES ('sneaky')`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(app.query(`ALTER TABLE users DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(/must be owner/);
    } finally {
      await app.end();
    }
  });
});
