import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HealthCheckRequest,
  HealthCheckResponse_ServingStatus as Serving,
  HealthClient,
} from '../gen/ts/grpc/health/v1/health.js';
import { ServerReflectionRequest } from '../gen/ts/grpc/reflection/v1/reflection.js';
import {
  StreamTrackingUpdatesRequest,
  WatchOrganizationFeedRequest,
} from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { unary } from './support/grpc.js';
import { freePort } from './support/postgres-server.js';
import { RawCall } from './support/raw-stream.js';
import { clientsFor, startTestServer, TEST_PAGE_TOKEN_SECRET } from './support/server.js';
import { createTrackableShipment, Scanner, update } from './support/shipments.js';
import { signedInTenant } from './support/tenant.js';

/**
 * Memory under abuse, measured on the real server in a process of its own (its resident set from
 * the metrics endpoint) with a small heap, so a leak shows as growth or as the process dying.
 * Each abuse keeps its streams open while memory is read: what is measured is what open streams
 * pin, not what a collection might give back later. Clients that stop reading are bare HTTP/2
 * streams left paused, so flow control really holds the server's writes back.
 * STREAM_MEMORY_REPORT=1 prints each abuse's growth.
 */
const MiB = 1024 * 1024;

let database: TestDatabase;
let child: ChildProcess;
let address: string;
let metricsUrl: string;
let output = '';
let auth: string;
let shipmentId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // Tenant data through an in-process server on the same database, which then stops.
  const seeder = await startTestServer({ database });
  try {
    const org = await signedInTenant(seeder);
    auth = `Bearer ${org.token}`;
    shipmentId = (await createTrackableShipment(org.imsop)).id;
  } finally {
    await seeder.stop();
  }
  const [port, metricsPort] = [await freePort(), await freePort()];
  address = `127.0.0.1:${port}`;
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_OPTIONS: '--max-old-space-size=256',
      DATABASE_URL: database.adminUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
      MIGRATE_ON_START: 'false',
      IMSOP_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      BCRYPT_COST: '4',
      // Scanner streams here are measured while stuck, not ended for it.
      STREAM_SCANNER_ACK_WAIT_MS: '600000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await untilServing(60_000);
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await database?.drop();
});

async function overallHealth(timeoutMs = 2000): Promise<Serving | undefined> {
  const client = new HealthClient(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  try {
    return (
      await unary(client.check.bind(client), { service: '' }, new Metadata(), { deadline: Date.now() + timeoutMs })
    ).status;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

async function untilServing(timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    if ((await overallHealth(500)) === Serving.SERVING) return;
  }
  throw new Error(`server did not start:\n${output}`);
}

/** The server's resident set size, from its metrics endpoint. */
async function rss(): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => /^(imsop_)?process_resident_memory_bytes /.test(l));
  if (!line) throw new Error('no process_resident_memory_bytes in the metrics');
  return Number(line.split(' ')[1]);
}

