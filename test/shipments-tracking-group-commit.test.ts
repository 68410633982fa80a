import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingUpdate, TrackingUpdateAck } from '../gen/ts/imsop/shipments/v1/resources.js';
import type { WatchOrganizationFeedResponse } from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { bearer } from './support/grpc.js';
import { createTrackableShipment, Scanner, update, Watcher, withAdmin } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

const SHIPMENTS = 6;
const SCANNERS = 16;
const UPDATES_PER_SCANNER = 30;

/**
 * Group commit: the plain updates of all the scanner streams of an organization that arrive
 * together are stored in shared transactions. Whatever shares a transaction, each stream gets
 * its own acks, in order, exactly once, and every shipment's history stays gapless.
 */
describe('tracking ingest across the streams of one organization', () => {
  let ts: TestServer;
  let a: Tenant;

  beforeAll(async () => {
    ts = await startTestServer();
    a = await signedInTenant(ts);
  });
  afterAll(async () => {
    await ts?.stop();
  });

  it('acks every update of many concurrent scanners over many shipments exactly once, with gapless ordered sequences, sharing transactions', async () => {
    const shipments = await Promise.all(Array.from({ length: SHIPMENTS }, () => createTrackableShipment(a.imsop)));
    const missing = '00000000-0000-4000-8000-000000000000';
    // Scanner s sends to shipments s, s+1, s+2 (mod SHIPMENTS) in turn, so streams overlap on
    // shipments; scanner 0 also sends one update for a shipment that does not exist.
    const sent: TrackingUpdate[][] = Array.from({ length: SCANNERS }, (_, s) =>
      Array.from({ length: UPDATES_PER_SCANNER }, (_, k) =>
        update(s === 0 && k === 7 ? missing : shipments[(s + (k % 3)) % SHIPMENTS]!.id, `s${s}-${k}`),
      ),
    );
    const scanners = sent.map(() => new Scanner(ts, bearer(a.token)));
    // One update per message, all streams at once: what arrives together is stored together.
    scanners.forEach((scanner, s) => scanner.sendEach(...sent[s]!));
    const acks = await Promise.all(scanners.map((scanner) => scanner.acks(UPDATES_PER_SCANNER, 60_000)));

    const bySequence = new Map<string, number[]>();
    acks.forEach((mine, s) => {
      expect(mine.map((ack) => ack.updateId)).toEqual(sent[s]!.map((u) => u.updateId)); // own acks, in order, once each
      const last = new Map<string, number>();
      mine.forEach((ack, k) => {
        if (s === 0 && k === 7) {
          expect(ack.error?.code).toBe(5); // NOT_FOUND, for this update alone
          return;
        }
        expect(ack.error).toBeUndefined();
        expect(ack.duplicate).toBe(false);
        expect(ack.shipmentId).toBe(sent[s]![k]!.shipmentId);
        expect(ack.sequence).toBeGreaterThan(last.get(ack.shipmentId) ?? 0); // a stream's points of a shipment keep its order
        last.set(ack.shipmentId, ack.sequence);
        bySequence.set(ack.shipmentId, [...(bySequence.get(ack.shipmentId) ?? []), ack.sequence]);
      });
    });
    const stored = SCANNERS * UPDATES_PER_SCANNER - 1;
    expect([...bySequence.values()].reduce((n, seqs) => n + seqs.length, 0)).toBe(stored);
    for (const seqs of bySequence.values()) expect([...seqs].sort((x, y) => x - y)).toEqual(seqs.map((_, i) => i + 1));

    const { rows, streamsInOneTransaction } = await withAdmin(ts, async (client) => {
      const ids = shipments.map((s) => s.id);
      const history = await client.query<{ shipment_id: string; points: string; top: string; ids: string }>(
        `SELECT shipment_id, count(*) AS points, max(sequence) AS top, count(DISTINCT update_id) AS ids
           FROM shipment_tracking WHERE shipment_id = ANY($1) GROUP BY shipment_id`,
        [ids],
      );
      // The transaction that wrote a row is its xmin: how many streams' updates did one commit carry?
      const grouped = await client.query<{ streams: string }>(
        `SELECT max(streams) AS streams FROM (
           SELECT xmin::text, count(DISTINCT split_part(update_id, '-', 1)) AS streams
             FROM shipment_tracking WHERE shipment_id = ANY($1) GROUP BY xmin::text) t`,
        [ids],
      );
      return { rows: history.rows, streamsInOneTransaction: Number(grouped.rows[0]!.streams) };
    });
    expect(rows.reduce((n, r) => n + Number(r.points), 0)).toBe(stored);
    for (const r of rows) expect([Number(r.top), Number(r.ids)]).toEqual([Number(r.points), Number(r.points)]);
    expect(streamsInOneTransaction).toBeGreaterThan(1);

    // Re-sent updates (a scanner that lost its acks) get their first outcomes back, nothing stored twice.
    const again = new Scanner(ts, bearer(a.token));
    again.sendEach(...sent[3]!);
    const resent = await again.acks(UPDATES_PER_SCANNER, 60_000);
    expect(resent.map(({ shipmentId, sequence, duplicate }) => ({ shipmentId, sequence, duplicate }))).toEqual(
      acks[3]!.map(({ shipmentId, sequence }: TrackingUpdateAck) => ({ shipmentId, sequence, duplicate: true })),
    );
    const total = await withAdmin(ts, async (client) =>
      Number(
        (
          await client.query<{ n: string }>('SELECT count(*) AS n FROM shipment_tracking WHERE shipment_id = ANY($1)', [
            shipments.map((s) => s.id),
          ])
        ).rows[0]!.n,
      ),
    );
    expect(total).toBe(stored);

    await Promise.all([...scanners, again].map((scanner) => scanner.close()));
  });
});

