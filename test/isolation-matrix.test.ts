import { randomUUID } from 'node:crypto';
import { toBinary, type DescMethod } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccessToken } from '../src/identity/tokens.js';
import { METHOD_ACCESS } from '../src/method-access.js';
import { imsopMethods, isIdentifier, isOutputOnly, pathOf } from './support/descriptors.js';
import { idFields, plausibleMessage, setPath } from './support/plausible-values.js';
import { startTestServer, type SeededOrganization, type TestServer } from './support/server.js';
import { seedTenantData } from './support/tenant-data.js';
import { signedInTenant, signIn } from './support/tenant.js';

/**
 * Tenant isolation, generated from the descriptors so a new RPC is covered without anyone
 * remembering: with organization A's credentials and organization B's ids in every id field of
 * every method, the answer is NOT_FOUND or PERMISSION_DENIED (or a validation error about another
 * field), no byte of B's data comes back, and B's rows are unchanged. Lists under A never show B.
 * Invalid, revoked, expired and forged tokens are UNAUTHENTICATED everywhere.
 */
const identity = (b: Buffer) => b;
let ts: TestServer;
let a: SeededOrganization;
let b: SeededOrganization;
let aToken: string;
let client: Client;
let admin: pg.Client;
let bIds: Map<string, string[]>; // table -> ids of B's rows
let aIds: Map<string, string[]>; // table -> ids of A's rows (other id fields get A's own ids)
let bSecrets: string[]; // strings that only B's data contains

beforeAll(async () => {
  ts = await startTestServer();
  const [ta, tb] = [await signedInTenant(ts), await signedInTenant(ts)];
  [a, b, aToken] = [ta, tb, ta.token];
  await seedTenantData(tb.imsop, 'b');
  await seedTenantData(ta.imsop, 'a'); // so A's lists are not trivially empty
  client = new Client(ts.address, credentials.createInsecure());
  admin = new pg.Client({ connectionString: ts.database.adminUrl });
  await admin.connect();
  ({ ids: bIds, secrets: bSecrets } = await tenantFingerprint(b.organizationId, a.organizationId, [
    b.name,
    b.adminEmail,
  ]));
  ({ ids: aIds } = await tenantFingerprint(a.organizationId, b.organizationId, []));
});
afterAll(async () => {
  client?.close();
  await admin?.end();
  await ts?.stop();
});

/** B's row ids per table, and B's distinctive strings (ids, names, emails) absent from A's data. */
async function tenantFingerprint(orgId: string, otherOrgId: string, names: string[]) {
  const { rows: tables } = await admin.query<{ table: string; has_id: boolean }>(
    `SELECT c.table_name AS table, bool_or(c.column_name = 'id') AS has_id
     FROM information_schema.columns c JOIN pg_class t ON t.relname = c.table_name AND NOT t.relispartition
     WHERE c.table_schema = 'public' GROUP BY c.table_name HAVING bool_or(c.column_name = 'organization_id')`,
  );
  const ids = new Map<string, string[]>();
  const secrets = new Set<string>([orgId, ...names]);
  for (const { table, has_id } of tables) {
    if (!has_id) continue;
    const { rows } = await admin.query<{ id: string; text: string }>(
      `SELECT id::text AS id, x::text AS text FROM ${table} x WHERE organization_id = $1`,
      [orgId],
    );
    ids.set(
      table,
      rows.map((r) => r.id),
    );
    for (const r of rows) secrets.add(r.id);
  }
  for (const s of [...secrets]) if (s.length < 6) secrets.delete(s);
  const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE organization_id = $1`, [
    otherOrgId,
  ]);
  expect(rows[0]!.n).toBeGreaterThan(0);
  return { ids, secrets: [...secrets] };
}

async function tenantChecksum(orgId: string): Promise<string> {
  const { rows: tables } = await admin.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY 1`,
  );
  const parts = tables.map(
    (t) =>
      `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t.t} x WHERE organization_id = '${orgId}'`,
  );
  return (await admin.query<{ h: string }>(parts.join(' UNION ALL '))).rows.map((r) => r.h).join('');
}

