import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentStatus } from '../gen/ts/imsop/shipments/v1/resources.js';
import { expectError, serviceError, statusError } from './support/expect-error.js';
import { bearer } from './support/grpc.js';
import { Status } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, Scanner, update, Watcher, withAdmin } from './support/shipments.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

let ts: TestServer;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  ts = await startTestServer();
  [a, b] = await Promise.all([signedInTenant(ts), signedInTenant(ts)]);
});
afterAll(() => ts?.stop());

const storedCount = (shipmentId: string) =>
  withAdmin(
    ts,
    async (c) =>
      (await c.query(`SELECT count(*)::int AS n FROM shipment_tracking WHERE shipment_id = $1`, [shipmentId])).rows[0]
        .n as number,
  );

describe('scanner stream', () => {
  it('acks every update with the next sequence, and a re-send of the same update ids with the same sequences and nothing stored twice', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const updates = Array.from({ length: 60 }, (_, i) => update(shipment.id, `scan-${i}`));

    const first = new Scanner(ts, bearer(a.token));
    first.sendEach(...updates.slice(0, 40));
    const acks = await first.acks(40);
    expect(acks.map((x) => x.updateId)).toEqual(updates.slice(0, 40).map((u) => u.updateId));
    expect(acks.map((x) => x.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(acks.every((x) => !x.duplicate && !x.error && x.shipmentId === shipment.id)).toBe(true);
    // The connection drops before the client saw the last acks: it reconnects and re-sends
    // everything from update 30 on, plus the rest (the same update twice in one round, too).
    first.call.cancel();

    const second = new Scanner(ts, bearer(a.token));
    second.send(...updates.slice(30), updates[45]!);
    const again = await second.acks(31);
    expect(again.slice(0, 10).map((x) => [x.sequence, x.duplicate])).toEqual(
      Array.from({ length: 10 }, (_, i) => [31 + i, true]),
    );
    expect(again.slice(10, 30).map((x) => [x.sequence, x.duplicate])).toEqual(
      Array.from({ length: 20 }, (_, i) => [41 + i, false]),
    );
    expect(again[30]).toMatchObject({ updateId: 'scan-45', sequence: 46, duplicate: true });
    await second.close();
    expect(second.status).toBeUndefined();

    expect(await storedCount(shipment.id)).toBe(60);
    const fresh = await a.imsop.shipments.getShipment({ id: shipment.id });
    expect(fresh.shipment!.lastSequence).toBe(60);
  });

  it('answers bad updates in-band with a google.rpc.Status and keeps the stream open', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const foreign = await createTrackableShipment(b.imsop);
    const scanner = new Scanner(ts, bearer(a.token));
    scanner.send(
      update(shipment.id, 'ok-1'),
      update(shipment.id, 'bad-coords', { position: { latitude: 91, longitude: -181 } }),
      update(shipment.id, 'future', { eventTime: new Date(Date.now() + 3_600_000) }),
      update(foreign.id, 'other-tenant'),
      update('8d3e1c6a-1111-4111-8111-111111111111', 'unknown'),
      update(shipment.id, 'ok-1', { location: 'somewhere else' }),
      update(shipment.id, 'illegal', { status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED }),
      update(shipment.id, 'ok-2'),
    );
    const acks = await scanner.acks(8);
    expect(acks.map((x) => x.updateId)).toEqual([
      'ok-1',
      'bad-coords',
      'future',
      'other-tenant',
      'unknown',
      'ok-1',
      'illegal',
      'ok-2',
    ]);
    expect(acks[0]).toMatchObject({ sequence: 1, error: undefined });
    expect(acks[7]).toMatchObject({ sequence: 2, error: undefined });

    const coords = statusError(acks[1]!.error!);
    expect(coords.code).toBe(Status.INVALID_ARGUMENT);
    expect(coords.fieldViolations.map((v) => v.field).sort()).toEqual([
      'updates[1].position.latitude',
      'updates[1].position.longitude',
    ]);
    expect(acks[1]!.sequence).toBe(0);
    expect(statusError(acks[2]!.error!).fieldViolations.map((v) => v.field)).toEqual(['updates[2].event_time']);
    // Another organization's shipment is indistinguishable from a missing one.
    const [otherTenant, unknown] = [statusError(acks[3]!.error!), statusError(acks[4]!.error!)];
    expect(otherTenant).toMatchObject({
      code: Status.NOT_FOUND,
      reason: 'SHIPMENT_NOT_FOUND',
      message: unknown.message,
    });
    expect(unknown).toMatchObject({ code: Status.NOT_FOUND, reason: 'SHIPMENT_NOT_FOUND' });
    expect(statusError(acks[5]!.error!)).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      reason: 'UPDATE_ID_REUSED',
      fieldViolations: [expect.objectContaining({ field: 'updates[5].update_id' })],
    });
    expect(statusError(acks[6]!.error!)).toMatchObject({
      code: Status.FAILED_PRECONDITION,
      reason: 'ILLEGAL_STATUS_TRANSITION',
      metadata: expect.objectContaining({ current_status: 'pending', requested_status: 'delivered' }),
    });
    expect(scanner.ended).toBe(false);
    await scanner.close();
    expect(await storedCount(shipment.id)).toBe(2);
    expect(await storedCount(foreign.id)).toBe(0);
  });

  it('resolves shipments by tracking number and applies statuses the scanner reports', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const scanner = new Scanner(ts, bearer(a.token));
    const byNumber = { shipmentId: '', trackingNumber: shipment.trackingNumber, carrier: 'dhl' };
    scanner.send(
      update('', 'picked-up', { ...byNumber, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT }),
      update('', 'moving', byNumber),
      update('', 'again-in-transit', { ...byNumber, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT }),
      update('', 'at-door', { ...byNumber, status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED }),
    );
    const acks = await scanner.acks(4);
    expect(acks.map((x) => [x.sequence, x.error?.message])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [4, undefined],
    ]);
    await scanner.close();
    const points = await a.imsop.tracking.listTrackingPoints({ shipmentId: shipment.id });
    // The third update re-stated the current status: stored as a point, no status change.
    expect(points.trackingPoints.map((p) => p.status)).toEqual([
      ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
      ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED,
      ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED,
      ShipmentStatus.SHIPMENT_STATUS_DELIVERED,
    ]);
    const after = await a.imsop.shipments.getShipment({ id: shipment.id });
    expect(after.shipment).toMatchObject({ status: ShipmentStatus.SHIPMENT_STATUS_DELIVERED, lastSequence: 4 });
    expect(after.shipment!.shipTime).toBeInstanceOf(Date);
    expect(after.shipment!.deliveryTime).toBeInstanceOf(Date);
  });

  it('records who sent each point when several senders stream at once, and refuses senders without tracking:write', async () => {
    const org = await signedInTenant(ts);
    const [operator, other, viewer] = [
      await userWithRoles(ts, org, ['operator']),
      await userWithRoles(ts, org, ['operator']),
      await userWithRoles(ts, org, ['viewer']),
    ];
    const shipment = await createTrackableShipment(org.imsop);
    const scanners = [new Scanner(ts, bearer(operator.token)), new Scanner(ts, bearer(other.token))];
    for (let i = 0; i < 100; i++) scanners[i % 2]!.sendEach(update(shipment.id, `who-${i}`));
    await Promise.all(scanners.map((s) => s.acks(50)));
    await Promise.all(scanners.map((s) => s.close()));
    const senders = await withAdmin(
      ts,
      async (c) =>
        (
          await c.query(
            `SELECT update_id, recorded_by FROM shipment_tracking WHERE shipment_id = $1 ORDER BY sequence`,
            [shipment.id],
          )
        ).rows,
    );
    expect(senders).toHaveLength(100);
    for (const row of senders)
      expect(row.recorded_by, row.update_id).toBe(
        Number(row.update_id.split('-')[1]) % 2 === 0 ? operator.id : other.id,
      );

    const denied = new Scanner(ts, bearer(viewer.token));
    denied.send(update(shipment.id, 'viewer-1'));
    await denied.whenEnded();
    expect(denied.status?.code).toBe(Status.PERMISSION_DENIED);
  });

  it('records one update through the unary call, idempotently by update_id', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const first1 = update(shipment.id, 'unary-1');
    const record = (u = first1) => a.imsop.tracking.recordTrackingUpdate({ update: u });
    const first = await record();
    expect(first).toMatchObject({
      duplicate: false,
      trackingPoint: { sequence: 1, updateId: 'unary-1', position: { latitude: 53.55, longitude: 9.99 } },
    });
    const again = await record();
    expect(again).toMatchObject({ duplicate: true, trackingPoint: { sequence: 1 } });
    const bad = await expectError(
      record(update(shipment.id, 'unary-2', { position: { latitude: 0, longitude: 200 } })),
    );
    expect(bad).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      fieldViolations: [{ field: 'update.position.longitude', description: 'must be between -180 and 180' }],
    });
    expect(await storedCount(shipment.id)).toBe(1);
  });

  it('lists tracking points in sequence pages', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const scanner = new Scanner(ts, bearer(a.token));
    scanner.send(...Array.from({ length: 25 }, (_, i) => update(shipment.id, `p-${i}`)));
    await scanner.acks(25);
    await scanner.close();
    const list = (pageToken: string) =>
      a.imsop.tracking.listTrackingPoints({ shipmentId: shipment.id, sinceSequence: 5, pageSize: 10, pageToken });
    const seen: number[] = [];
    let token = '';
    do {
      const page = await list(token);
      seen.push(...page.trackingPoints.map((p) => p.sequence));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
    const cross = await expectError(b.imsop.tracking.listTrackingPoints({ shipmentId: shipment.id }));
    expect(cross).toMatchObject({ code: Status.NOT_FOUND, reason: 'SHIPMENT_NOT_FOUND' });
  });
});

