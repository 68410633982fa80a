import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrlFor } from './support/database.js';
import { callEachDomain } from './support/domain-calls.js';
import { freePort } from './support/postgres-server.js';
import { spawnServer } from './support/server-process.js';
import { TEST_PAGE_TOKEN_SECRET } from './support/server.js';

/**
 * A managed PostgreSQL (Aiven and the like) gives an admin with CREATEROLE and CREATEDB that is
 * not a superuser, owning the database. Stand-in: such a role created on the test server, with
 * a role prefix of its own (roles are cluster-global; other tests use the default ones).
 */
const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');
const suffix = randomBytes(4).toString('hex');
const admin = `mp_admin_${suffix}`;
const adminPassword = `admin-password-${suffix}`;
const database = `mp_db_${suffix}`;
const prefix = `mpt_${suffix}`;
let env: Record<string, string>;

async function asSuperuser<R extends pg.QueryResultRow>(
  db: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrlFor(db) });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const imsop = (args: string[]) =>
  run(tsx, ['src/cli/main.ts', ...args], {
    env: { PATH: process.env.PATH, PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET, ...env },
  });
const appPasswordHash = async () =>
  (
    await asSuperuser<{ rolpassword: string }>('postgres', 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [
      `${prefix}_app`,
    ])
  )[0]?.rolpassword;

beforeAll(async () => {
  await asSuperuser('postgres', `CREATE ROLE ${admin} LOGIN CREATEROLE CREATEDB PASSWORD '${adminPassword}'`);
  await asSuperuser('postgres', `CREATE DATABASE ${database} OWNER ${admin}`);
  const url = new URL(adminUrlFor(database));
  url.username = admin;
  url.password = adminPassword;
  env = {
    DATABASE_URL: url.toString(),
    DATABASE_APP_PASSWORD: `app-password-${suffix}`,
    DATABASE_ROLE_PREFIX: prefix,
    BCRYPT_COST: '4',
    LOG_FORMAT: 'json',
  };
});

afterAll(async () => {
  await asSuperuser('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  for (const role of [`${prefix}_app`, `${prefix}_owner`, admin])
    await asSuperuser('postgres', `DROP ROLE IF EXISTS ${role}`);
});

describe('a CREATEROLE/CREATEDB admin that is not a superuser', () => {
  it(
    'migrates, twice: the roles carry DATABASE_ROLE_PREFIX, the owner owns the schema, the app password is left alone the second time',
    { timeout: 120_000 },
    async () => {
      const [who] = await asSuperuser<{ rolsuper: boolean }>(
        'postgres',
        'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
        [admin],
      );
      expect(who!.rolsuper).toBe(false);

      const first = await imsop(['migrate']);
      expect(first.stdout).toMatch(/Applied \d+ migration\(s\): 0001_identity\.sql/);
      const owners = await asSuperuser<{ tableowner: string }>(
        database,
        `SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'archive')`,
      );
      expect(owners.map((o) => o.tableowner)).toEqual([`${prefix}_owner`]);
      const policyRoles = await asSuperuser<{ role: string }>(
        database,
        `SELECT DISTINCT unnest(roles)::text AS role FROM pg_policies`,
      );
      expect(policyRoles.map((r) => r.role)).toContain(`${prefix}_owner`);
      expect(policyRoles.map((r) => r.role)).not.toContain('imsop_owner');
      const [app] = await asSuperuser<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
        'postgres',
        'SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1',
        [`${prefix}_app`],
      );
      expect(app).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: true });
      const [{ version }] = (await asSuperuser<{ version: number }>(
        'postgres',
        `SELECT current_setting('server_version_num')::int AS version`,
      )) as [{ version: number }];
      if (version >= 160000) {
        // 16+: the admin may SET ROLE to the owner, and does not inherit its privileges.
        const grants = await asSuperuser<{ set_option: boolean; inherit_option: boolean }>(
          'postgres',
          `SELECT set_option, inherit_option FROM pg_auth_members WHERE roleid = $1::regrole AND member = $2::regrole AND set_option`,
          [`${prefix}_owner`, admin],
        );
        expect(grants).toEqual([{ set_option: true, inherit_option: false }]);
      } else {
        const [member] = await asSuperuser<{ m: boolean }>('postgres', `SELECT pg_has_role($1, $2, 'MEMBER') AS m`, [
          admin,
          `${prefix}_owner`,
        ]);
        expect(member!.m).toBe(true);
      }

      const hash = await appPasswordHash();
      expect(hash).toMatch(/^SCRAM-SHA-256\$/);
      const second = await imsop(['migrate']);
      expect(second.stdout).toMatch(/Database is up to date \(\d+ migration\(s\) applied before\)\./);
      // A SCRAM hash has a fresh salt each time a password is set: equal means untouched.
      expect(await appPasswordHash()).toBe(hash);
    },
  );

  it(
    'creates an organization, and the real server serves every domain as the app role',
    { timeout: 180_000 },
    async () => {
      const created = await imsop([
        'org',
        'create',
        '--name',
        'Managed',
        '--admin-email',
        'boss@managed.test',
        '--admin-password',
        'a-long-enough-pw',
      ]);
      expect(created.stdout).toContain('Created organization "Managed"');

      const port = await freePort();
      const server = spawnServer({ ...env, IMSOP_PORT: String(port), METRICS_PORT: '0' });
      try {
        await server.waitServing(`127.0.0.1:${port}`);
        const seen = await callEachDomain(`127.0.0.1:${port}`, {
          organization: 'managed',
          email: 'boss@managed.test',
          password: 'a-long-enough-pw',
        });
        expect(seen).toEqual({
          roles: ['admin'],
          createdWarehouse: 'MAIN',
          warehouses: ['MAIN'],
          suppliers: 0,
          shipments: 0,
          eventTypes: ['identity.login'],
        });
        const sessions = await asSuperuser<{ usename: string }>(
          'postgres',
          `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'imsop'`,
          [database],
        );
        expect(sessions.map((s) => s.usename)).toEqual([`${prefix}_app`]);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
  );
});