const bearer = (token: string) => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
};

interface Answer {
  code: number;
  bytes: Buffer;
  details: string;
}

/** Calls any method kind with raw bytes; collects every byte that comes back (data, message, trailers). */
function call(method: DescMethod, request: Uint8Array, md: Metadata): Promise<Answer> {
  const path = pathOf(method);
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const finish = (code: number, details: string, trailer?: Metadata) => {
      const raw = trailer?.get('grpc-status-details-bin')[0];
      if (raw instanceof Buffer) chunks.push(raw);
      resolve({ code, bytes: Buffer.concat(chunks), details });
    };
    if (method.methodKind === 'unary') {
      client.makeUnaryRequest(
        path,
        identity,
        identity,
        Buffer.from(request),
        md,
        { deadline: Date.now() + 10_000 },
        (error: ServiceError | null, response?: Buffer) => {
          if (response) chunks.push(response);
          finish(error ? error.code : status.OK, error?.details ?? '', error?.metadata);
        },
      );
      return;
    }
    const stream =
      method.methodKind === 'bidi_streaming'
        ? client.makeBidiStreamRequest(path, identity, identity, md, {})
        : client.makeServerStreamRequest(path, identity, identity, Buffer.from(request), md, {});
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('error', () => {});
    stream.on('status', (s) => finish(s.code, s.details, s.metadata));
    if (method.methodKind === 'bidi_streaming') {
      (stream as ReturnType<Client['makeBidiStreamRequest']>).write(Buffer.from(request));
      (stream as ReturnType<Client['makeBidiStreamRequest']>).end();
    }
    setTimeout(() => stream.cancel(), 700); // an accepted watch stays open; what it sent is what counts
  });
}

/** B's distinctive strings in an answer, except the id the request itself carried (an echo is not a leak). */
function leaked(answer: Answer, sent?: string): string[] {
  const text = answer.bytes.toString('latin1') + answer.details;
  return bSecrets.filter((s) => s !== sent && text.includes(s));
}

/** The table a field's ids live in, guessed from its name (`product_id` -> products; `id` -> the service's resource). */
function tablesFor(method: DescMethod, fieldName: string, pool: Map<string, string[]>): string[] | undefined {
  const stem =
    fieldName === 'id' || fieldName === 'parent'
      ? method.parent.name.replace(/Service$/, '')
      : fieldName
          .replace(/_ids?$/, '')
          .replace(/^(origin|destination|manager|actor)_/, (m) => (m === 'manager_' || m === 'actor_' ? 'user_' : ''));
  const snake = stem.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  for (const table of [
    `${snake}s`,
    `${snake}es`,
    snake.replace(/y$/, 'ies'),
    snake,
    snake.replace(/^user$/, 'users'),
  ]) {
    const ids = pool.get(table);
    if (ids && ids.length > 0) return ids;
  }
  return undefined;
}

/** B's ids that fit a field: from the table its name suggests, else a few of every kind B has. */
function candidateIds(method: DescMethod, fieldName: string): string[] {
  return tablesFor(method, fieldName, bIds)?.slice(0, 2) ?? [...bIds.values()].flat().slice(0, 3);
}

/** For the other id fields of a request: the caller's own ids, so only the field under test is foreign. */
const ownIds = (method: DescMethod) => (fieldName: string) => tablesFor(method, fieldName, aIds)?.[0] ?? '';

const protectedMethods = () => imsopMethods().filter((m) => METHOD_ACCESS[pathOf(m)]?.kind !== 'public');

