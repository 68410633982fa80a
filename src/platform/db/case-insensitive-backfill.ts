import type pg from 'pg';
import { caseInsensitiveKey } from '../case-insensitive-key.js';

/** A case-insensitive key column and the text column it is the key of. */
interface KeyedColumn {
  table: string;
  text: string;
  key: string;
  /** Whether rows carry organization_id (every table but organizations itself). */
  tenant: boolean;
  /** Another column of the key's unique index, if any (rows clash only when it is equal too). */
  uniqueWith?: string;
}

const ORGANIZATION_NAMES: KeyedColumn = { table: 'organizations', text: 'name', key: 'name_key', tenant: false };
const TENANT_KEYS: readonly KeyedColumn[] = [
  { table: 'suppliers', text: 'name', key: 'name_key', tenant: true },
  { table: 'products', text: 'name', key: 'name_key', tenant: true },
  { table: 'shipments', text: 'carrier', key: 'carrier_key', tenant: true, uniqueWith: 'tracking_number' },
];

const BATCH_ROWS = 2_000;

interface NewKey {
  id: string;
  text: string;
  key: string;
}

/**
 * The data step of migrations/0009: recomputes every stored case-insensitive key with the
 * service's own function (the migration could only start them as PostgreSQL's lower()), and
 * writes the ones that differ. Runs as the owner inside the migration's transaction. Row level
 * security binds the owner too (FORCE), so it works one organization at a time under that
 * organization's app.org_id, as the service would.
 *
 * @throws Error naming both rows when two rows that must be unique now have the same key (the
 *   migration then rolls back as a whole).
 */
export async function backfillCaseInsensitiveKeys(client: pg.ClientBase): Promise<void> {
  // The owner may read every organization (the policy that serves resolve_organization).
  const organizations = await client.query<{ id: string; name: string; name_key: string }>(
    'SELECT id, name, name_key FROM organizations ORDER BY id',
  );
  for (const organization of organizations.rows) {
    await client.query(`SELECT set_config('app.org_id', $1, true)`, [organization.id]);
    const key = caseInsensitiveKey(organization.name);
    if (key !== organization.name_key)
      await writeKeys(client, ORGANIZATION_NAMES, organization.id, [
        { id: organization.id, text: organization.name, key },
      ]);
    for (const column of TENANT_KEYS) await backfillTable(client, organization.id, column);
  }
  await client.query(`SELECT set_config('app.org_id', '', true)`);
}

async function backfillTable(client: pg.ClientBase, organizationId: string, column: KeyedColumn): Promise<void> {
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const { rows } = await client.query<{ id: string; text: string; key: string }>(
      `SELECT id, ${column.text} AS text, ${column.key} AS key FROM ${column.table}
       WHERE organization_id = $1 AND id > $2 ORDER BY id LIMIT ${BATCH_ROWS}`,
      [organizationId, after],
    );
    const changed = rows
      .map((r) => ({ id: r.id, text: r.text, key: caseInsensitiveKey(r.text), old: r.key }))
      .filter((r) => r.key !== r.old);
    if (changed.length > 0) await writeKeys(client, column, organizationId, changed);
    if (rows.length < BATCH_ROWS) return;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * Writes the new keys in one statement. When that breaks a unique index, finds the first row
 * that cannot take its key (the index's own message hides the values under row level security)
 * and fails naming it and the rows it now equals.
 */
async function writeKeys(
  client: pg.ClientBase,
  column: KeyedColumn,
  organizationId: string,
  rows: NewKey[],
): Promise<void> {
  const { table, text, key, tenant, uniqueWith } = column;
  const update = (batch: NewKey[]) =>
    client.query(
      `UPDATE ${table} AS t SET ${key} = v.key FROM unnest($2::uuid[], $3::text[]) AS v(id, key)
       WHERE t.id = v.id ${tenant ? 'AND t.organization_id = $1' : 'AND t.id = $1'}`,
      [tenant ? organizationId : rows[0]!.id, batch.map((r) => r.id), batch.map((r) => r.key)],
    );
  if (await withinSavepoint(client, () => update(rows))) return;
  for (const row of rows) {
    if (await withinSavepoint(client, () => update([row]))) continue;
    const { rows: rivals } = await client.query<{ text: string }>(
      `SELECT ${text} AS text FROM ${table} AS r WHERE ${key} = $1 AND id <> $2 ${tenant ? 'AND organization_id = $3' : ''}
       ${uniqueWith ? `AND ${uniqueWith} = (SELECT ${uniqueWith} FROM ${table} WHERE id = $2 AND organization_id = r.organization_id)` : ''}
       ORDER BY id`,
      tenant ? [row.key, row.id, organizationId] : [row.key, row.id],
    );
    const where = tenant ? `${table} of organization ${organizationId}` : table;
    throw new Error(
      `${where}: ${[row.text, ...rivals.map((r) => r.text)].map((t) => JSON.stringify(t)).join(' and ')} must differ ignoring case, ` +
        `but all fold to ${JSON.stringify(row.key)} under Unicode case folding. Rename one of them with the previous version, then start again.`,
    );
  }
  throw new Error(
    `${table}: new case-insensitive keys break a unique index, though no single row does; rename the look-alikes and start again.`,
  );
}

/** Runs `work` under a savepoint; false (and the work undone) when it breaks a unique index. */
async function withinSavepoint(client: pg.ClientBase, work: () => Promise<unknown>): Promise<boolean> {
  await client.query('SAVEPOINT case_insensitive_keys');
  try {
    await work();
    await client.query('RELEASE SAVEPOINT case_insensitive_keys');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    await client.query('ROLLBACK TO SAVEPOINT case_insensitive_keys');
    return false;
  }
}