describe('WatchShipment', () => {
  it('replays from since_sequence and switches to live with no gap and no duplicate while scanners keep writing', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const total = 600;
    const writers = Array.from({ length: 3 }, () => new Scanner(ts, bearer(a.token)));
    // Three scanners interleave updates of the same shipment; the watch starts mid-way.
    const writing = (async () => {
      for (let i = 0; i < total; i += 30) {
        const batch = Array.from({ length: 30 }, (_, j) => update(shipment.id, `w-${i + j}`));
        const writer = writers[(i / 30) % 3]!;
        if (i % 60 === 0) writer.send(...batch);
        else writer.sendEach(...batch);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const until = async (n: number) => {
      while ((await storedCount(shipment.id)) < n) await new Promise((r) => setTimeout(r, 10));
    };
    await until(100);
    const watchers = [17, 0, 95].map(
      (since) =>
        [
          since,
          new Watcher(
            ts.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: since }, bearer(a.token)),
          ),
        ] as const,
    );
    await writing;
    for (const [since, w] of watchers) {
      await w.until(total);
      expect(w.error).toBeUndefined();
      expect(w.points.map((p) => p.sequence)).toEqual(Array.from({ length: total - since }, (_, i) => since + i + 1));
      expect(new Set(w.points.map((p) => p.updateId)).size).toBe(total - since);
      w.call.cancel();
    }
    await Promise.all(writers.map((s) => s.close()));
  });

  it("answers NOT_FOUND for another organization's shipment, like a missing one", async () => {
    const shipment = await createTrackableShipment(b.imsop);
    for (const id of [shipment.id, '8d3e1c6a-2222-4222-8222-222222222222']) {
      const w = new Watcher(ts.clients.tracking.watchShipment({ shipmentId: id, sinceSequence: 0 }, bearer(a.token)));
      await w.whenEnded();
      expect(w.error).toMatchObject({ code: Status.NOT_FOUND });
      expect(w.points).toEqual([]);
    }
  });

  it('ends a watcher that does not read with ABORTED WATCHER_TOO_SLOW and the sequence to resume from', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const slow = new Watcher(
      ts.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(a.token)),
    );
    slow.call.pause();
    await new Promise((r) => setTimeout(r, 100));
    const scanner = new Scanner(ts, bearer(a.token));
    const total = 4000;
    const note = 'x'.repeat(400); // big points fill the flow-control windows sooner
    for (let i = 0; i < total; i += 200) {
      scanner.send(...Array.from({ length: 200 }, (_, j) => update(shipment.id, `s-${i + j}`, { note })));
      await scanner.acks(i + 200);
    }
    await scanner.close();
    slow.call.resume();
    await slow.whenEnded();
    const error = slow.error!;
    const details = serviceError(error);
    expect(details).toMatchObject({ code: Status.ABORTED, reason: 'WATCHER_TOO_SLOW' });
    const resumeFrom = Number(details.metadata.resume_from_sequence);
    // Everything written before the status arrived, in order; the status names the last one.
    expect(slow.points.map((p) => p.sequence)).toEqual(Array.from({ length: resumeFrom }, (_, i) => i + 1));
    expect(resumeFrom).toBeLessThan(total);

    const resumed = new Watcher(
      ts.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: resumeFrom }, bearer(a.token)),
    );
    await resumed.until(total);
    expect(resumed.points.map((p) => p.sequence)).toEqual(
      Array.from({ length: total - resumeFrom }, (_, i) => resumeFrom + i + 1),
    );
    resumed.call.cancel();
  });

  it('ends watches and scanner streams with UNAVAILABLE SERVER_SHUTTING_DOWN on shutdown, resumable elsewhere', async () => {
    const other = await startTestServer({ database: ts.database });
    const shipment = await createTrackableShipment(a.imsop);
    const scanner = new Scanner(other, bearer(a.token));
    scanner.send(...Array.from({ length: 5 }, (_, i) => update(shipment.id, `d-${i}`)));
    await scanner.acks(5);
    const w = new Watcher(
      other.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(a.token)),
    );
    await w.until(5);
    const feed = other.clients.tracking.watchOrganizationFeed({ statuses: [], warehouseId: '' }, bearer(a.token));
    const feedEnd = new Promise<unknown>((resolve) => feed.on('error', resolve));
    await new Promise((resolve) => feed.once('metadata', resolve));

    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(1500);
    await w.whenEnded();
    const watchEnd = serviceError(w.error);
    expect(watchEnd).toMatchObject({
      code: Status.UNAVAILABLE,
      reason: 'SERVER_SHUTTING_DOWN',
      metadata: expect.objectContaining({ resume_from_sequence: '5' }),
    });
    await scanner.whenEnded();
    expect(scanner.status?.code).toBe(Status.UNAVAILABLE);
    expect(serviceError(await feedEnd)).toMatchObject({ code: Status.UNAVAILABLE, reason: 'SERVER_SHUTTING_DOWN' });

    // Resuming on the instance that stays up loses and repeats nothing.
    const more = new Scanner(ts, bearer(a.token));
    more.send(update(shipment.id, 'd-5'));
    await more.acks(1);
    await more.close();
    const resumed = new Watcher(
      ts.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 5 }, bearer(a.token)),
    );
    await resumed.until(6);
    expect(resumed.points.map((p) => p.sequence)).toEqual([6]);
    resumed.call.cancel();
  });
});