describe('isolation matrix', () => {
  it("answers every method given B's ids, with A's credentials, without a byte of B's data", async () => {
    const before = await tenantChecksum(b.organizationId);
    const outcomes: Record<string, Record<string, number>> = {};
    const problems: string[] = [];
    let requests = 0;
    for (const method of protectedMethods()) {
      // Output-only fields are ignored in requests by design, and so is the id of the resource a
      // Create makes (the server assigns it); everything else that names an id is probed.
      const creates = method.name.startsWith('Create');
      const fields = idFields(method.input).filter(
        ({ field }) => !isOutputOnly(field) && !(creates && isIdentifier(field)),
      );
      for (const { path, field } of fields) {
        for (const id of candidateIds(method, field.name)) {
          const message = plausibleMessage(method.input, ownIds(method)) as Record<string, any>;
          setPath(method.input, message, path, id, ownIds(method));
          // In an Update, a reference only matters if the mask asks to change it.
          if (message.updateMask && path.length === 2) message.updateMask.paths = [field.name];
          const answer = await call(method, toBinary(method.input, message as never), bearer(aToken));
          requests++;
          const key = `${pathOf(method)} ${path.join('.')}`;
          (outcomes[key] ??= {})[status[answer.code] ?? answer.code] =
            ((outcomes[key] ?? {})[status[answer.code] ?? answer.code] ?? 0) + 1;
          const leaks = leaked(answer, id);
          if (leaks.length > 0) problems.push(`${key}: leaked ${leaks.join(', ')}`);
          const listLike = method.methodKind !== 'unary' || /^(List|Search|Query|Get.*Summary)/.test(method.name);
          // INVALID_ARGUMENT and FAILED_PRECONDITION: refused for another reason (the caller's own data), still with nothing of B.
          const allowed = [
            status.NOT_FOUND,
            status.PERMISSION_DENIED,
            status.INVALID_ARGUMENT,
            status.FAILED_PRECONDITION,
            ...(listLike ? [status.OK] : []),
          ];
          if (!allowed.includes(answer.code))
            problems.push(`${key}: answered ${status[answer.code]} (${answer.details})`);
        }
      }
    }
    console.log(
      `isolation matrix: ${requests} requests over ${protectedMethods().length} methods\n` +
        Object.entries(outcomes)
          .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
          .join('\n'),
    );
    expect(problems).toEqual([]);
    expect(await tenantChecksum(b.organizationId), "B's rows changed").toBe(before);
  });

  it("never shows B's rows in A's lists or streams", async () => {
    const problems: string[] = [];
    for (const method of protectedMethods().filter(
      (m) => m.methodKind === 'server_streaming' || m.name.startsWith('List'),
    )) {
      const message = plausibleMessage(method.input) as Record<string, any>;
      for (const { path } of idFields(method.input)) setPath(method.input, message, path, '');
      if ('pageSize' in message) message.pageSize = 500;
      const answer = await call(method, toBinary(method.input, message as never), bearer(aToken));
      const leaks = leaked(answer);
      if (leaks.length > 0) problems.push(`${pathOf(method)} leaked ${leaks.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('credentials', () => {
  it('are UNAUTHENTICATED everywhere when malformed, revoked, expired or forged for another organization', async () => {
    const revoked = await signIn(ts, a.name, a.adminEmail, a.adminPassword);
    await new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest(
        '/imsop.identity.v1.AuthService/Logout',
        identity,
        identity,
        Buffer.alloc(0),
        bearer(revoked),
        (e) => (e ? reject(e) : resolve()),
      ),
    );
    const expired = newAccessToken(a.organizationId);
    await admin.query(
      `INSERT INTO access_tokens (organization_id, id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, now() - interval '1 second')`,
      [a.organizationId, randomUUID(), a.adminUserId, expired.hash],
    );
    // A's secret under B's organization: parses, but no such token exists in B.
    const body = Buffer.from(aToken.slice(aToken.indexOf('_', 6) + 1), 'base64url');
    Buffer.from(b.organizationId.replace(/-/g, ''), 'hex').copy(body, 0);
    const forged = aToken.slice(0, aToken.indexOf('_', 6) + 1) + body.toString('base64url');
    const tokens = { malformed: 'not-a-token', revoked, expired: expired.token, forged };
    const problems: string[] = [];
    for (const method of protectedMethods()) {
      const request = toBinary(method.input, plausibleMessage(method.input) as never);
      for (const [kind, token] of Object.entries(tokens)) {
        const answer = await call(method, request, bearer(token));
        if (answer.code !== status.UNAUTHENTICATED)
          problems.push(`${pathOf(method)} with a ${kind} token: ${status[answer.code]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
