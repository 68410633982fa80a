import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentStatus } from '../gen/ts/imsop/shipments/v1/resources.js';
import { errorInfoCount, serviceError } from './support/expect-error.js';
import { bearer } from './support/grpc.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, Scanner, update, withAdmin } from './support/shipments.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

// Open streams are authenticated when they open and then re-checked: at once when a change of
// the organization's principals is announced (on any instance), and at STREAM_REAUTH_INTERVAL_MS
// for changes nobody announced. A refused stream ends with the status a new call would get, and
// nothing its caller sends afterwards is stored.

/** A server stream's messages and how it ended (watches and the organization feed alike). */
class Observed<T> {
  readonly messages: T[] = [];
  error: ServiceError | undefined;
  ended = false;

  constructor(readonly call: ClientReadableStream<T>) {
    call.on('data', (m: T) => this.messages.push(m));
    call.on('error', (e: ServiceError) => {
      this.error = e;
      this.ended = true;
    });
    call.on('end', () => (this.ended = true));
  }
}

/** Polls until `done()` holds. @throws when it does not within `timeoutMs`. */
async function until(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let pointCounter = 0;
/** Stores one tracking point through the unary call (as the admin) and returns its sequence. */
async function recordPoint(admin: ImsopClient, shipmentId: string): Promise<number> {
  const res = await admin.tracking.recordTrackingUpdate({ update: update(shipmentId, `p-${++pointCounter}`) });
  return res.trackingPoint!.sequence;
}

const watchShipment = (ts: TestServer, md: Metadata, shipmentId: string) =>
  new Observed(ts.clients.tracking.watchShipment({ shipmentId, sinceSequence: 0 }, md));

/** Opens the organization feed and records points until one arrives: the feed is live then. */
async function liveFeed(ts: TestServer, md: Metadata, org: Tenant, shipmentId: string) {
  const feed = new Observed(ts.clients.tracking.watchOrganizationFeed({ statuses: [], warehouseId: '' }, md));
  const admin = ts.connect(org.token); // the points are recorded on the feed's own instance
  await until(async () => {
    if (feed.messages.length > 0 || feed.ended) return true;
    await recordPoint(admin, shipmentId);
    await new Promise((r) => setTimeout(r, 100));
    return feed.messages.length > 0 || feed.ended;
  }, 'the feed to go live');
  expect(feed.error).toBeUndefined();
  return feed;
}

const storedCount = (ts: TestServer, shipmentId: string) =>
  withAdmin(
    ts,
    async (c) =>
      (await c.query(`SELECT count(*)::int AS n FROM shipment_tracking WHERE shipment_id = $1`, [shipmentId])).rows[0]
        .n as number,
  );

const shipmentStatus = async (admin: ImsopClient, id: string) =>
  (await admin.shipments.getShipment({ id })).shipment!.status;

async function scannerKey(ts: TestServer, org: Tenant, roleId = org.roleIds.operator!) {
  const { apiKey, secret } = await org.imsop.apiKeys.createApiKey({
    name: `scanner-${++pointCounter}`,
    roleId,
    expireTime: undefined,
  });
  return { id: apiKey!.id, metadata: bearer(secret) };
}

/** A scanner stream that has stored one update, so it is open and authenticated. */
async function openScanner(ts: TestServer, md: Metadata, shipmentId: string): Promise<Scanner> {
  const scanner = new Scanner(ts, md);
  scanner.send(update(shipmentId, 'before-revocation'));
  const [ack] = await scanner.acks(1);
  expect(ack!.error).toBeUndefined();
  return scanner;
}

/** Sends updates after a revocation (one that would cancel the shipment) and waits for the stream to end. */
async function sendAfterRevocation(scanner: Scanner, shipmentId: string): Promise<void> {
  scanner.sendEach(
    update(shipmentId, 'after-1'),
    update(shipmentId, 'after-2', { status: ShipmentStatus.SHIPMENT_STATUS_CANCELLED }),
  );
  await until(() => scanner.ended, 'the scanner stream to end');
  expect(scanner.received).toHaveLength(1);
}

describe('open streams on one instance, re-checked when a change is announced', () => {
  let ts: TestServer;
  let org: Tenant;

  beforeAll(async () => {
    // Far beyond the test's waits: whatever ends a stream here is the announcement.
    ts = await startTestServer({ env: { STREAM_REAUTH_INTERVAL_MS: '600000' } });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it("deactivating a user ends their WatchShipment and WatchOrganizationFeed UNAUTHENTICATED; other users' streams go on", async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const [leaving, staying] = await Promise.all([
      userWithRoles(ts, org, ['viewer']),
      userWithRoles(ts, org, ['viewer']),
    ]);
    const feed = await liveFeed(ts, bearer(leaving.token), org, shipment.id);
    const watch = watchShipment(ts, bearer(leaving.token), shipment.id);
    const other = watchShipment(ts, bearer(staying.token), shipment.id);
    const first = await storedCount(ts, shipment.id);
    await until(() => watch.messages.length >= first && other.messages.length >= first, 'both watches to replay');

    await org.imsop.users.deactivateUser({ id: leaving.id, etag: '', requestId: '' });
    await until(() => watch.ended && feed.ended, 'the deactivated user’s streams to end');
    for (const ended of [watch, feed]) {
      expect(serviceError(ended.error)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
      expect(errorInfoCount(serviceError(ended.error))).toBe(1);
    }

    // The same announcement made the other watcher re-check; it passed and the watch is live.
    const next = await recordPoint(org.imsop, shipment.id);
    await until(
      () => other.messages.some((m) => m.trackingPoint?.sequence === next),
      'the other watcher to get the next point',
    );
    expect(other.ended).toBe(false);
    other.call.cancel();
  });

  it('a watcher whose role lost shipments.shipments:read is ended PERMISSION_DENIED', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    await recordPoint(org.imsop, shipment.id);
    const { role } = await org.imsop.roles.createRole({
      name: `watchers-${++pointCounter}`,
      description: '',
      permissions: ['shipments.shipments:read'],
      requestId: '',
    });
    const user = await userWithRoles(ts, org, []);
    await org.imsop.roles.assignUserRole({ userId: user.id, roleId: role!.id, requestId: '' });
    const watch = watchShipment(ts, bearer(user.token), shipment.id);
    await until(() => watch.messages.length === 1, 'the watch to replay');

    await org.imsop.roles.revokeRolePermissions({
      roleId: role!.id,
      permissions: ['shipments.shipments:read'],
      requestId: '',
    });
    await until(() => watch.ended, 'the watch to end');
    expect(serviceError(watch.error)).toMatchObject({
      code: Status.PERMISSION_DENIED,
      reason: 'PERMISSION_DENIED',
      metadata: expect.objectContaining({ permission: 'shipments.shipments:read' }),
    });
  });

  it("a revoked API key's open scanner stream ends UNAUTHENTICATED, and nothing it sends afterwards is stored", async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const key = await scannerKey(ts, org);
    const scanner = await openScanner(ts, key.metadata, shipment.id);

    await org.imsop.apiKeys.revokeApiKey({ id: key.id, requestId: '' });
    await sendAfterRevocation(scanner, shipment.id);
    expect(serviceError(scanner.status)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
    expect(errorInfoCount(serviceError(scanner.status))).toBe(1);
    expect(await storedCount(ts, shipment.id)).toBe(1);
    expect(await shipmentStatus(org.imsop, shipment.id)).toBe(ShipmentStatus.SHIPMENT_STATUS_PENDING);
  });

  it('a scanner whose role lost shipments.tracking:write is refused PERMISSION_DENIED before storing anything more', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const { role } = await org.imsop.roles.createRole({
      name: `scanners-${++pointCounter}`,
      description: '',
      permissions: ['shipments.tracking:write'],
      requestId: '',
    });
    const key = await scannerKey(ts, org, role!.id);
    const scanner = await openScanner(ts, key.metadata, shipment.id);

    await org.imsop.roles.revokeRolePermissions({
      roleId: role!.id,
      permissions: ['shipments.tracking:write'],
      requestId: '',
    });
    await sendAfterRevocation(scanner, shipment.id);
    expect(serviceError(scanner.status)).toMatchObject({
      code: Status.PERMISSION_DENIED,
      reason: 'PERMISSION_DENIED',
      metadata: expect.objectContaining({ permission: 'shipments.tracking:write' }),
    });
    expect(await storedCount(ts, shipment.id)).toBe(1);
    expect(await shipmentStatus(org.imsop, shipment.id)).toBe(ShipmentStatus.SHIPMENT_STATUS_PENDING);
  });

  it("suspending the organization ends its scanners' streams, and nothing they send afterwards is stored", async () => {
    const suspended = await signedInTenant(ts);
    const shipment = await createTrackableShipment(suspended.imsop);
    const key = await scannerKey(ts, suspended);
    const scanner = await openScanner(ts, key.metadata, shipment.id);

    const { organization } = await suspended.imsop.organizations.getOrganization({});
    await suspended.imsop.organizations.updateOrganization({
      organization: { ...organization!, status: 2 },
      updateMask: ['status'],
      requestId: '',
    });
    await sendAfterRevocation(scanner, shipment.id);
    // What a new call of the suspended organization answers, too.
    expect(serviceError(scanner.status)).toMatchObject({
      code: Status.PERMISSION_DENIED,
      reason: 'ORGANIZATION_SUSPENDED',
    });
    expect(errorInfoCount(serviceError(scanner.status))).toBe(1);
    expect(await storedCount(ts, shipment.id)).toBe(1);
  });
});

describe('open streams re-checked at STREAM_REAUTH_INTERVAL_MS', () => {
  let ts: TestServer;
  let org: Tenant;

  beforeAll(async () => {
    ts = await startTestServer({ env: { STREAM_REAUTH_INTERVAL_MS: '200' } });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it('changes nobody announced (made in SQL) and expiring tokens end streams within the interval plus the principal cache lifetime', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    await recordPoint(org.imsop, shipment.id);
    const [deactivated, expiring] = await Promise.all([
      userWithRoles(ts, org, ['viewer']),
      userWithRoles(ts, org, ['viewer']),
    ]);
    const watches = [
      watchShipment(ts, bearer(deactivated.token), shipment.id),
      watchShipment(ts, bearer(expiring.token), shipment.id),
    ];
    const key = await scannerKey(ts, org);
    const scanner = await openScanner(ts, key.metadata, shipment.id);
    await until(() => watches.every((w) => w.messages.length === 2), 'the watches to replay');

    await withAdmin(ts, async (c) => {
      await c.query(`UPDATE users SET status = 'inactive' WHERE id = $1`, [deactivated.id]);
      await c.query(`UPDATE access_tokens SET expires_at = now() WHERE user_id = $1`, [expiring.id]);
      await c.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);
    });
    await until(() => watches.every((w) => w.ended) && scanner.ended, 'the streams to end');
    for (const watch of watches)
      expect(serviceError(watch.error)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
    expect(serviceError(scanner.status)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
  });
});

// Two instances sharing PostgreSQL and Redis: the change is made through A, the streams are
// open on B, whose own interval is far beyond the test's waits.
describe.runIf(redisAvailable)('open streams on another instance, re-checked through Redis', () => {
  let first: TestServer;
  let second: TestServer;
  let org: Tenant;

  beforeAll(async () => {
    first = await startTestServer({ redis: true });
    second = await startTestServer({
      redis: true,
      database: first.database,
      env: { STREAM_REAUTH_INTERVAL_MS: '600000' },
    });
    org = await signedInTenant(first);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('deactivation on A ends the user’s watch and feed on B', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const user = await userWithRoles(first, org, ['viewer']);
    const feed = await liveFeed(second, bearer(user.token), org, shipment.id);
    const watch = watchShipment(second, bearer(user.token), shipment.id);
    await until(() => watch.messages.length > 0, 'the watch to replay');

    await org.imsop.users.deactivateUser({ id: user.id, etag: '', requestId: '' });
    await until(() => watch.ended && feed.ended, 'the streams on B to end');
    expect(serviceError(watch.error)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
    expect(serviceError(feed.error)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
  });

  it('revoking an API key on A ends its scanner stream on B, which stores nothing afterwards', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const key = await scannerKey(first, org);
    const scanner = await openScanner(second, key.metadata, shipment.id);

    await org.imsop.apiKeys.revokeApiKey({ id: key.id, requestId: '' });
    await sendAfterRevocation(scanner, shipment.id);
    expect(serviceError(scanner.status)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
    expect(await storedCount(first, shipment.id)).toBe(1);
    expect(await shipmentStatus(org.imsop, shipment.id)).toBe(ShipmentStatus.SHIPMENT_STATUS_PENDING);
  });

  it('a revoked key whose scanner sends nothing is ended on B by the announcement alone', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const key = await scannerKey(first, org);
    const scanner = await openScanner(second, key.metadata, shipment.id);

    await org.imsop.apiKeys.revokeApiKey({ id: key.id, requestId: '' });
    await until(() => scanner.ended, 'the idle scanner stream to end');
    expect(serviceError(scanner.status)).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
  });
});
