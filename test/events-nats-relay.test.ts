import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { connect, type JetStreamManager, type NatsConnection, type StoredMsg } from 'nats';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordChange } from '../src/platform/change-feed/record-change.js';
import { ConfigError, loadConfig } from '../src/platform/config.js';
import { NATS_RELAY_HEALTH_SERVICE } from '../src/platform/event-relay/configured-relay.js';
import { natsConnectionOptions } from '../src/platform/event-relay/nats-connection.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { PrivateNats } from './support/nats-server.js';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';
import { signedInTenant } from './support/tenant.js';

/**
 * The change feed's relay to NATS JetStream (EVENTS_NATS_URL), against the real nats-server of
 * the machine (TEST_NATS_URL, default nats://127.0.0.1:4222; .ci/run starts it): what a consumer
 * of the stream sees, what an operator sees in metrics and health. Each run publishes to a
 * stream and subject prefix of its own, deleted at the end. Without a reachable NATS the file
 * fails, saying so: it never passes by testing nothing.
 */
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomBytes(4).toString('hex');

let nats: NatsConnection;
let jsm: JetStreamManager;
/** The database of the test running (each starts from an empty feed), and a superuser connection to it. */
let db: TestDatabase;
let admin: pg.Client;
const streams: string[] = [];

beforeAll(async () => {
  try {
    nats = await connect({ servers: new URL(NATS_URL).host, timeout: 5_000 });
    jsm = await nats.jetstreamManager();
  } catch (error) {
    throw new Error(
      `NATS with JetStream is not reachable at ${NATS_URL} (TEST_NATS_URL): start it (nats-server -js; .ci/run does) — ${(error as Error).message}`,
    );
  }
});

beforeEach(async () => {
  db = await createTestDatabase();
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
});

afterEach(async () => {
  await admin?.end();
  await db?.drop();
});

afterAll(async () => {
  for (const stream of streams) await jsm?.streams.delete(stream).catch(() => {});
  await nats?.close();
});

/** A stream and subject prefix of this run only. */
function target(name: string): { stream: string; prefix: string; env: Record<string, string> } {
  const stream = `IMSOP_TEST_${run}_${name}`.toUpperCase();
  const prefix = `imsoptest.${run}.${name}`;
  streams.push(stream);
  return {
    stream,
    prefix,
    env: { EVENTS_NATS_URL: NATS_URL, EVENTS_NATS_STREAM: stream, EVENTS_NATS_SUBJECT_PREFIX: prefix },
  };
}