describe('WatchOrganizationFeed', () => {
  it("streams the organization's points and status changes, filtered by status and warehouse, and nothing of other organizations", async () => {
    const watched = await createTrackableShipment(a.imsop);
    const elsewhere = await createTrackableShipment(a.imsop);
    const foreign = await createTrackableShipment(b.imsop);
    const events: { id: string; seq: number; status: ShipmentStatus }[] = [];
    const feed = ts.clients.tracking.watchOrganizationFeed(
      { statuses: [ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT], warehouseId: watched.originWarehouseId },
      bearer(a.token),
    );
    feed.on('data', (r) =>
      events.push({ id: r.shipment!.id, seq: r.trackingPoint!.sequence, status: r.trackingPoint!.status }),
    );
    feed.on('error', () => {});
    await new Promise((r) => setTimeout(r, 200));

    const scanA = new Scanner(ts, bearer(a.token));
    const scanB = new Scanner(ts, bearer(b.token));
    scanA.send(
      update(watched.id, 'f-1'),
      update(elsewhere.id, 'f-1', { status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT }),
    );
    scanB.send(update(foreign.id, 'f-1', { status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT }));
    await Promise.all([scanA.acks(2), scanB.acks(1)]);
    await a.imsop.shipments.updateShipmentStatus({ id: watched.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });
    scanA.send(update(watched.id, 'f-2'));
    await scanA.acks(3);
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    // f-1 of `watched` came while it was pending (filtered out); `elsewhere` is another warehouse.
    expect(events).toEqual([
      { id: watched.id, seq: 2, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT },
      { id: watched.id, seq: 3, status: ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED },
    ]);
    feed.cancel();
    await Promise.all([scanA.close(), scanB.close()]);
  });
});

