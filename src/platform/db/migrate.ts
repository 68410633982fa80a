import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { projectPath } from '../project-path.js';
import { SettingError } from '../setting-error.js';
import { describeConnectFailure } from './connect-failure.js';
import { connects, postgresClientConfig, type PostgresCa } from './postgres-connection.js';
import { backfillCaseInsensitiveKeys } from './case-insensitive-backfill.js';

/** Names of the two roles IMSOP creates; cluster-global, so several installations on one server need distinct prefixes. */
export interface DatabaseRoles {
  /** Owns the schema and runs migrations (NOLOGIN; the admin connection SETs it). */
  owner: string;
  /** What the service connects as: not the owner, no superuser, no BYPASSRLS, DML only. */
  app: string;
}

/** DATABASE_ROLE_PREFIX's default. */
export const DEFAULT_ROLE_PREFIX = 'imsop';

/** `<prefix>_owner` and `<prefix>_app` (the prefix is validated as a plain lower-case identifier by config). */
export function databaseRoles(prefix: string = DEFAULT_ROLE_PREFIX): DatabaseRoles {
  return { owner: `${prefix}_owner`, app: `${prefix}_app` };
}

/** The owner role of the default prefix. */
export const OWNER_ROLE = databaseRoles().owner;
/** The app role of the default prefix. */
export const APP_ROLE = databaseRoles().app;

// Any fixed number works; every instance must use the same one so concurrent starts serialise.
const MIGRATION_LOCK_KEY = 7_220_001;

