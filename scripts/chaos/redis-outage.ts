/**
 * Scenario: Redis killed and started again under two server instances (A and B) sharing it and
 * one PostgreSQL. The script owns the Redis (redis-server on a free port, no persistence).
 *
 * Load through both instances: stock writes and reads, a scanner recording tracking updates on
 * A, and a watcher of that shipment on B (resuming from its last sequence if its stream ends).
 * Per cycle: warm B's caches (a product, an API key's principal), take Redis away (killed, then
 * started again empty on the same port; or frozen with SIGSTOP, then thawed with its data and
 * the commands sent meanwhile), then on A change the product and revoke the key while Redis is
 * away, and change the product once more right as it returns.
 *
 * Checks: no call fails while Redis is away or after (PostgreSQL serves everything); both
 * instances log the degraded mode; B never serves the product's old value, nor accepts the
 * revoked key, once the change was acknowledged (the design's only stale bound is a race within
 * a request; a cache outage must not add one); the watcher on B sees every point once, in
 * order, and catches up with the scanner after Redis returns (measured); every acknowledged
 * write is in the database exactly once; the servers stay up and exit 0.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createImsopClient, ImsopError, type ImsopClient } from '@imsop/sdk';
import { StockWorkload } from './stock-load.js';
import { UnaryScanner, Watcher } from './tracking.js';
import {
  APP_PASSWORD,
  PrivateRedis,
  Report,
  codeOf,
  prepareChaosDatabase,
  scratchDatabase,
  signedInClient,
  sleep,
  startServer,
  type ServerProcess,
} from './support.js';
import { atLeast, describeFailure } from './support.js';

export interface RedisOutageOptions {
  /** Each cycle is one outage: `kill` (SIGKILL, then a fresh redis-server on the same port) or `freeze` (SIGSTOP, then SIGCONT). */
  cycles: ('kill' | 'freeze')[];
  outageMs: number;
}

/** After Redis returns, the watcher must have caught up with the scanner within this. */
const WATCH_CATCH_UP_MS = 15_000;

