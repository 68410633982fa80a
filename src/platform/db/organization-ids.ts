import { sql } from 'kysely';
import type { Database } from './database.js';

const PAGE = 1000;

/**
 * Every organization's id, a page at a time, in id order: the tenants background work visits
 * (aggregation, retention). The only cross-tenant question it asks: a SECURITY DEFINER function
 * (migrations/0007) answers it and reveals nothing else of identity's organizations table;
 * everything else happens inside each organization's own transaction.
 */
export async function* organizationIds(db: Database): AsyncGenerator<string> {
  let after: string | null = null;
  for (;;) {
    const ids: string[] = await db.withoutTenant(async (tx) => {
      const { rows } = await sql<{
        id: string;
      }>`SELECT f.id FROM maintenance_organization_ids(${after}::uuid, ${PAGE}) AS f(id)`.execute(tx);
      return rows.map((r) => r.id);
    });
    yield* ids;
    if (ids.length < PAGE) return;
    after = ids[ids.length - 1]!;
  }
}

/** All organization ids at once (background runs report progress against the total). */
export async function allOrganizationIds(db: Database): Promise<string[]> {
  const ids: string[] = [];
  for await (const id of organizationIds(db)) ids.push(id);
  return ids;
}