/** Every message the stream holds, in stream order (on the machine's NATS unless `manager` says otherwise). */
async function messages(stream: string, manager = jsm): Promise<StoredMsg[]> {
  const info = await manager.streams.info(stream).catch(() => undefined);
  if (!info) return [];
  const out: StoredMsg[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++)
    out.push(await manager.streams.getMessage(stream, { seq }));
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Records one change of a product in its own committed transaction (as a mutation does); returns the event id. */
async function commitChange(ts: TestServer, org: SeededOrganization, resourceId = randomUUID()): Promise<string> {
  const scope = { organizationId: org.organizationId, userId: org.adminUserId };
  await ts.runtime.app.db.inTenant(scope, (work) =>
    recordChange(work, {
      resourceType: 'product',
      resourceId,
      eventType: 'product.updated',
      changeKind: 'updated',
      changedFields: ['name'],
      etag: 'W/"2"',
      resource: { id: resourceId, name: `renamed ${resourceId}` },
    }),
  );
  const { rows } = await admin.query<{ id: string }>(`SELECT id FROM change_events WHERE resource_id = $1`, [
    resourceId,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

async function metric(ts: TestServer, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const found = await ts.server.metrics.registry.getSingleMetric(name)?.get();
  return found?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

async function health(ts: TestServer, service: string): Promise<string> {
  const response = await new Promise<{ status: number }>((resolve, reject) =>
    ts.clients.health.check({ service }, (error, r) => (error ? reject(error) : resolve(r))),
  );
  return ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][response.status]!;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The ids of every event of the feed (all organizations) that has a position, in feed order. */
async function feedIds(): Promise<string[]> {
  const { rows } = await admin.query<{ id: string }>(
    `SELECT id FROM change_events WHERE position IS NOT NULL ORDER BY position`,
  );
  return rows.map((r) => r.id);
}

/**
 * The message ids the stream holds, once it holds every positioned event of the feed, in feed
 * order and nothing else, `including` these event ids (committed, so soon positioned).
 */
async function streamMatchesFeed(stream: string, including: readonly string[], manager = jsm): Promise<string[]> {
  return until(`the stream ${stream} to hold the feed`, async () => {
    const ids = await feedIds();
    if (!including.every((id) => ids.includes(id))) return false;
    const held = (await messages(stream, manager)).map((m) => m.header.get('Nats-Msg-Id'));
    return JSON.stringify(ids) === JSON.stringify(held) && held;
  });
}

async function relayedPosition(stream: string): Promise<number | undefined> {
  const { rows } = await admin.query<{ p: string }>(
    `SELECT relayed_position AS p FROM change_event_relays WHERE relay = $1`,
    [stream],
  );
  return rows[0] ? Number(rows[0].p) : undefined;
}

describe('the NATS JetStream relay', () => {
  it('publishes a committed change once, with the event id as message id, and nothing of a rolled-back one', async () => {
    const t = target('once');
    const ts = await startTestServer({ database: db, env: t.env });
    try {
      const org = await signedInTenant(ts);
      // A real mutation through gRPC, then the same one refused (the SKU is taken): one event.
      const sku = `NATS-${run}`.toUpperCase();
      const { product } = await org.imsop.products.createProduct({ product: { sku, name: 'Relayed product' } });
      await expect(org.imsop.products.createProduct({ product: { sku, name: 'Again' } })).rejects.toThrow();
      const created = await until('product.created on JetStream', async () =>
        (await messages(t.stream)).find((m) => m.header.get('Imsop-Event-Type') === 'product.created'),
      );
      const { rows: createdRows } = await admin.query<{ id: string }>(
        `SELECT id FROM change_events WHERE resource_id = $1 AND event_type = 'product.created'`,
        [product!.id],
      );
      expect(createdRows).toHaveLength(1);
      expect(created.header.get('Nats-Msg-Id')).toBe(createdRows[0]!.id);
      expect(created.subject).toBe(`${t.prefix}.${org.organizationId}.product.product_created`);
      expect(created.json<{ resource: unknown }>().resource).toMatchObject({
        id: product!.id,
        sku,
        name: 'Relayed product',
      });

      const committed = await commitChange(ts, org);
      const message = await until('the committed change on JetStream', async () =>
        (await messages(t.stream)).find((m) => m.header.get('Nats-Msg-Id') === committed),
      );
      expect(message.header.get('Content-Type')).toBe('application/json');
      expect(message.header.get('Imsop-Organization-Id')).toBe(org.organizationId);
      expect(message.header.get('Imsop-Resource-Type')).toBe('product');
      expect(message.header.get('Imsop-Event-Type')).toBe('product.updated');
      expect(message.subject).toBe(`${t.prefix}.${org.organizationId}.product.product_updated`);
      const body = message.json<Record<string, unknown>>();
      expect(body).toMatchObject({
        eventId: committed,
        resourceType: 'product',
        eventType: 'product.updated',
        changeKind: 'CHANGE_KIND_UPDATED',
        changedFields: ['name'],
        etag: 'W/"2"',
        actor: { kind: 'ACTOR_KIND_USER', id: org.adminUserId },
      });
      expect(typeof body.cursor).toBe('string');
      expect(new Date(body.occurredAt as string).getTime()).toBeGreaterThan(Date.now() - 60_000);

      // A change whose transaction rolls back, then a committed one: the stream gets the second
      // (so the relay has read past where the first would be) and never the first.
      const rolledBack = randomUUID();
      const scope = { organizationId: org.organizationId, userId: org.adminUserId };
      await expect(
        ts.runtime.app.db.inTenant(scope, async (work) => {
          await recordChange(work, {
            resourceType: 'product',
            resourceId: rolledBack,
            eventType: 'product.created',
            changeKind: 'created',
          });
          throw new Error('the mutation failed');
        }),
      ).rejects.toThrow('the mutation failed');
      const after = await commitChange(ts, org);
      // Every event of the feed exactly once, in feed order, and nothing else.
      const held = await streamMatchesFeed(t.stream, [committed, after]);
      expect(held).toContain(after);
      expect(held.filter((id) => id === committed)).toHaveLength(1);
      expect((await messages(t.stream)).some((m) => m.string().includes(rolledBack))).toBe(false);
      expect(
        (await messages(t.stream)).filter((m) => m.header.get('Imsop-Event-Type') === 'product.created'),
      ).toHaveLength(1);
      expect(await metric(ts, 'imsop_event_relay_published_total', { outcome: 'stored' })).toBe(held.length);
      await until('lag back to 0', async () => (await metric(ts, 'imsop_event_relay_lag_positions')) === 0);
      expect(await metric(ts, 'imsop_event_relay_lag_seconds')).toBe(0);
      expect(await metric(ts, 'imsop_event_relay_leader')).toBe(1);
      expect(await metric(ts, 'imsop_event_relay_nats_up')).toBe(1);
      expect(await health(ts, NATS_RELAY_HEALTH_SERVICE)).toBe('SERVING');
    } finally {
      await ts.stop();
    }
  });

  it('resumes after a restart without loss, and a re-send after a lost progress record is deduplicated by JetStream', async () => {
    const t = target('resume');
    let ts = await startTestServer({ database: db, env: t.env });
    const org = await seedOrganization(ts);
    const ids = [await commitChange(ts, org), await commitChange(ts, org)];
    await streamMatchesFeed(t.stream, ids);
    await ts.stop();

    // Changes made while no relay runs (this instance has no EVENTS_NATS_URL).
    ts = await startTestServer({ database: db });
    ids.push(await commitChange(ts, org), await commitChange(ts, org), await commitChange(ts, org));
    await until('the sequencer positioned them', async () => {
      const { rows } = await admin.query(`SELECT 1 FROM change_events WHERE id = ANY($1) AND position IS NULL`, [ids]);
      return rows.length === 0;
    });
    await ts.stop();

    ts = await startTestServer({ database: db, env: t.env });
    try {
      // Everything, the changes made while it was away included, once each and in order.
      const relayed = await streamMatchesFeed(t.stream, ids);
      expect(relayed.filter((id) => ids.includes(id))).toEqual(ids);
      const { rows } = await admin.query<{ p: string }>(`SELECT max(position) AS p FROM change_events`);
      await until('progress recorded', async () => (await relayedPosition(t.stream)) === Number(rows[0]!.p));
    } finally {
      await ts.stop();
    }

    // A crash after publishing but before recording progress: the record is behind what the
    // stream holds. The next relay re-sends those events; JetStream keeps one copy of each.
    await admin.query(`UPDATE change_event_relays SET relayed_position = 0 WHERE relay = $1`, [t.stream]);
    ts = await startTestServer({ database: db, env: t.env });
    try {
      const feed = await feedIds();
      await until(
        'the re-send',
        async () => (await metric(ts, 'imsop_event_relay_published_total', { outcome: 'duplicate' })) === feed.length,
      );
      expect(await metric(ts, 'imsop_event_relay_published_total', { outcome: 'stored' })).toBeUndefined();
      expect((await messages(t.stream)).map((m) => m.header.get('Nats-Msg-Id'))).toEqual(feed);
    } finally {
      await ts.stop();
    }
  });

  it('runs on one instance of two; the other takes over when it stops; one without background tasks only reports', async () => {
    const t = target('leader');
    const a = await startTestServer({ database: db, env: t.env });
    const b = await startTestServer({ database: db, env: t.env });
    const c = await startTestServer({ database: db, env: { ...t.env, BACKGROUND_TASKS: 'false' } });
    const servers = [a, b, c];
    let stopped: TestServer | undefined;
    try {
      const org = await seedOrganization(a);
      const leader = await until('a leader', async () => {
        const leading = [];
        for (const s of servers) if ((await metric(s, 'imsop_event_relay_leader')) === 1) leading.push(s);
        return leading.length === 1 && leading[0];
      });
      const standby = leader === a ? b : a;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await commitChange(servers[i % 3]!, org));
      const relayed = await streamMatchesFeed(t.stream, ids);
      expect(await metric(standby, 'imsop_event_relay_leader')).toBe(0);
      expect(await metric(standby, 'imsop_event_relay_nats_up')).toBeUndefined();
      expect(await metric(leader, 'imsop_event_relay_nats_up', { stream: t.stream })).toBe(1);
      expect(await metric(leader, 'imsop_event_relay_published_total', { outcome: 'stored' })).toBe(relayed.length);
      expect(await metric(standby, 'imsop_event_relay_published_total', { outcome: 'stored' })).toBeUndefined();
      expect(await metric(leader, 'imsop_event_relay_published_total', { outcome: 'duplicate' })).toBeUndefined();

      await leader.stop();
      stopped = leader;
      await until('the standby leads', async () => (await metric(standby, 'imsop_event_relay_leader')) === 1);
      // The process without background tasks never relays, but answers for the relay's lag and health.
      expect(await metric(c, 'imsop_event_relay_leader')).toBe(0);
      expect(await metric(c, 'imsop_event_relay_published_total', { outcome: 'stored' })).toBeUndefined();
      await until('c sees no lag', async () => (await metric(c, 'imsop_event_relay_lag_positions')) === 0);
      expect(await health(c, NATS_RELAY_HEALTH_SERVICE)).toBe('SERVING');
      const next = await commitChange(standby, org);
      expect(await streamMatchesFeed(t.stream, [next])).toEqual([...relayed, next]);
      expect(await metric(standby, 'imsop_event_relay_published_total', { outcome: 'stored' })).toBe(1);
    } finally {
      for (const s of servers) if (s !== stopped) await s.stop();
    }
  });

  it('NATS down at start: the service serves, the lag shows, and the relay catches up once NATS is there', async () => {
    const t = target('down');
    const down = { ...t.env, EVENTS_NATS_URL: `nats://127.0.0.1:${await closedPort()}` };
    let ts = await startTestServer({ database: db, env: down });
    const org = await seedOrganization(ts);
    const ids: string[] = [];
    try {
      expect(await health(ts, '')).toBe('SERVING');
      ids.push(await commitChange(ts, org), await commitChange(ts, org));
      await until('the lag shows', async () => (await metric(ts, 'imsop_event_relay_lag_positions'))! >= 2);
      expect(await metric(ts, 'imsop_event_relay_nats_up')).toBe(0);
      expect(await health(ts, NATS_RELAY_HEALTH_SERVICE)).toBe('NOT_SERVING');
      expect(await health(ts, '')).toBe('SERVING');
      expect(await relayedPosition(t.stream)).toBeUndefined();
    } finally {
      await ts.stop();
    }
    ts = await startTestServer({ database: db, env: t.env });
    try {
      await streamMatchesFeed(t.stream, ids);
      await until('lag 0', async () => (await metric(ts, 'imsop_event_relay_lag_positions')) === 0);
      await until('healthy', async () => (await health(ts, NATS_RELAY_HEALTH_SERVICE)) === 'SERVING');
    } finally {
      await ts.stop();
    }
  });
});

describe('a stream the operator creates', () => {
  it('EVENTS_NATS_CREATE_STREAM=false: the relay waits for the stream, unhealthy meanwhile, then relays everything', async () => {
    const t = target('manual');
    const ts = await startTestServer({ database: db, env: { ...t.env, EVENTS_NATS_CREATE_STREAM: 'false' } });
    try {
      const org = await seedOrganization(ts);
      const ids = [await commitChange(ts, org)];
      await until(
        'the relay reports it cannot publish',
        async () => (await metric(ts, 'imsop_event_relay_nats_up')) === 0,
      );
      expect(await health(ts, NATS_RELAY_HEALTH_SERVICE)).toBe('NOT_SERVING');
      expect(await jsm.streams.info(t.stream).catch(() => undefined)).toBeUndefined();

      await jsm.streams.add({ name: t.stream, subjects: [`${t.prefix}.>`] });
      ids.push(await commitChange(ts, org));
      await streamMatchesFeed(t.stream, ids);
      await until('healthy', async () => (await health(ts, NATS_RELAY_HEALTH_SERVICE)) === 'SERVING');
    } finally {
      await ts.stop();
    }
  });
});

describe('the NATS JetStream relay through an outage', () => {
  it('NATS going away while relaying: calls are served, the lag shows, and the same relay catches up when NATS is back', async () => {
    const nats = await PrivateNats.create();
    const t = target('outage');
    const ts = await startTestServer({ database: db, env: { ...t.env, EVENTS_NATS_URL: nats.url } });
    let client: NatsConnection | undefined;
    try {
      const org = await seedOrganization(ts);
      const ids = [await commitChange(ts, org)];
      client = await connect({ servers: `127.0.0.1:${nats.port}` });
      const manager = await client.jetstreamManager();
      await streamMatchesFeed(t.stream, ids, manager);
      await client.close();

      await nats.kill();
      ids.push(await commitChange(ts, org), await commitChange(ts, org));
      await until('the relay sees NATS gone', async () => (await metric(ts, 'imsop_event_relay_nats_up')) === 0);
      await until('the lag shows', async () => (await metric(ts, 'imsop_event_relay_lag_positions'))! >= 2);
      expect(await health(ts, NATS_RELAY_HEALTH_SERVICE)).toBe('NOT_SERVING');
      expect(await health(ts, '')).toBe('SERVING');
      await commitChange(ts, org).then((id) => ids.push(id));

      await nats.start();
      await until('caught up', async () => (await metric(ts, 'imsop_event_relay_lag_positions')) === 0, 45_000);
      expect(await metric(ts, 'imsop_event_relay_nats_up')).toBe(1);
      await until('healthy again', async () => (await health(ts, NATS_RELAY_HEALTH_SERVICE)) === 'SERVING');
      client = await connect({ servers: `127.0.0.1:${nats.port}` });
      const relayed = await streamMatchesFeed(t.stream, ids, await client.jetstreamManager());
      expect(relayed.filter((id) => ids.includes(id))).toEqual(ids);
    } finally {
      await client?.close();
      await ts.stop();
      await nats.dispose();
    }
  });
});

describe('EVENTS_NATS_* settings', () => {
  it('are validated at start, each bad value named, without echoing a password', () => {
    let error: unknown;
    try {
      loadConfig({
        EVENTS_NATS_URL: 'nats://relay:s3cret@127.0.0.1:4222,http://nats.example:4222',
        EVENTS_NATS_STREAM: 'imsop.events',
        EVENTS_NATS_SUBJECT_PREFIX: 'imsop.*',
        EVENTS_NATS_CREATE_STREAM: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'EVENTS_NATS_URL: "http://nats.example:4222" is not a NATS URL (expected nats://host:4222 or tls://host:4222)',
      'EVENTS_NATS_STREAM must be 1 to 64 letters, digits, _ or - (a JetStream stream name)',
      'EVENTS_NATS_SUBJECT_PREFIX must be 1 to 8 dot-separated tokens of letters, digits, _ or - (e.g. imsop.events)',
      'EVENTS_NATS_CREATE_STREAM must be true or false',
    ]);
    expect(
      loadConfig({ EVENTS_NATS_URL: 'nats://relay:s3cret@[::1]:4222, tls://nats-2.internal' }).EVENTS_NATS_URL,
    ).toEqual(['nats://relay:s3cret@[::1]:4222', 'tls://nats-2.internal']);
    expect(() => loadConfig({ EVENTS_NATS_URL: 'nats://relay:s3cret@' })).toThrow(/"nats:\/\/relay:\*\*\*@"/);
  });

  it('credentials in the URL become connection options, never part of the server addresses', () => {
    expect(natsConnectionOptions(['nats://relay:p%40ss@[::1]:4223', 'tls://nats-2.internal'], 'imsop')).toMatchObject({
      servers: ['[::1]:4223', 'nats-2.internal:4222'],
      user: 'relay',
      pass: 'p@ss',
      tls: {},
    });
    expect(natsConnectionOptions(['nats://t0ken@127.0.0.1'], 'imsop')).toMatchObject({
      servers: ['127.0.0.1:4222'],
      token: 't0ken',
    });
  });
});
