import { fileURLToPath } from 'node:url';
import { benchTenant } from '../bench-tenant.js';
import { createBenchShipments, removeBenchShipments, storedHistory } from '../bench-shipments.js';
import { costsDuring } from '../costs-during.js';
import { startImsop } from '../environment.js';
import { runWorker } from '../fork-worker.js';
import { latencies, mergeHistograms } from '../histogram.js';
import type { Scenario } from '../scenario.js';
import type { InsertJob, InsertResult, ScannerJob, ScannerResult } from '../stream-protocol.js';
import type { Measurement } from '../workers.js';

const SCANNER_WORKER = fileURLToPath(new URL('../scanner-worker.ts', import.meta.url));
const INSERT_WORKER = fileURLToPath(new URL('../insert-worker.ts', import.meta.url));
/** Unacked updates per scanner. */
const WINDOW = 100;
/** Ceiling connections: as many as the service runs ingest transactions for one organization at once. */
const CEILING_CONNECTIONS = 4;

/** Splits `items` into `parts` nearly equal slices, round-robin. */
const split = <T>(items: T[], parts: number): T[][] =>
  Array.from({ length: parts }, (_, p) => items.filter((_, i) => i % parts === p));

/**
 * 50 scanners, each a bidirectional StreamTrackingUpdates stream for its own shipment, sending
 * as fast as acks allow with WINDOW updates in flight, from separate load processes. Next to
 * it, measured in the same run: the same rows INSERTed in batches of the size the service's
 * transactions had, straight through pg. Afterwards the database must hold exactly the acked
 * points: no loss, no duplicate, sequences 1..n per shipment.
 */
