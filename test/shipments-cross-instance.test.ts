import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentStatus } from '../gen/ts/imsop/shipments/v1/resources.js';
import type { WatchOrganizationFeedResponse } from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { bearer } from './support/grpc.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, Scanner, update, Watcher } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

/**
 * Two instances behind a load balancer share PostgreSQL and Redis: a scanner connected to one
 * and a watcher connected to the other must see the same history, live, without gaps.
 */
describe.runIf(redisAvailable)('two server instances sharing PostgreSQL and Redis', () => {
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

  it('delivers points ingested on one instance to watchers of the other, replay and live, in sequence', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const scanner = new Scanner(one, bearer(a.token));
    scanner.send(...Array.from({ length: 20 }, (_, i) => update(shipment.id, `x-${i}`)));
    await scanner.acks(20);

    const watcher = new Watcher(
      two.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 10 }, bearer(a.token)),
    );
    const feed: WatchOrganizationFeedResponse[] = [];
    const feedCall = two.clients.tracking.watchOrganizationFeed({ statuses: [], warehouseId: '' }, bearer(a.token));
    feedCall.on('data', (r: WatchOrganizationFeedResponse) => feed.push(r));
    feedCall.on('error', () => {});
    const feedStarted = new Promise((resolve) => feedCall.once('metadata', resolve));
    await watcher.until(20);
    await feedStarted;
    await new Promise((r) => setTimeout(r, 200)); // the feed's subscription reaches Redis

    for (let i = 20; i < 220; i += 25) {
      scanner.send(...Array.from({ length: 25 }, (_, j) => update(shipment.id, `x-${i + j}`)));
      await new Promise((r) => setTimeout(r, 10));
    }
    await scanner.acks(220);
    const moved = await a.imsop.shipments.updateShipmentStatus({
      id: shipment.id,
      status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT,
    });
    expect(moved.trackingPoint!.sequence).toBe(221);
    await watcher.until(221);
    expect(watcher.error).toBeUndefined();
    expect(watcher.points.map((p) => p.sequence)).toEqual(Array.from({ length: 211 }, (_, i) => i + 11));
    expect(watcher.points.at(-1)!.status).toBe(ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT);

    const deadline = Date.now() + 5000;
    while (feed.length < 201 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(feed.map((e) => e.trackingPoint!.sequence)).toEqual(Array.from({ length: 201 }, (_, i) => i + 21));
    expect(feed.at(-1)!.shipment).toMatchObject({ id: shipment.id, status: ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT });

    watcher.call.cancel();
    feedCall.cancel();
    await scanner.close();
  });
});