export async function redisOutage(options: RedisOutageOptions): Promise<Report> {
  const report = new Report('redis-outage');
  const database = await scratchDatabase('redis');
  const redis = await PrivateRedis.create();
  const servers: ServerProcess[] = [];
  const clients: ImsopClient[] = [];
  try {
    const organizationId = await prepareChaosDatabase(database.adminUrl);
    const env = { DATABASE_URL: database.adminUrl, DATABASE_APP_PASSWORD: APP_PASSWORD, REDIS_URL: redis.url };
    servers.push(...(await Promise.all([startServer('A', env), startServer('B', env)])));
    const [serverA, serverB] = servers as [ServerProcess, ServerProcess];
    const a = await signedInClient(serverA.address);
    const b = await signedInClient(serverB.address);
    clients.push(a, b);

    const load = new StockWorkload([a, b], report, 'RD');
    await load.setUp(3, 100_000);
    const warehouse = (await a.warehouses.createWarehouse({ warehouse: { code: 'RD-SHIP', name: 'Shipping' } }))
      .warehouse!;
    const product = (await a.products.createProduct({ product: { sku: 'RD-STALE', name: 'v0' } })).product!;
    const shipment = (
      await a.shipments.createShipment({
        type: 3,
        carrier: 'DHL',
        trackingNumber: 'CHAOS-RD-1',
        originWarehouseId: warehouse.id,
        destinationWarehouseId: load.warehouseId,
        items: [{ productId: product.id, quantity: 1 }],
      })
    ).shipment!;
    const scanner = new UnaryScanner(() => a, shipment.id, 50);
    const watcher = new Watcher(
      () => b,
      shipment.id,
      (e) => e.code === 'UNAVAILABLE' || e.code === 'ABORTED',
    );
    const adminRole = (await a.roles.listRoles({ pageSize: 50 })).roles.find((r) => r.name === 'admin')!;

    watcher.start();
    scanner.start();
    const running = load.run(4, 2);
    const stale: string[] = [];
    const revokedAccepted: string[] = [];
    const catchUp: string[] = [];
    const outages: { start: number; end: number }[] = [];
    const lateWatchers: Watcher[] = [];

    /** Reads the product through B; records a stale answer when it is older than `expected`. */
    const probeErrors: { code: string; reason?: string }[] = [];
    const readOnB = async (expected: string, why: string) => {
      report.calls++;
      try {
        const name = (await b.products.getProduct({ productId: product.id })).product!.name;
        if (name !== expected) stale.push(`${why}: B served "${name}", acknowledged "${expected}"`);
      } catch (error) {
        probeErrors.push({ code: codeOf(error), reason: error instanceof ImsopError ? error.reason : undefined });
      }
    };
    /** Renames the product through A, retried (same request_id) until acknowledged. */
    const update = async (name: string) => {
      const requestId = randomUUID();
      for (let attempt = 1; ; attempt++) {
        report.calls++;
        try {
          return await a.products.updateProduct({ product: { id: product.id, name }, updateMask: ['name'], requestId });
        } catch (error) {
          probeErrors.push({ code: codeOf(error), reason: error instanceof ImsopError ? error.reason : undefined });
          if (attempt === 3) throw error;
          await sleep(100);
        }
      }
    };

    for (const [index, kind] of options.cycles.entries()) {
      const cycle = index + 1;
      await sleep(2_000);
      // Warm B: the product and an API key's principal are cached in Redis.
      const { apiKey, secret } = await a.apiKeys.createApiKey({ name: `chaos-${cycle}`, roleId: adminRole.id });
      const keyOnB = createImsopClient({ address: serverB.address, credential: secret, maxAttempts: 1 });
      clients.push(keyOnB);
      await update(`before-${cycle}`);
      for (let i = 0; i < 3; i++) {
        await readOnB(`before-${cycle}`, 'before the outage');
        await keyOnB.auth.whoAmI({});
      }

      const start = Date.now();
      const logMark = servers.map((s) => s.logs.length);
      if (kind === 'kill') await redis.kill();
      else redis.freeze();
      report.fault(kind === 'kill' ? `Redis killed (cycle ${cycle})` : `Redis frozen with SIGSTOP (cycle ${cycle})`);
      // A second watcher opens while Redis is down (no live fan-out to subscribe to).
      const lateWatcher = new Watcher(
        () => b,
        shipment.id,
        (e) => e.code === 'UNAVAILABLE' || e.code === 'ABORTED',
      );
      lateWatcher.start();
      lateWatchers.push(lateWatcher);
      await sleep(Math.min(1_000, options.outageMs / 4));
      // While Redis is down: B reads keep filling B's side of the cache (or try to), A changes.
      await readOnB(`before-${cycle}`, 'during the outage, before the change');
      await update(`during-${cycle}`);
      await readOnB(`during-${cycle}`, 'during the outage, after the change');
      report.calls++;
      await a.apiKeys.revokeApiKey({ id: apiKey!.id, requestId: randomUUID() });
      const revokedAt = Date.now();
      const probeKey = async (when: string) => {
        report.calls++;
        try {
          await keyOnB.auth.whoAmI({});
          revokedAccepted.push(
            `${when}: B accepted the key ${Date.now() - revokedAt} ms after its revocation was acknowledged`,
          );
        } catch (error) {
          if (codeOf(error) !== 'UNAUTHENTICATED')
            revokedAccepted.push(`${when}: ${codeOf(error)} instead of UNAUTHENTICATED`);
        }
      };
      await probeKey('during the outage');
      const readsDuring = (async () => {
        while (Date.now() < start + options.outageMs) {
          await readOnB(`during-${cycle}`, 'during the outage');
          await sleep(10);
        }
      })();
      await sleep(start + options.outageMs - Date.now());
      await readsDuring;
      const seqBeforeReturn = scanner.maxSequence;

      if (kind === 'kill') await redis.start();
      else redis.thaw();
      const end = Date.now();
      outages.push({ start, end });
      report.fault(
        kind === 'kill'
          ? `Redis started again on port ${redis.port} after ${((end - start) / 1000).toFixed(1)} s`
          : `Redis thawed with SIGCONT after ${((end - start) / 1000).toFixed(1)} s, data intact`,
      );
      // How soon the watcher that lived through the outage has what the scanner stored just after it.
      const caughtUpAfterReturn = (async () => {
        await sleep(300);
        const target = scanner.maxSequence;
        return (await watcher.reach(target, WATCH_CATCH_UP_MS))
          ? `sequence ${seqBeforeReturn} -> ${target} (stored 0.3 s after Redis returned) reached ${Date.now() - end} ms after Redis returned`
          : `stuck at ${watcher.last} of ${target}`;
      })();
      // Right as it returns: change again, and keep reading through B.
      await update(`after-${cycle}`);
      const until = Date.now() + 3_000;
      while (Date.now() < until) {
        await readOnB(`after-${cycle}`, 'after Redis returned');
        await probeKey('after Redis returned');
        await sleep(20);
      }
      catchUp.push(await caughtUpAfterReturn);
      const degraded = servers.map((s, i) =>
        s.logs
          .slice(logMark[i])
          .some(
            (l) => atLeast(l, 'warn') && /redis|cache/i.test(String(l.msg)) && /degraded|database/i.test(String(l.msg)),
          ),
      );
      report.check(
        `cycle ${cycle}: both instances logged the degraded mode`,
        degraded.every(Boolean),
        servers.map((s, i) => `${s.name}: ${degraded[i] ? 'yes' : 'no'}`).join(', '),
      );
    }

    load.stop();
    await running;
    await scanner.stop();
    const finalTarget = scanner.maxSequence;
    const finalCatchUp = await watcher.reach(finalTarget, WATCH_CATCH_UP_MS);
    const lateCaughtUp = await Promise.all(lateWatchers.map((w) => w.reach(finalTarget, WATCH_CATCH_UP_MS)));
    await watcher.stop();
    await Promise.all(lateWatchers.map((w) => w.stop()));

    for (const e of scanner.errors) report.error(e.code, e.reason);
    report.calls += scanner.acked.size + scanner.errors.length + watcher.endings.length + 1;
    for (const e of probeErrors) report.error(e.code, e.reason);
    const failures = [...load.errors, ...scanner.errors, ...probeErrors];
    report.check(
      'no call failed while Redis was down or after it returned',
      failures.length === 0,
      failures
        .slice(0, 5)
        .map((e) => `${e.code} ${e.reason ?? ''}`)
        .join(', '),
    );
    report.check(
      'B never served a product older than an acknowledged change',
      stale.length === 0,
      stale.slice(0, 3).join('; '),
    );
    report.check(
      'B never accepted an API key after its revocation was acknowledged',
      revokedAccepted.length === 0,
      revokedAccepted.slice(0, 3).join('; '),
    );
    report.numbers['slowest call per outage'] = outages
      .map(
        (o, i) =>
          `${options.cycles[i]}: ${Math.max(0, ...load.durations.filter((d) => d.end >= o.start && d.end <= o.end + 1_000).map((d) => d.ms))} ms`,
      )
      .join(', ');
    report.numbers['watcher catch-up'] = catchUp.join('; ');
    report.check(
      `after Redis returned, the watcher on B caught up with the scanner on A within ${WATCH_CATCH_UP_MS / 1000} s`,
      catchUp.length === options.cycles.length && finalCatchUp && catchUp.every((c) => c.includes('reached')),
      `${catchUp.join('; ')}; final ${watcher.last}/${finalTarget}`,
    );
    report.numbers['watch stream endings'] =
      watcher.endings.length === 0
        ? 'none (one stream throughout)'
        : watcher.endings.map((e) => `${e.code} ${e.reason ?? ''}`).join(', ');
    report.check(
      'the watcher saw every tracking point once, in order',
      watcher.violations.length === 0 && watcher.received.length === finalTarget,
      `${watcher.received.length} points received of ${finalTarget}${watcher.violations.length ? `; ${watcher.violations.slice(0, 3).join('; ')}` : ''}`,
    );
    report.check(
      'watchers opened while Redis was down saw every point once, in order, through its return',
      lateWatchers.length > 0 &&
        lateCaughtUp.every(Boolean) &&
        lateWatchers.every((w) => w.violations.length === 0 && w.received.length === finalTarget),
      lateWatchers
        .map(
          (w) =>
            `${w.received.length}/${finalTarget} points, endings: ${w.endings.map((e) => e.code).join(' ') || 'none'}${w.violations.length ? `, ${w.violations.slice(0, 2).join('; ')}` : ''}`,
        )
        .join('; '),
    );
    report.check(
      'the servers stayed up through the outages',
      servers.every((s) => s.child.exitCode === null && s.child.signalCode === null),
    );

    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      await load.verify(admin, organizationId);
      const { rows } = await admin.query<{ update_id: string; n: number; sequence: number }>(
        `SELECT update_id, count(*)::int AS n, min(sequence)::int AS sequence FROM shipment_tracking WHERE organization_id = $1 AND shipment_id = $2 GROUP BY update_id`,
        [organizationId, shipment.id],
      );
      const stored = new Map(rows.map((r) => [r.update_id, r]));
      const wrong = [...scanner.acked].filter(
        ([id, sequence]) => stored.get(id)?.n !== 1 || stored.get(id)?.sequence !== sequence,
      );
      report.ackedWritesChecked += scanner.acked.size;
      report.check(
        'every acknowledged tracking update is stored once, with the acknowledged sequence',
        wrong.length === 0 && scanner.acked.size > 0,
        `${scanner.acked.size} updates${wrong.length ? `; wrong: ${wrong.slice(0, 3).join(', ')}` : ''}`,
      );
    } finally {
      await admin.end();
    }
    for (const c of clients) c.close();
    clients.length = 0;
    await Promise.all(servers.map((s) => s.stop()));
    const exits = await Promise.all(servers.map((s) => s.exited));
    report.check(
      'both servers exit 0 on SIGTERM afterwards',
      exits.every((e) => e.code === 0),
      exits.map((e) => e.code ?? e.signal).join(', '),
    );
    const logged: Record<string, number> = {};
    for (const l of servers.flatMap((s) => s.logs.filter((line) => atLeast(line, 'warn')))) {
      const key = `${l.level} "${String(l.msg)}"`;
      logged[key] = (logged[key] ?? 0) + 1;
    }
    report.numbers['server warnings/errors'] =
      Object.entries(logged)
        .map(([k, n]) => `${k} x${n}`)
        .join(', ') || 'none';
  } catch (error) {
    report.check('scenario ran to completion', false, describeFailure(error));
  } finally {
    for (const c of clients) c.close();
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await redis.kill();
    await database.drop();
  }
  return report;
}