export const trackingIngest: Scenario = {
  name: 'tracking-ingest',
  description: '50 scanners on bidirectional tracking streams vs the raw batched INSERT through pg',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    let benchOrganization: string | undefined;
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const org = tenant.organizationId;
      benchOrganization = org;
      const scannerCount = ctx.smoke ? 8 : 50;
      const runId = `bench-${Date.now().toString(36)}`;
      const own = await createBenchShipments(ctx.db.adminUrl, org, scannerCount, `${runId}-scan`);
      const processes = Math.max(1, Math.min(ctx.processes, scannerCount));
      const perProcess = split(own, processes);
      const { result: scans, costs } = await costsDuring(
        { pid: imsop.pid, servesCalls: true },
        () =>
          Promise.all(
            perProcess.map((mine, p) =>
              runWorker<ScannerResult>(SCANNER_WORKER, {
                address: imsop.address,
                metadata: tenant.auth,
                scanners: mine.map((s) => [s.id]),
                baseSequences: {},
                window: WINDOW,
                updatesPerMessage: 1,
                durationMs: ctx.durationMs,
                runId: `${runId}-p${p}`,
                stampNotes: false,
                channels: Math.max(1, Math.ceil(mine.length / 10)),
              } satisfies ScannerJob),
            ),
          ),
        (done) => ({ operations: done.reduce((n, s) => n + s.acked, 0) }),
      );
      const elapsedMs = Math.max(1, ...scans.map((s) => s.sendingMs));
      const acked = scans.reduce((n, s) => n + s.acked, 0);
      const errors: Record<string, number> = {};
      for (const s of scans) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
      const measured: Measurement = {
        throughput: Math.round((acked / elapsedMs) * 1000),
        ok: acked,
        errors,
        ...latencies(mergeHistograms(scans.map((s) => s.histogram))),
        ...costs,
        clientCpuUsPerCall: Math.round(scans.reduce((n, s) => n + s.cpuUs, 0) / Math.max(1, acked)),
      };

      const history = await storedHistory(
        ctx.db.adminUrl,
        org,
        own.map((s) => s.id),
      );
      const duplicates = scans.reduce((n, s) => n + s.duplicates, 0);
      const sequenceProblems = scans.reduce((n, s) => n + s.sequenceProblems, 0);
      const exact =
        history.rows === acked &&
        history.distinctUpdateIds === acked &&
        history.gappedShipments === 0 &&
        duplicates === 0 &&
        sequenceProblems === 0;

      // The ceiling: the same rows, in batches as large as the service's transactions were.
      const batchSize = Math.max(1, Math.round(history.rowsPerTransaction));
      const rawBatches = async (statements: InsertJob['statements'], url: string): Promise<Measurement> => {
        const shipments = await createBenchShipments(ctx.db.adminUrl, org, scannerCount, `${runId}-${statements}`);
        const parts = Math.min(processes, CEILING_CONNECTIONS);
        const { result: results, costs: rawCosts } = await costsDuring(
          undefined,
          () =>
            Promise.all(
              split(shipments, parts).map((mine, p) =>
                runWorker<InsertResult>(INSERT_WORKER, {
                  url,
                  organizationId: org,
                  shipments: mine,
                  connections: Math.ceil(CEILING_CONNECTIONS / parts),
                  batchSize,
                  durationMs: ctx.durationMs,
                  runId: `${runId}-${statements}-p${p}`,
                  statements,
                } satisfies InsertJob),
              ),
            ),
          (done) => ({ operations: done.reduce((n, r) => n + r.rows, 0) }),
        );
        const rows = results.reduce((n, r) => n + r.rows, 0);
        const failures: Record<string, number> = {};
        for (const r of results) for (const [k, v] of Object.entries(r.errors)) failures[k] = (failures[k] ?? 0) + v;
        return {
          throughput: Math.round((rows / ctx.durationMs) * 1000),
          ok: rows,
          errors: failures,
          ...latencies(mergeHistograms(results.map((r) => r.histogram))),
          ...rawCosts,
          clientCpuUsPerCall: Math.round(results.reduce((n, r) => n + r.cpuUs, 0) / Math.max(1, rows)),
        };
      };
      const ceiling = await rawBatches('insert', ctx.db.adminUrl);
      // Diagnosis: the service's own statements per batch, straight through pg as the app role.
      const serviceSql = await rawBatches('service', ctx.db.appUrl);
      const ratio = measured.throughput / Math.max(1, ceiling.throughput);
      return {
        name: this.name,
        target:
          '>= 25,000 acked updates/s and >= 50% of the raw batched INSERT; no loss, no duplicates, gapless sequences',
        measured,
        ceiling: {
          name: `raw batched INSERT through pg, ${batchSize} rows per statement, ${CEILING_CONNECTIONS} connections (latency per batch)`,
          measured: ceiling,
        },
        ratio,
        maxRssMb: measured.maxRssMb,
        met: ctx.smoke ? (exact ? undefined : false) : measured.throughput >= 25_000 && ratio >= 0.5 && exact,
        notes: [
          `${scannerCount} scanners over ${processes} processes, ${WINDOW} updates in flight each, 1 update per message; latency = ack latency per update`,
          `service transactions stored ${history.rowsPerTransaction.toFixed(1)} points each on average`,
          `the service's statements per batch (BEGIN with the tenant settings, row locks, INSERT + counters, COMMIT: 4 round trips) straight through pg as the app role: ` +
            `${serviceSql.throughput.toLocaleString('en-US')} rows/s, ${serviceSql.p50Ms} ms per batch p50 (raw INSERT: ${ceiling.p50Ms} ms)`,
          `acked ${acked} (+${duplicates} duplicate acks), stored ${history.rows} rows with ${history.distinctUpdateIds} distinct update ids; ` +
            `${history.gappedShipments} shipments with sequence gaps, ${sequenceProblems} out-of-order acks: ${exact ? 'exact' : 'MISMATCH'}`,
        ],
      };
    } finally {
      await imsop.stop();
      if (benchOrganization) await removeBenchShipments(ctx.db.adminUrl, benchOrganization);
    }
  },
};
