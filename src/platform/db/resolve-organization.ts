import { sql } from 'kysely';
import { caseInsensitiveKey } from '../case-insensitive-key.js';
import type { Database } from './database.js';

/**
 * The id of the active organization that `nameOrId` names (its name in any case, or its id), or
 * undefined. Before any tenant is known, so through the database's resolve_organization, which
 * compares the case-insensitive key computed here with the stored one.
 */
export async function resolveOrganization(db: Database, nameOrId: string): Promise<string | undefined> {
  const key = caseInsensitiveKey(nameOrId.trim());
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{ id: string | null }>`SELECT resolve_organization(${key}) AS id`.execute(tx);
    return rows[0]?.id ?? undefined;
  });
}