/** Runs an abuse that leaves streams open, and returns how much the server grew meanwhile; it must still answer. */
async function growthUnder(abuse: () => Promise<RawCall[]>): Promise<number> {
  await new Promise((r) => setTimeout(r, 1000)); // what the previous abuse left settles first
  const before = await rss();
  const calls = await abuse();
  try {
    await new Promise((r) => setTimeout(r, 1000)); // let what is in flight land
    const grown = (await rss()) - before;
    if (process.env.STREAM_MEMORY_REPORT) console.log(`rss growth ${(grown / MiB).toFixed(1)} MiB`);
    expect(child.exitCode, `server died:\n${output.slice(-2000)}`).toBeNull();
    expect(await overallHealth()).toBe(Serving.SERVING);
    return grown;
  } finally {
    calls.forEach((c) => c.close());
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits until every write of the calls went out or was held back by flow control (up to `ms`). */
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('memory stays bounded under stream abuse', () => {
  it('120 Health/Watch streams with 3.5 MiB service names', { timeout: 60_000 }, async () => {
    const name = 'x'.repeat(3.5 * MiB);
    const request = HealthCheckRequest.encode({ service: name }).finish();
    const grown = await growthUnder(async () => {
      const calls: RawCall[] = [];
      // In waves, as one patient attacker would: what matters is what stays, not one burst.
      for (let wave = 0; wave < 20; wave++) {
        const batch = Array.from({ length: 6 }, () => new RawCall(address, '/grpc.health.v1.Health/Watch'));
        for (const call of batch) {
          call.stream.pause();
          call.send(request);
          call.stream.end();
        }
        calls.push(...batch);
        await settle(300);
      }
      return calls;
    });
    // Each refused name is received whole before it is refused, so some waves' worth may not be
    // collected yet when memory is read; kept, the 120 names alone would be 420 MiB.
    expect(grown).toBeLessThan(250 * MiB);
  });

  it(
    '40 reflection streams asking about 1.5 MiB symbols without reading the answers',
    { timeout: 60_000 },
    async () => {
      // Small enough that an answer echoing it would still fit the 4 MiB message limit.
      const request = ServerReflectionRequest.encode({
        host: '',
        messageRequest: { $case: 'fileContainingSymbol', value: 'y'.repeat(1.5 * MiB) },
      }).finish();
      const grown = await growthUnder(async () => {
        const calls: RawCall[] = [];
        for (let wave = 0; wave < 8; wave++) {
          const batch = Array.from(
            { length: 5 },
            () => new RawCall(address, '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo'),
          );
          for (const call of batch) {
            call.stream.pause();
            for (let i = 0; i < 4; i++) call.send(request);
          }
          calls.push(...batch);
          await settle(300);
        }
        return calls;
      });
      expect(grown).toBeLessThan(100 * MiB);
    },
  );

  it('20 scanner streams that keep sending large updates and never read their acks', { timeout: 60_000 }, async () => {
    const id = (s: number, i: number) => `${'k'.repeat(100)}-${s}-${i}`;
    const note = 'n'.repeat(512 * 1024); // too long to store, but every one waits in the backlog first
    const grown = await growthUnder(async () => {
      const calls = Array.from(
        { length: 20 },
        () =>
          new RawCall(address, '/imsop.shipments.v1.TrackingService/StreamTrackingUpdates', { authorization: auth }),
      );
      calls.forEach((call, s) => {
        call.stream.pause();
        // First a few updates whose acks are large (an over-long update_id is echoed in its
        // rejection): they fill the flow-control windows at once, so the acks wait from here on...
        for (let i = 0; i < 10; i++)
          call.send(
            StreamTrackingUpdatesRequest.encode({
              update: undefined,
              updates: [update('', `${'u'.repeat(20_000)}-${s}-${i}`)],
            }).finish(),
          );
        // ...then big ones, which can only pile up.
        for (let i = 0; i < 40; i++)
          call.send(
            StreamTrackingUpdatesRequest.encode({
              update: undefined,
              updates: [update(shipmentId, id(s, 10_000 + i), { note })],
            }).finish(),
          );
      });
      await settle(3000);
      return calls;
    });
    // 40 updates of 512 KiB on each of 20 streams would be 400 MiB.
    expect(grown).toBeLessThan(100 * MiB);
  });

  it(
    '300 organization feed watchers that read nothing while a scanner stores 3,000 points',
    { timeout: 60_000 },
    async () => {
      const grown = await growthUnder(async () => {
        const request = WatchOrganizationFeedRequest.encode({ statuses: [], warehouseId: '' }).finish();
        const calls = Array.from({ length: 300 }, () => {
          const call = new RawCall(address, '/imsop.shipments.v1.TrackingService/WatchOrganizationFeed', {
            authorization: auth,
          });
          call.stream.pause();
          call.send(request);
          call.stream.end();
          return call;
        });
        await settle(1000);
        const md = new Metadata();
        md.set('authorization', auth);
        const clients = clientsFor(address);
        const scanner = new Scanner({ clients }, md);
        for (let i = 0; i < 3000; i += 100) {
          scanner.send(
            ...Array.from({ length: 100 }, (_, j) => update(shipmentId, `feed-${i + j}`, { note: 'p'.repeat(400) })),
          );
          await scanner.acks(i + 100, 30_000);
        }
        await scanner.close();
        Object.values(clients).forEach((c) => c.close());
        return calls;
      });
      // Every watcher holds references to batches decoded once for all of them, not copies.
      expect(grown).toBeLessThan(25 * MiB);
    },
  );
});
