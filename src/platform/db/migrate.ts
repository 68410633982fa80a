import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { projectPath } from '../project-path.js';
import { backfillCaseInsensitiveKeys } from './case-insensitive-backfill.js';

/** The role that owns the schema and runs migrations (NOLOGIN; the admin connection SETs it). */
export const OWNER_ROLE = 'imsop_owner';
/** The role the service connects as: not the owner, no superuser, no BYPASSRLS, DML only. */
export const APP_ROLE = 'imsop_app';

// Any fixed number works; every instance must use the same one so concurrent starts serialise.
const MIGRATION_LOCK_KEY = 7_220_001;

/**
 * Work a migration needs done with the service's own code (a key only the service can
 * compute), run right after that migration's SQL in the same transaction.
 */
const DATA_STEPS: Readonly<Record<string, (client: pg.ClientBase) => Promise<void>>> = {
  '0009_case_insensitive_text.sql': backfillCaseInsensitiveKeys,
};

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Creates the two roles (idempotent; the app role's password is (re)set from configuration),
 * grants, then applies every pending `migrations/*.sql` in name order, each in its own
 * transaction, recorded in `schema_migrations` with a checksum. Safe to run twice and from
 * several instances at once (an advisory lock serialises them).
 *
 * @param adminUrl a connection allowed to create roles and to become the owner role
 *   (a superuser locally; the service admin user on a managed PostgreSQL).
 * @param options.before apply only the migrations whose file name sorts before this one (to
 *   prepare a database as an older version left it).
 * @throws Error when an applied migration's file has changed since, or a migration fails
 *   (that migration is rolled back; earlier ones stay applied).
 */
export async function migrate(adminUrl: string, appPassword: string, logger?: Logger, options: { before?: string } = {}): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await bootstrapRoles(client, appPassword);
    await client.query(`SET ROLE ${OWNER_ROLE}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    // Bookkeeping of the owner only: the service must not read or rewrite migration history.
    await client.query(`REVOKE ALL ON schema_migrations FROM ${APP_ROLE}`);
    const done = new Map<string, string>(
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map(
        (r) => [r.name, r.checksum],
      ),
    );
    const migrationsDir = projectPath('migrations');
    const files = (await readdir(migrationsDir))
      .filter((f) => f.endsWith('.sql') && (options.before === undefined || f < options.before))
      .sort();
    const applied: string[] = [];
    for (const file of files) {
      const sql = await readFile(path.join(migrationsDir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`Migration ${file} was changed after it was applied; add a new migration instead.`);
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await DATA_STEPS[file]?.(client);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(file);
      logger?.info({ migration: file }, 'applied migration');
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.query('RESET ROLE').catch(() => {});
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

async function bootstrapRoles(client: pg.Client, appPassword: string): Promise<void> {
  await client.query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${OWNER_ROLE}') THEN CREATE ROLE ${OWNER_ROLE} NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} LOGIN; END IF;
  END $$`);
  await client.query(
    `ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${client.escapeLiteral(appPassword)}`,
  );
  const { rows } = await client.query<{ member: boolean; db: string }>(
    `SELECT pg_has_role(current_user, '${OWNER_ROLE}', 'MEMBER') AS member, current_database() AS db`,
  );
  if (!rows[0]!.member) await client.query(`GRANT ${OWNER_ROLE} TO CURRENT_USER`);
  const db = client.escapeIdentifier(rows[0]!.db);
  await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${APP_ROLE}`);
  await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${OWNER_ROLE}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
  // Retention's archive (migrations/0007) is a schema of its own; creating a schema needs a
  // database privilege the owner role does not have, so the admin creates it for the owner.
  await client.query(`CREATE SCHEMA IF NOT EXISTS archive AUTHORIZATION ${OWNER_ROLE}`);
  await client.query(
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`,
  );
  await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE}`);
  await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${OWNER_ROLE} IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
}

/** The app role's connection string: the admin URL's host, database and TLS settings with the app credentials. */
export function appConnectionString(adminUrl: string, appPassword: string): string {
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(appPassword);
  return url.toString();
}
