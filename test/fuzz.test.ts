import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imsopMethods, pathOf } from './support/descriptors.js';
import { encodeWithInvalidUtf8, prng, randomMessage } from './support/fuzz-values.js';
import { seedOrganization, startTestServer, type TestServer } from './support/server.js';
import { bearer, unary } from './support/grpc.js';
import { loginAs } from './support/tenant.js';

/**
 * Bad input, generated from the descriptors so every method (present and future) is covered:
 * random and adversarial messages to every IMSOP method as an admin. Every answer must be a
 * deliberate status (never INTERNAL/UNKNOWN), the server must stay healthy, and a method whose
 * requests were all rejected must have changed no row. FUZZ_CASES sets cases per method.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const UNDELIBERATE = new Set([status.INTERNAL, status.UNKNOWN, status.DATA_LOSS, status.UNIMPLEMENTED]);
const identity = (b: Buffer) => b;

let ts: TestServer;
let client: Client;
let admin: pg.Client;
let signIn: () => Promise<Metadata>;

beforeAll(async () => {
  ts = await startTestServer();
  const org = await seedOrganization(ts);
  // A fresh token per method: fuzzing Logout (or a self-deactivation) must not disarm the rest.
  signIn = async () => bearer((await loginAs(ts, org.name, org.adminEmail, org.adminPassword)).token);
  client = new Client(ts.address, credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  admin = new pg.Client({ connectionString: ts.database.adminUrl });
  await admin.connect();
});
afterAll(async () => {
  client?.close();
  await admin?.end();
  await ts?.stop();
});

/** One checksum of every row of every table: any insert, update or delete changes it. */
async function databaseChecksum(): Promise<string> {
  const { rows: tables } = await admin.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const parts = tables.map(
    (t) => `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t.name} x`,
  );
  const { rows } = await admin.query<{ h: string }>(parts.join(' UNION ALL '));
  return rows.map((r) => r.h).join('');
}

/** Sends raw bytes to a method of any kind and returns the final status code. */
function send(
  path: string,
  kind: { requestStream: boolean; responseStream: boolean },
  bytes: Uint8Array,
  md: Metadata,
): Promise<number> {
  const buffer = Buffer.from(bytes);
  const options = { deadline: Date.now() + 15_000 };
  return new Promise((resolve) => {
    if (!kind.requestStream && !kind.responseStream) {
      client.makeUnaryRequest(path, identity, identity, buffer, md, options, (error: ServiceError | null) =>
        resolve(error ? error.code : status.OK),
      );
      return;
    }
    const call = kind.requestStream
      ? client.makeBidiStreamRequest(path, identity, identity, md, options)
      : client.makeServerStreamRequest(path, identity, identity, buffer, md, options);
    call.on('data', () => {});
    call.on('error', () => {});
    call.on('status', (s) => resolve(s.code));
    if (kind.requestStream) {
      (call as ReturnType<Client['makeBidiStreamRequest']>).write(buffer);
      (call as ReturnType<Client['makeBidiStreamRequest']>).end();
    }
    // A watch that accepted the request stays open: that is a deliberate OK, not a hang.
    setTimeout(() => call.cancel(), 500);
  });
}

describe('fuzzing every method from the descriptors', () => {
  const methods = imsopMethods();
  const report: Record<string, Record<string, number>> = {};

  it('finds the IMSOP methods to fuzz', () => {
    expect(methods.length).toBeGreaterThan(0);
  });

  for (const method of methods) {
    it(`${pathOf(method)} answers every malformed request deliberately and changes nothing when rejecting`, async () => {
      const rand = prng(SEED ^ method.name.length ^ (method.parent.name.length * 7919));
      const counts: Record<string, number> = {};
      const auth = await signIn();
      const before = await databaseChecksum();
      let accepted = 0;
      for (let i = 0; i < CASES; i++) {
        const message = randomMessage(rand, method.input);
        const bytes = encodeWithInvalidUtf8(method.input, message, rand);
        const code = await send(
          pathOf(method),
          { requestStream: method.methodKind === 'bidi_streaming', responseStream: method.methodKind !== 'unary' },
          bytes,
          auth,
        );
        counts[status[code] ?? String(code)] = (counts[status[code] ?? String(code)] ?? 0) + 1;
        expect(UNDELIBERATE.has(code), `${pathOf(method)} case ${i} (seed ${SEED}) answered ${status[code]}`).toBe(
          false,
        );
        if (code === status.OK) accepted++;
      }
      // Garbage that is not a protobuf message at all.
      const garbage = await send(
        pathOf(method),
        { requestStream: method.methodKind === 'bidi_streaming', responseStream: method.methodKind !== 'unary' },
        new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x80]),
        auth,
      );
      expect(UNDELIBERATE.has(garbage), `${pathOf(method)} garbage answered ${status[garbage]}`).toBe(false);
      if (garbage === status.OK) accepted++;
      if (accepted === 0 && method.methodKind === 'unary')
        expect(await databaseChecksum(), 'rejected requests changed rows').toBe(before);
      report[pathOf(method)] = counts;
    });
  }

  it('rejects messages above the size limit with RESOURCE_EXHAUSTED and stays healthy', async () => {
    const code = await send(
      pathOf(methods[0]!),
      { requestStream: false, responseStream: false },
      new Uint8Array(5 * 1024 * 1024),
      await signIn(),
    );
    expect(code).toBe(status.RESOURCE_EXHAUSTED);
    const health = await unary(ts.clients.health.check.bind(ts.clients.health), { service: '' });
    expect(health.status).toBe(1);
  });

  afterAll(() => {
    const lines = Object.entries(report).map(
      ([m, c]) =>
        `${m}: ${Object.entries(c)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
    );
    console.log(`fuzz report (${CASES} cases + garbage per method, seed ${SEED}):\n${lines.join('\n')}`);
  });
});
