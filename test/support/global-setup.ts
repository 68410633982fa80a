import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/platform/logger.js';
import { prepareDatabase } from '../../src/runtime.js';
import { acquirePostgresServer, type PostgresServer } from './postgres-server.js';

/** Password the test databases give the app role (the machine's PostgreSQL may use trust auth anyway). */
export const TEST_APP_PASSWORD = 'imsop-test-app-password';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server's maintenance database. */
    pgAdminUrl: string;
    /** Name of the migrated template every test database is cloned from. */
    pgTemplate: string;
    pgKind: string;
    /** Prefix of this run's test database names (so teardown can drop leftovers). */
    pgDatabasePrefix: string;
  }
}

let server: PostgresServer | undefined;
let template: string | undefined;

/**
 * Once per run: find a PostgreSQL (TEST_DATABASE_URL, a container, or an embedded one), migrate
 * a template database, and hand its name to the test files, which clone it (fast) so that each
 * file gets its own freshly migrated database.
 */
export async function setup(project: TestProject): Promise<void> {
  server = await acquirePostgresServer();
  template = `imsop_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const logger = createLogger({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
  await prepareDatabase(
    { mode: 'external', adminUrl: server.urlFor(template), appPassword: TEST_APP_PASSWORD, stop: async () => {} },
    logger,
  );
  project.provide('pgAdminUrl', server.urlFor('postgres'));
  project.provide('pgTemplate', template);
  project.provide('pgKind', server.kind);
  project.provide('pgDatabasePrefix', `imsop_test_${process.pid}_`);
}

export async function teardown(): Promise<void> {
  if (!server) return;
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  try {
    // Drop the template and any test database this run left behind (a crashed file, say).
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `imsop_test_${process.pid}_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
    await server.stop();
  }
}
