import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImsopClient, ImsopError, type ImsopClient } from './support/sdk.js';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';
import { loginAs } from './support/tenant.js';

/**
 * PostgreSQL connections killed mid-load (pg_terminate_backend): callers see only retryable
 * statuses (UNAVAILABLE / ABORTED) while it happens, never a wrong answer; the service recovers
 * by itself; and every write acknowledged (retried with its request_id until acknowledged) is
 * present exactly once. Database restarts and Redis outages are exercised by `npm run chaos`.
 */
let ts: TestServer;
let org: SeededOrganization;
let imsop: ImsopClient;
let admin: pg.Client;

beforeAll(async () => {
  ts = await startTestServer();
  org = await seedOrganization(ts);
  // No transparent retries: this test wants to see what callers see, and retries by itself.
  imsop = createImsopClient({
    address: ts.address,
    maxAttempts: 1,
    credential: (await loginAs(ts, org.name, org.adminEmail, org.adminPassword)).token,
  });
  admin = new pg.Client({ connectionString: ts.database.adminUrl });
  await admin.connect();
});
afterAll(async () => {
  imsop?.close();
  await admin?.end();
  await ts?.stop();
});

describe('database connections killed under load', () => {
  it('costs only retryable errors, recovers by itself, and applies every acknowledged write exactly once', async () => {
    let killed = 0;
    const outageEnds = Date.now() + 1500;
    const killer = (async () => {
      while (Date.now() < outageEnds) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'imsop_app' AND datname = current_database() AND pid <> pg_backend_pid()`,
        );
        killed += rowCount ?? 0;
        await new Promise((r) => setTimeout(r, 30));
      }
    })();

    const seen: Record<string, number> = {};
    const writes = Array.from({ length: 40 }, (_, i) => ({ email: `fault-${i}@faults.test`, requestId: randomUUID() }));
    await Promise.all(
      writes.map(async (w, i) => {
        await new Promise((r) => setTimeout(r, i * 20)); // spread over the outage window
        for (let attempt = 0; ; attempt++) {
          try {
            await imsop.users.createUser({
              email: w.email,
              displayName: 'Fault',
              password: 'fault-password-1',
              requestId: w.requestId,
            });
            seen.OK = (seen.OK ?? 0) + 1;
            return;
          } catch (error) {
            const code = error instanceof ImsopError ? error.codeName : String(error);
            seen[code] = (seen[code] ?? 0) + 1;
            expect(['UNAVAILABLE', 'ABORTED'], `a write failed with ${code}`).toContain(code);
            expect(attempt).toBeLessThan(200);
            await new Promise((r) => setTimeout(r, 25));
          }
        }
      }),
    );
    await killer;
    console.log(`killed ${killed} connections; outcomes ${JSON.stringify(seen)}`);
    expect(killed).toBeGreaterThan(0);

    // Recovered by itself: ordinary calls work.
    expect((await imsop.auth.whoAmI({})).user?.email).toBe(org.adminEmail);
    // Exactly once: one row and one audited insert per acknowledged write.
    const emails = writes.map((w) => w.email);
    const users = await admin.query(`SELECT email FROM users WHERE organization_id = $1 AND email = ANY($2)`, [
      org.organizationId,
      emails,
    ]);
    expect(users.rowCount).toBe(writes.length);
    const audited = await admin.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1 AND table_name = 'users' AND operation = 'INSERT' AND after->>'email' = ANY($2)`,
      [org.organizationId, emails],
    );
    expect(audited.rows[0].n).toBe(writes.length);
  });
});
