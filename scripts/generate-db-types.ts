/**
 * Regenerates gen/db/schema.ts (Kysely table types) from a freshly migrated database, so the
 * types can never drift from migrations/. `--check` fails instead of writing when the committed
 * file is stale (CI runs it). Uses the same PostgreSQL as the tests (TEST_DATABASE_URL, or a
 * throwaway embedded one).
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.js';
import { acquirePostgresServer } from '../test/support/postgres-server.js';

const check = process.argv.includes('--check');
const server = await acquirePostgresServer();
const database = `imsop_codegen_${process.pid}`;
const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
await admin.connect();
let failed = false;
try {
  await admin.query(`CREATE DATABASE ${database}`);
  await migrate(server.urlFor(database), 'codegen-only-password');
  const args = [
    'kysely-codegen',
    '--dialect',
    'postgres',
    '--url',
    server.urlFor(database),
    '--out-file',
    'gen/db/schema.ts',
    '--exclude-pattern',
    'schema_migrations',
    '--numeric-parser',
    'string',
    // database.ts parses int8 to a JS number, so the types say number too.
    '--type-mapping',
    JSON.stringify({ int8: 'number' }),
    ...(check ? ['--verify'] : []),
  ];
  try {
    execFileSync('npx', args, { stdio: 'inherit' });
  } catch {
    failed = true;
    console.error(
      check ? 'gen/db/schema.ts is stale: run `npm run generate:db-types` and commit it.' : 'kysely-codegen failed',
    );
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await server.stop();
}
process.exit(failed ? 1 : 0);
