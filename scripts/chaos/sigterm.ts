/**
 * Scenario: SIGTERM to a server process under load, with scanner streams and watchers open;
 * a fresh server process takes over (as another replica would), once per round.
 *
 * Load: unary workers (receive stock with reference and request_id, read levels, create
 * products), scanners streaming tracking updates (StreamTrackingUpdates, re-sending what was not
 * acknowledged after a reconnect) and a watcher per shipment (resuming from its last sequence).
 *
 * Checks: every unary call the server had accepted before SIGTERM completes OK, and a call
 * started after it fails with UNAVAILABLE or nothing (never CANCELLED, INTERNAL or another code);
 * scanner streams and watches end UNAVAILABLE SERVER_SHUTTING_DOWN, watches with
 * resume_from_sequence equal to the last point received; the process exits 0 within its grace
 * period; every acknowledged tracking update is stored exactly once with its acknowledged
 * sequence (and unacknowledged ones re-sent to the next server are stored once too), sequences
 * have no hole; watchers resumed on the next server see every point once, in order; every
 * acknowledged write (and every failed one, retried with its request_id on the next server) is
 * in the database exactly once, and ledger sums equal levels.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ImsopError, type ImsopClient } from '@imsop/sdk';
import { StreamScanner, Watcher } from './tracking.js';
import {
  APP_PASSWORD,
  Report,
  codeOf,
  describeFailure,
  prepareChaosDatabase,
  scratchDatabase,
  signedInClient,
  sleep,
  startServer,
  type ServerProcess,
} from './support.js';

export interface SigtermOptions {
  rounds: number;
  loadMs: number;
}

const GRACE_MS = 5_000;
/**
 * A call started this long before SIGTERM has certainly reached the server (a local round trip
 * takes well under a millisecond; the margin covers a busy machine): it was accepted, and must
 * complete. Calls started closer to the signal may race the refusal of new calls.
 */
const ACCEPTED_MARGIN_MS = 100;
/** The held calls wait this long before SIGTERM, and are released this long after it. */
const HOLD_BEFORE_MS = 500;
const HOLD_AFTER_MS = 1_500;

interface UnaryCall {
  op: string;
  start: number;
  end: number;
  code: string;
  reason?: string;
}

interface Write {
  kind: 'receive' | 'create_product';
  key: string;
  quantity: number;
  requestId: string;
  acked: boolean;
  /** The level's product, for receives. */
  productId?: string;
}

