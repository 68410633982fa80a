import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';
import { bearer } from './support/grpc.js';
import { createTrackableShipment, Scanner, update } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';
import {
  createImsopClient,
  ImsopError,
  isImsopError,
  openScannerSession,
  paginate,
  Status,
  watchShipment,
  type ImsopClient,
  type ScannerSessionSummary,
} from './support/sdk.js';

/**
 * The SDK's helpers for the two long-lived flows, against real servers: the shipment watch
 * that resumes by itself, and the scanner session that re-sends what was not acknowledged.
 * Two (or three) instances share one database, as replicas behind one target do.
 */
let owner: TestServer;
let a: Tenant;
let token: string;

beforeAll(async () => {
  owner = await startTestServer();
  a = await signedInTenant(owner);
  token = a.token;
});
afterAll(async () => {
  await owner?.stop();
});

/** Resolves once `what` holds. */
async function until(what: () => boolean, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A second instance on the same database, first in the client's target: calls start there and move to `owner` once it stops. */
async function withReplica<T>(
  fn: (imsop: ImsopClient, replica: TestServer) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const replica = await startTestServer({ database: owner.database, env });
  const imsop = createImsopClient({ address: `ipv4:${replica.address},${owner.address}`, credential: token });
  try {
    return await fn(imsop, replica);
  } finally {
    imsop.close();
    await replica.stop();
  }
}

async function storedSequences(
  imsop: ImsopClient,
  shipmentId: string,
): Promise<{ sequences: number[]; updateIds: string[] }> {
  const points = [];
  for await (const point of paginate(
    imsop.tracking.listTrackingPoints,
    { shipmentId, pageSize: 1000 },
    (page) => page.trackingPoints,
  ))
    points.push(point);
  return { sequences: points.map((p) => p.sequence), updateIds: points.map((p) => p.updateId) };
}

describe('watchShipment (resuming)', () => {
  it('follows a shipment across a server shutdown, resuming on the other instance with every point once', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const scanner = new Scanner(owner, bearer(a.token));
    scanner.send(...Array.from({ length: 3 }, (_, i) => update(shipment.id, `w-${i}`)));
    await scanner.acks(3);

    await withReplica(async (imsop, replica) => {
      const seen: number[] = [];
      const resumed: { code: string; reason: string | undefined; after: number }[] = [];
      const watching = (async () => {
        for await (const point of watchShipment(
          imsop,
          { shipmentId: shipment.id },
          { onResume: (e, last) => resumed.push({ code: e.codeName, reason: e.reason, after: last }) },
        )) {
          seen.push(point.sequence);
          if (seen.length === 5) break;
        }
      })();
      await until(() => seen.length === 3, 'the stored points');
      await replica.stop();
      await until(() => resumed.length > 0, 'the resumption');
      scanner.send(update(shipment.id, 'w-3'), update(shipment.id, 'w-4'));
      await scanner.acks(5);
      await watching;
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expect(resumed[0]).toEqual({ code: 'UNAVAILABLE', reason: 'SERVER_SHUTTING_DOWN', after: 3 });
    });
    await scanner.close();
  });

  it(
    'resumes a watch the server ended for reading too slowly (ABORTED WATCHER_TOO_SLOW), every point once',
    { timeout: 180_000 },
    async () => {
      const small = await startTestServer({ database: owner.database, env: { STREAM_WATCH_BUFFER_EVENTS: '20' } });
      const imsop = createImsopClient({ address: small.address, credential: token });
      try {
        const shipment = await createTrackableShipment(a.imsop);
        const scanner = new Scanner(small, bearer(a.token));
        scanner.send(update(shipment.id, 'slow-0'));
        await scanner.acks(1);
        const resumed: (string | undefined)[] = [];
        const points = watchShipment(imsop, { shipmentId: shipment.id }, { onResume: (e) => resumed.push(e.reason) });
        const first = await points.next();
        expect(first.value).toMatchObject({ sequence: 1 });
        // The reader pauses; big points fill the flow-control windows and the server's small buffer.
        const total = 1200;
        const note = 'x'.repeat(400);
        for (let i = 1; i < total; i += 100) {
          const n = Math.min(100, total - i);
          scanner.send(...Array.from({ length: n }, (_, j) => update(shipment.id, `slow-${i + j}`, { note })));
          await scanner.acks(i + n, 60_000);
        }
        await scanner.close();
        const sequences = [1];
        for await (const point of points) {
          sequences.push(point.sequence);
          if (point.sequence === total) break;
        }
        expect(sequences).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(resumed.length).toBeGreaterThan(0);
        expect(resumed[0]).toBe('WATCHER_TOO_SLOW');
      } finally {
        imsop.close();
        await small.stop();
      }
    },
  );

  it('throws a final error at once, without resuming', async () => {
    const imsop = createImsopClient({ address: owner.address, credential: token });
    try {
      let resumptions = 0;
      const missing = watchShipment(imsop, { shipmentId: randomUUID() }, { onResume: () => resumptions++ });
      const error = await missing.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isImsopError(error, 'SHIPMENT_NOT_FOUND')).toBe(true);
      expect((error as ImsopError).code).toBe(Status.NOT_FOUND);
      expect(resumptions).toBe(0);
    } finally {
      imsop.close();
    }
  });
});