export interface MigrateOptions {
  /** Default: the roles of DEFAULT_ROLE_PREFIX. */
  roles?: DatabaseRoles;
  /** CA for a TLS connection (DATABASE_CA_FILE / DATABASE_CA_PEM). */
  ca?: PostgresCa;
  logger?: Logger;
  /** Apply only the migrations whose file name sorts before this one (to prepare a database as an older version left it). */
  before?: string;
}

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
 * Creates the two roles (idempotent; the app role's password is set when it is new or no
 * longer matches the configuration), grants, then applies every pending `migrations/*.sql` in
 * name order, each in its own transaction, recorded in `schema_migrations` with a checksum.
 * Safe to run twice and from several instances at once (an advisory lock serialises them).
 *
 * @param adminUrl a connection allowed to create roles and to become the owner role: a
 *   superuser, or an admin with CREATEROLE that owns the database (a managed PostgreSQL's
 *   service user, e.g. Aiven's avnadmin).
 * @throws Error when an applied migration's file has changed since, or a migration fails
 *   (that migration is rolled back; earlier ones stay applied); a SettingError naming the
 *   setting when the server cannot be reached or refuses the credentials.
 */
export async function migrate(
  adminUrl: string,
  appPassword: string,
  options: MigrateOptions = {},
): Promise<MigrationResult> {
  const roles = options.roles ?? databaseRoles();
  const logger = options.logger;
  const client = new pg.Client(postgresClientConfig(adminUrl, options.ca));
  await client.connect().catch((error: unknown) => {
    throw describeConnectFailure(error, { url: adminUrl, credentials: 'DATABASE_URL', ca: options.ca });
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const passwordSet = await appPasswordWorks(adminUrl, roles, appPassword, options.ca);
    await bootstrapRoles(client, roles, appPassword, passwordSet, logger).catch((error: unknown) => {
      if ((error as { code?: string }).code !== '42501') throw error;
      throw new SettingError(
        `the DATABASE_URL user "${client.user}" may not set up the roles ${roles.owner} and ${roles.app}: it needs CREATEROLE and to own the database, or to be a superuser (${(error as Error).message})`,
        'DATABASE_URL',
        { cause: error },
      );
    });
    await client.query(`SET ROLE ${roles.owner}`);
    await grantDefaultPrivileges(client, roles);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    // Bookkeeping of the owner only: the service must not read or rewrite migration history.
    await client.query(`REVOKE ALL ON schema_migrations FROM ${roles.app}`);
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
        if (previous !== checksum)
          throw new Error(`Migration ${file} was changed after it was applied; add a new migration instead.`);
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(withRoleNames(sql, roles));
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

/**
 * The migration files name the default roles; another DATABASE_ROLE_PREFIX renames them here
 * (whole words only), so the files and their checksums stay the same for every installation.
 */
function withRoleNames(sql: string, roles: DatabaseRoles): string {
  const defaults = databaseRoles();
  if (roles.owner === defaults.owner && roles.app === defaults.app) return sql;
  return sql.replace(/\bimsop_owner\b/g, roles.owner).replace(/\bimsop_app\b/g, roles.app);
}

/**
 * Whether the app role already signs in with the configured password. A password cannot be
 * read back (pg_authid is superuser-only, and hidden on managed services), so trying it is the
 * one comparison that works everywhere; the role's password is then left untouched.
 */
async function appPasswordWorks(
  adminUrl: string,
  roles: DatabaseRoles,
  appPassword: string,
  ca: PostgresCa | undefined,
): Promise<boolean> {
  return connects({
    ...postgresClientConfig(appConnectionString(adminUrl, appPassword, roles), ca),
    connectionTimeoutMillis: 10_000,
  });
}

/**
 * Roles and grants that need the admin rather than the owner. Written for an admin that is not
 * a superuser: no statement changes SUPERUSER, BYPASSRLS or REPLICATION (only a superuser may,
 * even to turn them off), roles are created without them, and an existing app role that has
 * them is refused. On PostgreSQL 16+ membership needs the SET option for SET ROLE (INHERIT off:
 * the admin acts as the owner only when it says so); 15 knows no options.
 *
 * @param passwordSet whether the app role already signs in with appPassword (then it is left alone).
 */
async function bootstrapRoles(
  client: pg.Client,
  roles: DatabaseRoles,
  appPassword: string,
  passwordSet: boolean,
  logger: Logger | undefined,
): Promise<void> {
  const { rows } = await client.query<{
    version: number;
    db: string;
    owner_exists: boolean;
    member: boolean;
    app: AppRoleAttributes | null;
  }>(
    `SELECT current_setting('server_version_num')::int AS version, current_database() AS db,
            EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS owner_exists,
            (SELECT to_jsonb(r) FROM (SELECT rolsuper, rolbypassrls, rolreplication, rolcreatedb, rolcreaterole, rolcanlogin
                                       FROM pg_roles WHERE rolname = $2) r) AS app,
            CASE WHEN NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $1) THEN false
                 WHEN current_setting('server_version_num')::int >= 160000 THEN pg_has_role(current_user, $1, 'SET')
                 ELSE pg_has_role(current_user, $1, 'MEMBER') END AS member`,
    [roles.owner, roles.app],
  );
  const { version, db, app } = rows[0]!;
  if (!rows[0]!.owner_exists) await client.query(`CREATE ROLE ${roles.owner} NOLOGIN`).catch(ignoreDuplicate);
  if (!app) {
    await client
      .query(`CREATE ROLE ${roles.app} LOGIN PASSWORD ${client.escapeLiteral(appPassword)}`)
      .catch(ignoreDuplicate);
  } else {
    await requireUnprivilegedAppRole(client, roles.app, app);
    if (!passwordSet) {
      await client.query(`ALTER ROLE ${roles.app} WITH PASSWORD ${client.escapeLiteral(appPassword)}`);
      logger?.info({ role: roles.app }, 'set the app role password from DATABASE_APP_PASSWORD');
    }
  }
  if (!rows[0]!.member) {
    await client.query(
      version >= 160000
        ? `GRANT ${roles.owner} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE`
        : `GRANT ${roles.owner} TO CURRENT_USER`,
    );
  }
  const database = client.escapeIdentifier(db);
  await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${roles.app}`);
  await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${roles.owner}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${roles.app}`);
  // Retention's archive (migrations/0007) is a schema of its own; creating a schema needs a
  // database privilege the owner role does not have, so the admin creates it for the owner.
  await client.query(`CREATE SCHEMA IF NOT EXISTS archive AUTHORIZATION ${roles.owner}`);
}

interface AppRoleAttributes {
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolreplication: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolcanlogin: boolean;
}

/**
 * An app role with more than LOGIN would undo row-level security; take away what a CREATEROLE
 * admin may (CREATEDB, CREATEROLE, NOLOGIN) and refuse what needs a superuser.
 */
async function requireUnprivilegedAppRole(
  client: pg.Client,
  app: string,
  attributes: AppRoleAttributes,
): Promise<void> {
  const fixes = [
    ...(attributes.rolcreatedb ? ['NOCREATEDB'] : []),
    ...(attributes.rolcreaterole ? ['NOCREATEROLE'] : []),
    ...(attributes.rolcanlogin ? [] : ['LOGIN']),
  ];
  if (fixes.length > 0) await client.query(`ALTER ROLE ${app} WITH ${fixes.join(' ')}`);
  const forbidden = [
    ...(attributes.rolsuper ? ['SUPERUSER'] : []),
    ...(attributes.rolbypassrls ? ['BYPASSRLS'] : []),
    ...(attributes.rolreplication ? ['REPLICATION'] : []),
  ];
  if (forbidden.length === 0) return;
  try {
    await client.query(`ALTER ROLE ${app} WITH ${forbidden.map((a) => `NO${a}`).join(' ')}`);
  } catch (error) {
    throw new Error(
      `The role ${app} has ${forbidden.join(', ')}, which would bypass row-level security, and this admin may not remove it: ` +
        `run ALTER ROLE ${app} ${forbidden.map((a) => `NO${a}`).join(' ')} as a superuser, or choose another DATABASE_ROLE_PREFIX.`,
      { cause: error },
    );
  }
}

/** Two instances starting at once both see "no role" before either creates it; the second create is harmless. */
function ignoreDuplicate(error: unknown): void {
  const code = (error as { code?: string }).code;
  if (code !== '42710' && code !== '23505') throw error;
}

/** Privileges the owner hands the app role on everything it creates; set as the owner itself. */
async function grantDefaultPrivileges(client: pg.Client, roles: DatabaseRoles): Promise<void> {
  await client.query(
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${roles.app}`,
  );
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${roles.app}`);
  await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`);
}

/** The app role's connection string: the admin URL's host, database and TLS settings with the app credentials. */
export function appConnectionString(
  adminUrl: string,
  appPassword: string,
  roles: DatabaseRoles = databaseRoles(),
): string {
  const url = new URL(adminUrl);
  url.username = roles.app;
  url.password = encodeURIComponent(appPassword);
  return url.toString();
}