export async function sigtermUnderLoad(options: SigtermOptions): Promise<Report> {
  const report = new Report('sigterm');
  const database = await scratchDatabase('sigterm');
  const servers: ServerProcess[] = [];
  const clients: ImsopClient[] = [];
  try {
    const organizationId = await prepareChaosDatabase(database.adminUrl);
    const env = {
      DATABASE_URL: database.adminUrl,
      DATABASE_APP_PASSWORD: APP_PASSWORD,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      LOG_LEVEL: 'info',
    };
    let server = await startServer('S1', env);
    servers.push(server);
    let imsop = await signedInClient(server.address);
    clients.push(imsop);

    const warehouse = (await imsop.warehouses.createWarehouse({ warehouse: { code: 'ST-1', name: 'Sigterm' } }))
      .warehouse!;
    const destination = (await imsop.warehouses.createWarehouse({ warehouse: { code: 'ST-2', name: 'Sigterm 2' } }))
      .warehouse!;
    const level = (await imsop.products.createProduct({ product: { sku: 'ST-LEVEL', name: 'Level' } })).product!;
    const held = (await imsop.products.createProduct({ product: { sku: 'ST-HELD', name: 'Held level' } })).product!;
    await imsop.stock.receiveStock({
      warehouseId: warehouse.id,
      productId: held.id,
      quantity: 1,
      reference: 'ST-HELD-0',
      requestId: randomUUID(),
    });
    const shipments = await Promise.all(
      [1, 2, 3].map(
        async (i) =>
          (
            await imsop.shipments.createShipment({
              type: 3,
              carrier: 'DHL',
              trackingNumber: `CHAOS-ST-${i}`,
              originWarehouseId: warehouse.id,
              destinationWarehouseId: destination.id,
              items: [{ productId: level.id, quantity: 1 }],
            })
          ).shipment!,
      ),
    );
    const current = () => imsop;
    const scanners = shipments.map((s) => new StreamScanner(current, s.id, 25));
    const watchers = shipments.map((s) => new Watcher(current, s.id, (e) => e.code === 'UNAVAILABLE'));
    for (const w of watchers) w.start();
    for (const s of scanners) s.start();

    const calls: UnaryCall[] = [];
    const writes: Write[] = [];
    const drains: string[] = [];
    let n = 0;

    for (let round = 1; round <= options.rounds; round++) {
      // Unary load against this server until it is gone.
      let serverGone = false;
      const target = imsop;
      const worker = async (w: number) => {
        while (!serverGone) {
          const i = n++;
          const start = Date.now();
          let op = 'GetStockLevel';
          let write: Write | undefined;
          try {
            if (i % 3 === 0) {
              op = 'ReceiveStock';
              write = {
                kind: 'receive',
                key: `ST-R${round}-${w}-${i}`,
                quantity: 1 + (i % 4),
                requestId: randomUUID(),
                acked: false,
                productId: level.id,
              };
              writes.push(write);
              await target.stock.receiveStock({
                warehouseId: warehouse.id,
                productId: level.id,
                quantity: write.quantity,
                reference: write.key,
                requestId: write.requestId,
              });
            } else if (i % 3 === 1) {
              op = 'CreateProduct';
              write = {
                kind: 'create_product',
                key: `ST-P${round}-${w}-${i}`,
                quantity: 0,
                requestId: randomUUID(),
                acked: false,
              };
              writes.push(write);
              await target.products.createProduct({
                product: { sku: write.key, name: 'Sigterm product' },
                requestId: write.requestId,
              });
            } else {
              await target.stock.getStockLevel({ warehouseId: warehouse.id, productId: level.id });
            }
            if (write) write.acked = true;
            calls.push({ op, start, end: Date.now(), code: 'OK' });
          } catch (error) {
            calls.push({
              op,
              start,
              end: Date.now(),
              code: codeOf(error),
              reason: error instanceof ImsopError ? error.reason : undefined,
            });
            await sleep(20);
          }
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
      await sleep(options.loadMs);

      // Calls certainly accepted and still running at SIGTERM: receives of a level whose row
      // the script holds locked, so they wait inside the server until it lets go, mid-drain.
      const admin = new pg.Client({ connectionString: database.adminUrl });
      await admin.connect();
      await admin.query('BEGIN');
      await admin.query('SELECT 1 FROM inventory WHERE organization_id = $1 AND product_id = $2 FOR UPDATE', [
        organizationId,
        held.id,
      ]);
      const heldCalls = Array.from({ length: 4 }, async (_, h) => {
        const write: Write = {
          kind: 'receive',
          key: `ST-H${round}-${h}`,
          quantity: 1,
          requestId: randomUUID(),
          acked: false,
          productId: held.id,
        };
        writes.push(write);
        const start = Date.now();
        try {
          await target.stock.receiveStock({
            warehouseId: warehouse.id,
            productId: held.id,
            quantity: 1,
            reference: write.key,
            requestId: write.requestId,
          });
          write.acked = true;
          return { start, end: Date.now(), code: 'OK' };
        } catch (error) {
          return {
            start,
            end: Date.now(),
            code: `${codeOf(error)} ${error instanceof ImsopError ? (error.reason ?? '') : ''}`,
          };
        }
      });
      await sleep(HOLD_BEFORE_MS);

      const sigtermAt = Date.now();
      server.child.kill('SIGTERM');
      await sleep(HOLD_AFTER_MS);
      const releasedAt = Date.now();
      await admin.query('COMMIT');
      await admin.end();
      const heldOutcomes = await Promise.all(heldCalls);
      const heldOk = heldOutcomes.filter(
        (c) => c.code === 'OK' && c.start <= sigtermAt - HOLD_BEFORE_MS + 50 && c.end >= releasedAt,
      );
      report.check(
        `round ${round}: calls held inside the server at SIGTERM completed OK once released ${HOLD_AFTER_MS} ms into the drain`,
        heldOk.length === heldOutcomes.length,
        heldOutcomes.map((c) => `${c.code} after ${c.end - c.start} ms`).join(', '),
      );
      report.fault(
        `SIGTERM to ${server.name} (round ${round}): 8 unary workers, ${heldCalls.length} held calls, ${scanners.length} scanner streams and ${watchers.length} watches open`,
      );
      const exit = await Promise.race([server.exited, sleep(GRACE_MS + 10_000).then(() => undefined)]);
      serverGone = true;
      await load;
      const drainMs = exit ? exit.at - sigtermAt : undefined;
      drains.push(drainMs === undefined ? 'did not exit' : `${drainMs} ms`);
      report.check(
        `round ${round}: ${server.name} exited 0 within its grace period (${GRACE_MS / 1000} s)`,
        exit?.code === 0 && drainMs! <= GRACE_MS + 2_000,
        exit ? `exit ${exit.code ?? exit.signal} after ${drainMs} ms` : 'still running',
      );
      const logged = server.logs.map((l) => l.msg);
      report.check(
        `round ${round}: ${server.name} logged its shutdown and stop`,
        logged.includes('shutting down') && logged.includes('stopped'),
      );

      // What callers saw of this server's shutdown.
      const mine = calls.filter(
        (c) => c.start >= sigtermAt - options.loadMs - 1_000 && (c.end >= sigtermAt || c.code !== 'OK'),
      );
      const accepted = mine.filter((c) => c.start <= sigtermAt - ACCEPTED_MARGIN_MS && c.end >= sigtermAt);
      const acceptedFailed = accepted.filter((c) => c.code !== 'OK');
      const later = mine.filter((c) => c.start >= sigtermAt);
      const badCodes = mine.filter((c) => c.code !== 'OK' && c.code !== 'UNAVAILABLE');
      const inFlight = mine.filter((c) => c.start < sigtermAt && c.end >= sigtermAt);
      report.numbers[`round ${round} unary at SIGTERM`] =
        `${inFlight.length} in flight (${inFlight.filter((c) => c.code === 'OK').length} completed OK, ${accepted.length} started ≥ ${ACCEPTED_MARGIN_MS} ms before), ` +
        `${later.length} started after (${later.filter((c) => c.code === 'OK').length} OK, ${later.filter((c) => c.code === 'UNAVAILABLE').length} UNAVAILABLE)`;
      report.check(
        `round ${round}: unary calls accepted before SIGTERM completed OK`,
        acceptedFailed.length === 0,
        acceptedFailed
          .slice(0, 3)
          .map((c) => `${c.op} ${c.code} ${c.reason ?? ''} started ${sigtermAt - c.start} ms before`)
          .join(', '),
      );
      report.check(
        `round ${round}: calls failed only with UNAVAILABLE`,
        badCodes.length === 0,
        badCodes
          .slice(0, 3)
          .map((c) => `${c.op} ${c.code} ${c.reason ?? ''} at ${c.start - sigtermAt} ms`)
          .join(', '),
      );
      const nearRace = inFlight.filter((c) => c.code !== 'OK');
      if (nearRace.length)
        report.numbers[`round ${round} refused near the signal`] = nearRace
          .map((c) => `${c.op} ${c.code} started ${sigtermAt - c.start} ms before`)
          .join(', ');

      // Streams: ended with a status to resume from.
      const scannerEnds = scanners.map((s) => s.endings.find((e) => e.at >= sigtermAt));
      report.check(
        `round ${round}: scanner streams ended UNAVAILABLE SERVER_SHUTTING_DOWN`,
        scannerEnds.every((e) => e?.code === 'UNAVAILABLE' && e.reason === 'SERVER_SHUTTING_DOWN'),
        scannerEnds.map((e) => (e ? `${e.code} ${e.reason ?? ''} (${e.unacked} unacked)` : 'still open')).join(', '),
      );
      const watchEnds = watchers.map((w) => w.endings.find((e) => e.at >= sigtermAt));
      report.check(
        `round ${round}: watches ended UNAVAILABLE SERVER_SHUTTING_DOWN with resume_from_sequence = last received`,
        watchEnds.every(
          (e) => e?.code === 'UNAVAILABLE' && e.reason === 'SERVER_SHUTTING_DOWN' && e.resumeFrom === e.lastReceived,
        ),
        watchEnds
          .map((e) =>
            e ? `${e.code} ${e.reason ?? ''} resume_from ${e.resumeFrom} (last ${e.lastReceived})` : 'still open',
          )
          .join(', '),
      );

      // The next server takes over: scanners re-send, watchers resume, failed writes are retried.
      server = await startServer(`S${round + 1}`, env);
      servers.push(server);
      imsop = await signedInClient(server.address);
      clients.push(imsop);
    }

    // Failed writes retried with their request_id on the last server: each must apply once.
    let retried = 0;
    for (const write of writes.filter((w) => !w.acked)) {
      retried++;
      report.calls++;
      if (write.kind === 'receive')
        await imsop.stock.receiveStock({
          warehouseId: warehouse.id,
          productId: write.productId!,
          quantity: write.quantity,
          reference: write.key,
          requestId: write.requestId,
        });
      else
        await imsop.products.createProduct({
          product: { sku: write.key, name: 'Sigterm product' },
          requestId: write.requestId,
        });
      write.acked = true;
    }
    report.numbers['writes retried on the next server'] = retried;

    await sleep(1_000);
    await Promise.all(scanners.map((s) => s.stop(15_000)));
    const finals = scanners.map((s) => Math.max(0, ...s.acked.values()));
    const reached = await Promise.all(watchers.map((w, i) => w.reach(finals[i]!, 15_000)));
    await Promise.all(watchers.map((w) => w.stop()));
    report.numbers['drain time after SIGTERM'] = drains.join(', ');
    report.numbers['scanner re-sends acked duplicate'] = scanners.reduce((s, x) => s + x.duplicatesAfterResend, 0);

    report.calls +=
      calls.length +
      scanners.reduce((s, x) => s + x.acked.size, 0) +
      watchers.reduce((s, w) => s + w.endings.length + 1, 0);
    for (const c of calls.filter((x) => x.code !== 'OK')) report.error(c.code, c.reason);
    for (const e of [...scanners.flatMap((s) => s.endings), ...watchers.flatMap((w) => w.endings)])
      report.error(`stream ${e.code}`, e.reason);

    report.check(
      'scanners: every update acknowledged in the end, no rejected update, re-sends acked duplicate with their first sequence',
      scanners.every((s) => s.unacked === 0 && s.violations.length === 0),
      scanners
        .flatMap((s) => s.violations)
        .slice(0, 3)
        .join('; ') || `${scanners.map((s) => s.acked.size).join('/')} updates acknowledged`,
    );
    report.check(
      'watchers resumed on the next server and saw every point once, in order',
      reached.every(Boolean) && watchers.every((w, i) => w.violations.length === 0 && w.received.length === finals[i]),
      watchers
        .map(
          (w, i) =>
            `${w.received.length}/${finals[i]}${w.violations.length ? ` (${w.violations.slice(0, 2).join('; ')})` : ''}`,
        )
        .join(', '),
    );

    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      const wrong: string[] = [];
      for (const scanner of scanners) {
        const { rows } = await admin.query<{ update_id: string; sequence: number }>(
          `SELECT update_id, sequence::int AS sequence FROM shipment_tracking WHERE organization_id = $1 AND shipment_id = $2 ORDER BY sequence`,
          [organizationId, scanner.shipmentId],
        );
        const byId = new Map<string, number[]>();
        for (const r of rows) byId.set(r.update_id, [...(byId.get(r.update_id) ?? []), r.sequence]);
        for (const [id, sequence] of scanner.acked) {
          const stored = byId.get(id) ?? [];
          if (stored.length !== 1 || stored[0] !== sequence)
            wrong.push(`${id}: acked ${sequence}, stored ${JSON.stringify(stored)}`);
        }
        if (rows.some((r, i) => r.sequence !== i + 1))
          wrong.push(`shipment ${scanner.shipmentId}: sequences have a hole`);
        if (rows.length !== scanner.acked.size)
          wrong.push(`shipment ${scanner.shipmentId}: ${rows.length} stored, ${scanner.acked.size} acknowledged`);
      }
      const updates = scanners.reduce((s, x) => s + x.acked.size, 0);
      report.ackedWritesChecked += updates;
      report.check(
        'every acknowledged tracking update is stored exactly once, with its acknowledged sequence, without holes',
        wrong.length === 0 && updates > 0,
        `${updates} updates${wrong.length ? `; ${wrong.slice(0, 3).join('; ')}` : ''}`,
      );

      const keys = (kind: Write['kind']) => writes.filter((w) => w.kind === kind).map((w) => w.key);
      const { rows: receives } = await admin.query<{ key: string; n: number }>(
        `SELECT reference AS key, count(*)::int AS n FROM inventory_transactions WHERE organization_id = $1 AND type = 'receive' AND reference = ANY($2) GROUP BY reference`,
        [organizationId, keys('receive')],
      );
      const { rows: products } = await admin.query<{ key: string; n: number }>(
        `SELECT sku AS key, count(*)::int AS n FROM products WHERE organization_id = $1 AND sku = ANY($2) GROUP BY sku`,
        [organizationId, keys('create_product')],
      );
      const counted = new Map([...receives, ...products].map((r) => [r.key, r.n]));
      const notOnce = writes.filter((w) => counted.get(w.key) !== 1);
      report.ackedWritesChecked += writes.length;
      report.check(
        'every unary write (acknowledged, or retried until acknowledged) is in the database exactly once',
        notOnce.length === 0 && writes.length > 0,
        `${writes.length} writes${
          notOnce.length
            ? `; wrong: ${notOnce
                .slice(0, 3)
                .map((w) => `${w.key}: ${counted.get(w.key) ?? 0}`)
                .join(', ')}`
            : ''
        }`,
      );
      const { rows: levels } = await admin.query<{ product_id: string; on_hand: number; ledger: number }>(
        `SELECT i.product_id, i.quantity_on_hand AS on_hand, (SELECT coalesce(sum(on_hand_delta), 0)::int FROM inventory_transactions t WHERE t.organization_id = i.organization_id AND t.warehouse_id = i.warehouse_id AND t.product_id = i.product_id) AS ledger
           FROM inventory i WHERE i.organization_id = $1 AND i.product_id = ANY($2) ORDER BY i.product_id`,
        [organizationId, [level.id, held.id]],
      );
      const expected = (productId: string) =>
        writes
          .filter((w) => w.kind === 'receive' && w.productId === productId)
          .reduce((s, w) => s + w.quantity, productId === held.id ? 1 : 0);
      report.check(
        'stock levels equal their ledgers and the sum of the writes',
        levels.length === 2 && levels.every((l) => l.on_hand === l.ledger && l.on_hand === expected(l.product_id)),
        levels
          .map(
            (l) =>
              `${l.product_id === held.id ? 'held' : 'load'} level: on hand ${l.on_hand}, ledger ${l.ledger}, writes ${expected(l.product_id)}`,
          )
          .join('; '),
      );
    } finally {
      await admin.end();
    }
  } catch (error) {
    report.check('scenario ran to completion', false, describeFailure(error));
  } finally {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop().catch(() => {})));
    await database.drop();
  }
  return report;
}
