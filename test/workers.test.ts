import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingServiceClient } from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { bearer, unary } from './support/grpc.js';
import { freePort, freePortRun } from './support/postgres-server.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { clientsFor, redisAvailable, requireRedisUrl, startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, Scanner, update, Watcher } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) if (await check()) return;
  throw new Error(`timed out waiting until ${what}`);
}

/** The JSON log lines of the process tree (primary and workers write to the same stdout). */
const logLines = (server: ServerProcess) =>
  server
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('IMSOP_WORKERS=2 without Redis', () => {
  it('is refused at start with a message naming REDIS_URL', { timeout: 60_000 }, async () => {
    const server = spawnServer({ IMSOP_WORKERS: '2', IMSOP_PORT: String(await freePort()), METRICS_ENABLED: 'false' });
    const code = await new Promise((resolve) => server.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(server.output()).toContain('IMSOP_WORKERS=2 needs REDIS_URL');
  });
});

describe.runIf(redisAvailable)('IMSOP_WORKERS=2 on the embedded database', () => {
  it(
    'starts PostgreSQL and migrates once, in the primary, and stops it after the workers',
    { timeout: 180_000 },
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'imsop-workers-'));
      const port = await freePort();
      const server = spawnServer({
        IMSOP_WORKERS: '2',
        IMSOP_DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
        REDIS_URL: requireRedisUrl(),
        IMSOP_PORT: String(port),
        METRICS_ENABLED: 'false',
        LOG_FORMAT: 'json',
      });
      try {
        await server.waitServing(`127.0.0.1:${port}`);
        await eventually('both workers serve', () =>
          logLines(server).some((l) => l.msg === 'IMSOP serving with 2 worker processes'),
        );
        const lines = logLines(server);
        const primary = lines.find((l) => l.msg === 'IMSOP serving with 2 worker processes')!.pid;
        const initialised = lines.filter((l) => l.msg === 'initialising embedded PostgreSQL (first start)');
        expect(initialised.map((l) => l.pid)).toEqual([primary]);
        expect(new Set(lines.filter((l) => l.msg === 'applied migration').map((l) => l.pid))).toEqual(
          new Set([primary]),
        );
      } finally {
        expect(await server.stop()).toBe(0);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});

describe.runIf(redisAvailable)('IMSOP_WORKERS=2 with Redis', () => {
  let helper: TestServer;
  let tenant: Tenant;
  let server: ServerProcess;
  let address: string;
  let metricsPort: number;
  /** Worker n's own metrics (METRICS_PORT + 1 + n). */
  const metricsOf = async (worker: number) =>
    (await fetch(`http://127.0.0.1:${metricsPort + 1 + worker}/metrics`)).text();
  /** The primary's: every worker's summed (METRICS_PORT). */
  const clusterMetrics = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const whoAmIOk = (text: string) =>
    Number(/grpc_server_handled_total\{[^}]*grpc_method="WhoAmI",grpc_code="OK"\} (\d+)/.exec(text)?.[1] ?? 0);

  beforeAll(async () => {
    helper = await startTestServer({ redis: true });
    tenant = await signedInTenant(helper);
    const port = await freePort();
    metricsPort = await freePortRun(3); // the primary's, then one per worker
    address = `127.0.0.1:${port}`;
    server = spawnServer({
      IMSOP_WORKERS: '2',
      DATABASE_URL: helper.database.adminUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      REDIS_URL: requireRedisUrl(),
      IMSOP_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_FORMAT: 'json',
      SHUTDOWN_GRACE_MS: '2000',
    });
    await server.waitServing(address);
    // SERVING is the first worker's answer; the primary says so once every worker is ready (and
    // listening for its metrics), which on a loaded machine can come seconds later.
    await eventually('both workers serve', () =>
      logLines(server).some((l) => l.msg === 'IMSOP serving with 2 worker processes'),
    );
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await helper?.stop();
  });

  it('answers from both worker processes over many connections', { timeout: 120_000 }, async () => {
    const started = logLines(server).find((l) => l.msg === 'IMSOP serving with 2 worker processes');
    const pids = (started?.workers as { pid: number }[]).map((w) => w.pid);
    expect(new Set(pids).size).toBe(2);
    for (let i = 0; i < 8; i++) {
      const clients = clientsFor(address);
      const me = await unary(clients.auth.whoAmI.bind(clients.auth), {}, bearer(tenant.token));
      expect(me.roles).toContain('admin');
      clients.auth.close();
    }
    // Each worker serves its own metrics: both handled some of the calls...
    const perWorker = [whoAmIOk(await metricsOf(0)), whoAmIOk(await metricsOf(1))];
    expect(perWorker.every((n) => n > 0)).toBe(true);
    expect(perWorker[0]! + perWorker[1]!).toBeGreaterThanOrEqual(8);
    // ...and the primary serves them summed, one scrape target for the whole server.
    expect(whoAmIOk(await clusterMetrics())).toBe(perWorker[0]! + perWorker[1]!);
  });

  it('runs the background tasks in worker 0 only', { timeout: 60_000 }, async () => {
    await eventually('worker 0 ran its start-up maintenance', async () =>
      (await metricsOf(0)).includes('imsop_background_task_runs_total{task="shipment-tracking-partitions"'),
    );
    const other = await metricsOf(1);
    expect(other).not.toContain('task="shipment-tracking-partitions"');
    expect(other).not.toContain('task="inventory.reservation-expiry"');
  });

  it('a watch on one worker gets the points ingested through another', { timeout: 120_000 }, async () => {
    const shipment = await createTrackableShipment(tenant.imsop);
    // Round-robin hands consecutive connections to alternating workers: among these watches
    // some are on the worker the scanner is not on. A private subchannel pool gives each client
    // its own connection (grpc-js shares one per target otherwise).
    const ownConnection = () =>
      new TrackingServiceClient(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    const watchers = Array.from(
      { length: 4 },
      () =>
        new Watcher(ownConnection().watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(tenant.token))),
    );
    await sleep(500);
    const scanner = new Scanner({ clients: { tracking: ownConnection() } }, bearer(tenant.token));
    scanner.send(update(shipment.id, 'workers-1'), update(shipment.id, 'workers-2'));
    const last = (await scanner.acks(2)).at(-1)!.sequence;
    for (const watcher of watchers) {
      await watcher.until(last);
      expect(watcher.error).toBeUndefined();
      watcher.call.cancel();
    }
    await scanner.close();
    expect(await metricsOf(0)).toMatch(/grpc_method="WatchShipment"/);
    expect(await metricsOf(1)).toMatch(/grpc_method="WatchShipment"/);
  });

  it('restarts a worker that dies, and logs it', { timeout: 120_000 }, async () => {
    const started = logLines(server).find((l) => l.msg === 'IMSOP serving with 2 worker processes');
    const victim = (started?.workers as { pid: number }[])[1]!.pid;
    process.kill(victim, 'SIGKILL');
    await eventually('the worker is restarted', () =>
      logLines(server).some((l) => l.msg === 'worker restarted and serving'),
    );
    const exit = logLines(server).find((l) => l.msg === 'worker exited unexpectedly; restarting it');
    expect(exit).toMatchObject({ worker: 1, pid: victim, signal: 'SIGKILL' });
    await server.waitServing(address);
  });

  it('SIGTERM drains and ends every worker cleanly', { timeout: 120_000 }, async () => {
    const pids = logLines(server)
      .filter((l) => l.msg === 'IMSOP serving')
      .map((l) => l.pid as number);
    expect(await server.stop()).toBe(0);
    const lines = logLines(server);
    expect(lines.some((l) => l.msg === 'shutting down all workers')).toBe(true);
    // Every worker that was still running logged its own graceful stop, and none is left.
    expect(lines.filter((l) => l.msg === 'stopped').length).toBe(3);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});