describe('openScannerSession', () => {
  it('streams in batches with backpressure, and after a server shutdown re-sends what had no ack: every update stored once', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const total = 300;
    const maxUnacknowledged = 12;
    await withReplica(async (imsop, replica) => {
      let acked = 0;
      let stopping: Promise<void> | undefined;
      const resumed: (string | undefined)[] = [];
      const session = openScannerSession(imsop, {
        batchSize: 4,
        maxUnacknowledged,
        onAck: () => {
          // Stop the instance the session streams to while it is busy.
          if (++acked === 60) stopping = replica.stop();
        },
        onResume: (e) => resumed.push(e.reason),
      });
      let highest = 0;
      for (let i = 0; i < total; i++) {
        await session.send({
          updateId: `s-${i}`,
          shipmentId: shipment.id,
          location: `gate ${i}`,
          eventTime: new Date(Date.now() - 1000),
        });
        highest = Math.max(highest, session.unacknowledged);
      }
      const summary: ScannerSessionSummary = await session.close();
      await stopping;

      expect(highest).toBeLessThanOrEqual(maxUnacknowledged);
      expect(resumed[0]).toBe('SERVER_SHUTTING_DOWN');
      expect(summary.reconnections).toBeGreaterThanOrEqual(1);
      expect(summary).toMatchObject({ acknowledged: total, rejected: 0 });
      const stored = await storedSequences(imsop, shipment.id);
      expect(stored.sequences).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(stored.updateIds).size).toBe(total);
    });
  });

  it('reports an update the server refuses and goes on with the rest', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const imsop = createImsopClient({ address: owner.address, credential: token });
    try {
      const rejected: { updateId: string; reason: string | undefined }[] = [];
      const stored: number[] = [];
      const session = openScannerSession(imsop, {
        onAck: (ack) => stored.push(ack.sequence),
        onRejected: (u, error) => rejected.push({ updateId: u.updateId, reason: error.reason }),
      });
      await session.send({ updateId: 'r-1', shipmentId: shipment.id, location: 'dock', eventTime: new Date() });
      await session.send({ updateId: 'r-2', shipmentId: randomUUID(), location: 'nowhere', eventTime: new Date() });
      await session.send({ shipmentId: shipment.id, location: 'gate', eventTime: new Date() }); // update_id generated
      await session.flush();
      expect(session.unacknowledged).toBe(0);
      expect(await session.close()).toEqual({ acknowledged: 2, duplicates: 0, rejected: 1, reconnections: 0 });
      expect(stored).toEqual([1, 2]);
      expect(rejected).toEqual([{ updateId: 'r-2', reason: 'SHIPMENT_NOT_FOUND' }]);
    } finally {
      imsop.close();
    }
  });

  it('fails every pending operation with the final error (here: no credentials)', async () => {
    const anonymous = createImsopClient({ address: owner.address });
    try {
      const session = openScannerSession(anonymous);
      const failure = await session.close().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isImsopError(failure, 'MISSING_CREDENTIALS')).toBe(true);
      await expect(session.send({ shipmentId: randomUUID() })).rejects.toThrow();
    } finally {
      anonymous.close();
    }
  });
});
