import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/platform/db/database.js';
import { OWNER_ROLE } from '../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

/**
 * The tenant settings travel with BEGIN in one round trip: what every transaction sees, and
 * what a pooled connection carries once the transaction is over (nothing), on one connection
 * so every transaction reuses the previous one's.
 */
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = new Database({ connectionString: testDb.adminUrl, role: OWNER_ROLE, poolMax: 1, statementTimeoutMs: 5_000 });
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

const ORG = '0b7c1d2e-3f40-4152-8637-48596a7b8c9d';
const settingsQuery = sql<{ org: string; user_id: string; kind: string; role: string}>`
  SELECT current_setting('app.org_id', true) AS org, current_setting('app.user_id', true) AS user_id,
         current_setting('app.actor_kind', true) AS kind, current_user AS role`;

describe('tenant transactions', () => {
  it('see their tenant, actor and role from the first statement on', async () => {
    const seen = await db.inTenant({ organizationId: ORG, userId: 'user-1', actorKind: 'api_key' }, async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(seen).toMatchObject({ org: ORG, user_id: 'user-1', kind: 'api_key', role: OWNER_ROLE });
  });

  it('run inside one transaction: a failure rolls back every statement', async () => {
    await db.inTenant({ organizationId: ORG }, (tx) => sql`CREATE TEMP TABLE probe (n int) ON COMMIT PRESERVE ROWS`.execute(tx));
    await expect(
      db.inTenant({ organizationId: ORG }, async (tx) => {
        await sql`INSERT INTO probe VALUES (1)`.execute(tx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.inTenant({ organizationId: ORG }, async (tx) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM probe`.execute(tx)).rows[0]);
    expect(rows?.n).toBe(0);
  });

  it('leave nothing behind on the pooled connection', async () => {
    await db.inTenant({ organizationId: ORG, userId: 'user-1' }, (tx) => settingsQuery.execute(tx));
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '', user_id: '', kind: 'system' });
  });

  it('set values verbatim, quotes and backslashes included (no injection through a setting)', async () => {
    const hostile = `x'); SELECT set_config('app.org_id', 'other', true); --\\'`;
    const seen = await db.inTenant({ organizationId: ORG, userId: hostile }, async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(seen).toMatchObject({ org: ORG, user_id: hostile });
  });
});