describe('tracking storage', () => {
  it('keeps points in monthly partitions that carry the tenant policy themselves, and creates a missing month on demand', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const partitions = await withAdmin(ts, async (c) => {
      // A shipment created in a month nobody prepared a partition for (as if every instance
      // had been down then): its first point must still be stored.
      await c.query(`UPDATE shipments SET created_at = '2019-03-15T10:00:00Z' WHERE id = $1`, [shipment.id]);
      return (
        await c.query<{ name: string; rls: boolean; force: boolean; policy: string | null; app_select: boolean }>(
          `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
                  (SELECT qual FROM pg_policies p WHERE p.tablename = c.relname) AS policy,
                  has_table_privilege('imsop_app', c.oid, 'SELECT') AS app_select
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'shipment_tracking'::regclass`,
        )
      ).rows;
    });
    expect(partitions.length).toBeGreaterThanOrEqual(2);
    for (const p of partitions) {
      expect(p, p.name).toMatchObject({ rls: true, force: true, app_select: false });
      expect(p.policy, p.name).toContain(
        `(organization_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)`,
      );
    }
    const res = await a.imsop.tracking.recordTrackingUpdate({ update: update(shipment.id, 'late') });
    expect(res.trackingPoint!.sequence).toBe(1);
    const month = await withAdmin(
      ts,
      async (c) =>
        (
          await c.query(`SELECT tableoid::regclass::text AS t FROM shipment_tracking WHERE shipment_id = $1`, [
            shipment.id,
          ])
        ).rows[0].t,
    );
    expect(month).toBe('shipment_tracking_2019_03');
  });
});
