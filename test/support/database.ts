import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A freshly migrated database of this test file, cloned from the run's template. */
export interface TestDatabase {
  name: string;
  /** Superuser connection string (migrations, catalog checks, seeding as the owner). */
  adminUrl: string;
  drop(): Promise<void>;
}

export function adminUrlFor(database: string): string {
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * @param options.unmigrated an empty UTF-8 database instead (the caller migrates it), with the
 *   given locale or else the server's default.
 */
export async function createTestDatabase(options: { unmigrated?: { locale?: string } } = {}): Promise<TestDatabase> {
  const name = inject('pgDatabasePrefix') + randomBytes(4).toString('hex');
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    const locale = options.unmigrated?.locale;
    await admin.query(
      options.unmigrated
        ? `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'${locale ? ` LOCALE ${admin.escapeLiteral(locale)}` : ''}`
        : `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`,
    );
  } finally {
    await admin.end();
  }
  return {
    name,
    adminUrl: adminUrlFor(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