/** A watcher on the instance that ingests gets points in-process, and must not get them again from Redis. */
describe.runIf(redisAvailable)('live points to a watcher on the ingesting instance, Redis up', () => {
  let one: TestServer;
  let two: TestServer;
  let a: Tenant;

  beforeAll(async () => {
    one = await startTestServer({ redis: true });
    two = await startTestServer({ redis: true, database: one.database });
    a = await signedInTenant(one);
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
  });

  it('delivers each point exactly once and in order, locally and to the other instance', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const local = new Watcher(
      one.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(a.token)),
    );
    const remote = new Watcher(
      two.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(a.token)),
    );
    // The feed has no sequence to skip repeats by: a point delivered both in-process and by Redis would show twice.
    const feed: number[] = [];
    const feedCall = one.clients.tracking.watchOrganizationFeed({ statuses: [], warehouseId: '' }, bearer(a.token));
    feedCall.on('data', (r: WatchOrganizationFeedResponse) => feed.push(r.trackingPoint!.sequence));
    feedCall.on('error', () => {});
    await new Promise((resolve) => feedCall.once('metadata', resolve));
    const scanner = new Scanner(one, bearer(a.token));
    scanner.send(update(shipment.id, 'warm-up'));
    await scanner.acks(1);
    await local.until(1);
    await remote.until(1);
    await new Promise((r) => setTimeout(r, 200)); // both live subscriptions reach Redis

    const count = 150;
    for (let i = 0; i < count; i += 10) {
      scanner.sendEach(...Array.from({ length: 10 }, (_, j) => update(shipment.id, `p-${i + j}`)));
      await new Promise((r) => setTimeout(r, 5));
    }
    await scanner.acks(count + 1);
    await local.until(count + 1);
    await remote.until(count + 1);
    await new Promise((r) => setTimeout(r, 300)); // room for a late echo from Redis to show up twice
    const expected = Array.from({ length: count + 1 }, (_, i) => i + 1);
    expect(local.points.map((p) => p.sequence)).toEqual(expected);
    expect(remote.points.map((p) => p.sequence)).toEqual(expected);
    expect(local.error).toBeUndefined();
    expect(feed).toEqual(expected);

    feedCall.cancel();
    local.call.cancel();
    remote.call.cancel();
    await scanner.close();
  });
});
