import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/platform/db/database.js';
import { prepared, thenCommit } from '../src/platform/db/deferred-begin-dialect.js';
import { OWNER_ROLE } from '../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

/**
 * The tenant settings travel with BEGIN in one round trip (and, for single reads, with the
 * statement itself): what every transaction sees, and what a pooled connection carries once the
 * transaction is over (nothing), on one connection so every transaction reuses the previous one's.
 */
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = new Database({ connectionString: testDb.adminUrl, role: OWNER_ROLE, poolMax: 1, statementTimeoutMs: 5_000 });
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

const ORG = '0b7c1d2e-3f40-4152-8637-48596a7b8c9d';
const settingsQuery = sql<{ org: string; user_id: string; kind: string; role: string }>`
  SELECT current_setting('app.org_id', true) AS org, current_setting('app.user_id', true) AS user_id,
         current_setting('app.actor_kind', true) AS kind, current_user AS role`;

/** How often each plan of this connection's prepared statements whose text holds `marker` has run. */
async function planRuns(marker: string) {
  return db.withoutTenant(
    async (tx) =>
      (
        await sql<{ runs: number }>`
          SELECT (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements
          WHERE statement LIKE ${`%${marker}%`}`.execute(tx)
      ).rows,
  );
}

describe('tenant transactions', () => {
  it('see their tenant, actor and role from the first statement on', async () => {
    const seen = await db.inTenant(
      { organizationId: ORG, userId: 'user-1', actorKind: 'api_key' },
      async (work) => (await settingsQuery.execute(work.tx)).rows[0],
    );
    expect(seen).toMatchObject({ org: ORG, user_id: 'user-1', kind: 'api_key', role: OWNER_ROLE });
  });

  it('run inside one transaction: a failure rolls back every statement', async () => {
    await db.inTenant({ organizationId: ORG }, (work) =>
      sql`CREATE TEMP TABLE probe (n int) ON COMMIT PRESERVE ROWS`.execute(work.tx),
    );
    await expect(
      db.inTenant({ organizationId: ORG }, async (work) => {
        await sql`INSERT INTO probe VALUES (1)`.execute(work.tx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.inTenant(
      { organizationId: ORG },
      async (work) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM probe`.execute(work.tx)).rows[0],
    );
    expect(rows?.n).toBe(0);
  });

  it('leave nothing behind on the pooled connection', async () => {
    await db.inTenant({ organizationId: ORG, userId: 'user-1' }, (work) => settingsQuery.execute(work.tx));
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '', user_id: '', kind: 'system' });
  });

  it('hand out one unit of work: the tenant and actor the settings name, hooks run only once committed', async () => {
    const ran: string[] = [];
    const seen = await db.inTenant({ organizationId: ORG, userId: 'key-1', actorKind: 'api_key' }, async (work) => {
      work.afterCommit(() => {
        ran.push('after commit');
      });
      ran.push('in transaction');
      return { tenant: work.tenant, actor: work.actor, settings: (await settingsQuery.execute(work.tx)).rows[0] };
    });
    expect(ran).toEqual(['in transaction', 'after commit']);
    expect(seen).toMatchObject({
      tenant: { organizationId: ORG },
      actor: { id: 'key-1', kind: 'api_key' },
      settings: { org: ORG, user_id: 'key-1', kind: 'api_key' },
    });
    // Nobody named: the system acts (what the audit trigger and the outbox record).
    expect(await db.inTenant({ organizationId: ORG }, async (work) => work.actor)).toEqual({
      id: null,
      kind: 'system',
    });
    await expect(
      db.inTenant({ organizationId: ORG }, async (work) => {
        work.afterCommit(() => {
          ran.push('after a rollback');
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ran).not.toContain('after a rollback');
  });

  it('set values verbatim, quotes and backslashes included (no injection through a setting)', async () => {
    const hostile = `x'); SELECT set_config('app.org_id', 'other', true); --\\'`;
    const seen = await db.inTenant(
      { organizationId: ORG, userId: hostile },
      async (work) => (await settingsQuery.execute(work.tx)).rows[0],
    );
    expect(seen).toMatchObject({ org: ORG, user_id: hostile });
  });
});

describe('the first statement carries BEGIN and the tenant settings', () => {
  const OTHER = '1c8d2e3f-4051-4263-9748-5960718293a4';

  it("answers a transaction's first statement exactly as with parameters, and later ones as usual", async () => {
    const values = [new Date('2026-02-03T04:05:06.789Z'), 41, ['a', "b'c", null], Buffer.from([0, 254]), { k: 'v' }];
    const query = sql<Record<string, unknown>>`
      SELECT ${values[0]}::timestamptz AS t, ${values[1]}::int + 1 AS n, ${values[2]}::text[] AS a,
             ${values[3]}::bytea AS bytes, ${values[4]}::jsonb AS j`;
    const [first, second] = await db.inTenant({ organizationId: ORG }, async (work) => [
      (await query.execute(work.tx)).rows[0],
      (await query.execute(work.tx)).rows[0],
    ]);
    expect(first).toEqual(second);
    expect(first).toMatchObject({ n: 42, a: ['a', "b'c", null], j: { k: 'v' } });
  });

  it('leaves the pooled connection clean when that first statement fails', async () => {
    await expect(
      db.inTenant({ organizationId: ORG, userId: 'user-3' }, (work) => sql`SELECT 1 / 0`.execute(work.tx)),
    ).rejects.toMatchObject({ code: '22012' });
    await expect(db.inTenant({ organizationId: ORG }, (work) => sql`SELEC 1`.execute(work.tx))).rejects.toMatchObject({
      code: '42601',
    });
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '', user_id: '', kind: 'system' });
  });

  it('sends nothing for a transaction that runs no statement', async () => {
    expect(await db.inTenant({ organizationId: ORG }, async () => 'nothing to do')).toBe('nothing to do');
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '' });
  });

  it('runs a prepared statement with the tenant of the transaction running it, not of the one that planned it', async () => {
    const statement = () =>
      prepared(sql<{ org: string; user_id: string }>`
      SELECT current_setting('app.org_id', true) AS org, current_setting('app.user_id', true) AS user_id`);
    const seen = [];
    for (const [organizationId, userId] of [
      [ORG, 'user-4'],
      [OTHER, 'user-5'],
      [ORG, ''],
    ] as const) {
      seen.push(
        await db.inTenant({ organizationId, userId }, async (work) => {
          await sql`SELECT 1`.execute(work.tx); // the first statement travels with BEGIN, unprepared
          return (await statement().execute(work.tx)).rows[0];
        }),
      );
    }
    expect(seen).toEqual([
      { org: ORG, user_id: 'user-4' },
      { org: OTHER, user_id: 'user-5' },
      { org: ORG, user_id: '' },
    ]);
  });
});

describe('a prepared statement that opens a transaction', () => {
  it('answers as with parameters, in its tenant, and after the first time runs the plan its connection made', async () => {
    const values = [
      new Date('2026-02-03T04:05:06.789Z'),
      41,
      ['a', "b'c", null],
      Buffer.from([0, 254]),
      { k: 'v' },
      "it's",
    ];
    const statement = () =>
      prepared(sql<Record<string, unknown>>`
      SELECT /* execute-probe */ current_setting('app.org_id', true) AS org, ${values[0]}::timestamptz AS t,
             ${values[1]}::int + 1 AS n, ${values[2]}::text[] AS a, ${values[3]}::bytea AS bytes, ${values[4]}::jsonb AS j,
             ${values[5]}::text AS quoted`);
    const OTHER = '1c8d2e3f-4051-4263-9748-5960718293a4';
    const seen = [];
    for (const organizationId of [ORG, OTHER, ORG]) {
      seen.push(await db.inTenant({ organizationId }, async (work) => (await statement().execute(work.tx)).rows[0]!));
    }
    expect(seen.map((row) => row.org)).toEqual([ORG, OTHER, ORG]);
    expect(seen[0]).toEqual({
      org: ORG,
      t: values[0],
      n: 42,
      a: ['a', "b'c", null],
      bytes: Buffer.from([0, 254]),
      j: { k: 'v' },
      quoted: "it's",
    });
    expect(seen[1]).toEqual({ ...seen[0], org: OTHER });
    expect(seen[2]).toEqual(seen[0]);
    // One connection (poolMax 1): its one plan of the statement ran all three times.
    expect(await planRuns('execute-probe')).toEqual([{ runs: 3 }]);
  });

  it('rolls its transaction back and leaves the connection clean when it fails', async () => {
    const statement = (divisor: number) =>
      prepared(sql<{ q: number }>`SELECT /* failing-probe */ 1 / ${divisor}::int AS q`);
    // Planned by the first run; the failing ones then go behind BEGIN as an EXECUTE.
    const first = await db.inTenant(
      { organizationId: ORG },
      async (work) => (await statement(1).execute(work.tx)).rows,
    );
    expect(first).toEqual([{ q: 1 }]);
    for (const userId of ['user-6', 'user-7']) {
      await expect(
        db.inTenant({ organizationId: ORG, userId }, (work) => statement(0).execute(work.tx)),
      ).rejects.toMatchObject({ code: '22012' });
    }
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '', user_id: '', kind: 'system' });
  });
});

describe("a transaction's last statement marked thenCommit", () => {
  const probe = async (n: number) =>
    (
      await db.withoutTenant(
        async (tx) =>
          (await sql<{ c: number }>`SELECT count(*)::int AS c FROM commit_probe WHERE n = ${n}`.execute(tx)).rows,
      )
    )[0]!.c;
  const insert = (n: number) => sql<{ n: number; org: string }>`
    INSERT INTO commit_probe (n) VALUES (${n}::int) RETURNING n, current_setting('app.org_id', true) AS org`;

  beforeAll(async () => {
    await db.withoutTenant((tx) => sql`CREATE TABLE IF NOT EXISTS commit_probe (n int)`.execute(tx));
  });

  it('commits with it, first or later in the transaction, prepared or not, and answers its rows', async () => {
    expect(
      await db.inTenant({ organizationId: ORG }, async (work) => (await thenCommit(insert(1)).execute(work.tx)).rows),
    ).toEqual([{ n: 1, org: ORG }]);
    await db.inTenant({ organizationId: ORG }, async (work) => {
      await sql`SELECT 1`.execute(work.tx);
      expect((await thenCommit(insert(2)).execute(work.tx)).rows).toEqual([{ n: 2, org: ORG }]);
    });
    for (let i = 0; i < 3; i++) {
      const rows = await db.inTenant(
        { organizationId: ORG },
        async (work) =>
          (
            await prepared(
              thenCommit(
                sql<{ n: number }>`INSERT INTO commit_probe (n) VALUES (${3}::int) RETURNING /* commit-probe */ n`,
              ),
            ).execute(work.tx)
          ).rows,
      );
      expect(rows).toEqual([{ n: 3 }]);
    }
    expect([await probe(1), await probe(2), await probe(3)]).toEqual([1, 1, 3]);
    expect(await planRuns('commit-probe')).toEqual([{ runs: 3 }]);
  });

  it('cannot be rolled back afterwards, and refuses a statement after it: the caller never takes committed work for undone', async () => {
    await expect(
      db.inTenant({ organizationId: ORG }, async (work) => {
        await thenCommit(insert(4)).execute(work.tx);
        throw new Error('failed after the commit');
      }),
    ).rejects.toThrow(/cannot be rolled back/);
    await expect(
      db.inTenant({ organizationId: ORG }, async (work) => {
        await thenCommit(insert(5)).execute(work.tx);
        await sql`SELECT 1`.execute(work.tx);
      }),
    ).rejects.toThrow(/cannot be rolled back/); // the refused statement failed the callback, after the commit
    expect([await probe(4), await probe(5)]).toEqual([1, 1]);
  });

  it('rolls back when it fails, and leaves the connection clean', async () => {
    await expect(
      db.inTenant({ organizationId: ORG, userId: 'user-8' }, (work) =>
        thenCommit(sql`INSERT INTO commit_probe (n) VALUES (6 / ${0}::int)`).execute(work.tx),
      ),
    ).rejects.toMatchObject({ code: '22012' });
    await expect(
      db.inTenant({ organizationId: ORG }, async (work) => {
        await insert(7).execute(work.tx);
        await thenCommit(sql`INSERT INTO commit_probe (n) VALUES (7 / ${0}::int)`).execute(work.tx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await probe(7)).toBe(0);
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '', user_id: '', kind: 'system' });
  });
});

describe('single-statement reads (Database.read)', () => {
  it('see their tenant and leave nothing behind on the pooled connection', async () => {
    const [seen] = await db.read({ organizationId: ORG, userId: 'user-2' }, () => settingsQuery);
    expect(seen).toMatchObject({ org: ORG, user_id: 'user-2', kind: 'user', role: OWNER_ROLE });
    const next = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(next).toMatchObject({ org: '', user_id: '' });
  });

  it('answer exactly what the same statement answers with parameters, whatever the value types', async () => {
    const values = [
      new Date('2026-02-03T04:05:06.789Z'),
      41,
      ['a', "b'c", 'd\\e', null],
      null,
      true,
      Buffer.from([0, 1, 254]),
      `it's $1 "quoted"`,
      { k: ['v'] },
    ];
    const query = sql<Record<string, unknown>>`
      SELECT ${values[0]}::timestamptz AS t, ${values[1]}::int + 1 AS n, ${values[2]}::text[] AS a, ${values[3]}::text IS NULL AS is_null,
             ${values[4]}::boolean AS b, ${values[5]}::bytea AS bytes, ${values[6]}::text AS q, ${values[7]}::jsonb AS j,
             '$1' AS dollar_in_literal, 1 AS "$2 in an identifier"`;
    const withParameters = await db.inTenant(
      { organizationId: ORG },
      async (work) => (await query.execute(work.tx)).rows[0],
    );
    const [inlined] = await db.read({ organizationId: ORG }, () => query);
    expect(inlined).toEqual(withParameters);
    expect(inlined).toMatchObject({
      n: 42,
      a: ['a', "b'c", 'd\\e', null],
      q: values[6],
      dollar_in_literal: '$1',
      '$2 in an identifier': 1,
    });
  });

  it('treat hostile text as a value, never as SQL', async () => {
    const hostile = `x'; SELECT set_config('app.org_id', 'other', false); --`;
    const rows = await db.read(
      { organizationId: ORG },
      () => sql<{ v: string }>`SELECT ${hostile}::text AS v WHERE ${hostile} <> ''`,
    );
    expect(rows).toEqual([{ v: hostile }]);
    const after = await db.withoutTenant(async (tx) => (await settingsQuery.execute(tx)).rows[0]);
    expect(after?.org).toBe('');
  });

  it('are read-only: a write sent through read fails and changes nothing', async () => {
    await db.inTenant({ organizationId: ORG }, (work) =>
      sql`CREATE TABLE IF NOT EXISTS probe_ro (n int)`.execute(work.tx),
    );
    await expect(
      db.read({ organizationId: ORG }, () => sql`INSERT INTO probe_ro VALUES (1) RETURNING n`),
    ).rejects.toMatchObject({ code: '25006' });
    const [count] = await db.read(
      { organizationId: ORG },
      () => sql<{ n: number }>`SELECT count(*)::int AS n FROM probe_ro`,
    );
    expect(count?.n).toBe(0);
  });

  it('refuse a NUL byte the way PostgreSQL refuses it in a parameter (class 22)', async () => {
    await expect(db.read({ organizationId: ORG }, () => sql`SELECT ${'a\0b'}::text`)).rejects.toMatchObject({
      code: '22021',
    });
    await expect(
      db.inTenant({ organizationId: ORG }, (work) => sql`SELECT ${'a\0b'}::text`.execute(work.tx)),
    ).rejects.toMatchObject({ code: '22021' });
  });
});
