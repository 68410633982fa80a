import { fileURLToPath } from 'node:url';
import { RecordTrackingUpdateRequest } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import { benchTenant } from '../bench-tenant.js';
import { createBenchShipments, removeBenchShipments, storedHistory } from '../bench-shipments.js';
import { startImsop, type ServedProcess } from '../environment.js';
import { ForkedWorker, runWorker } from '../fork-worker.js';
import { latencies, mergeHistograms } from '../histogram.js';
import { authMetadata, rawCall } from '../raw-call.js';
import { startRedis } from '../redis-server.js';
import { maxRssDuring } from '../rss.js';
import type { Scenario } from '../scenario.js';
import type { ScannerJob, ScannerResult, WatchJob, WatchReport } from '../stream-protocol.js';
import type { Measurement } from '../workers.js';

const SCANNER_WORKER = fileURLToPath(new URL('../scanner-worker.ts', import.meta.url));
const WATCH_WORKER = fileURLToPath(new URL('../watch-worker.ts', import.meta.url));

/**
 * Live fan-out: two server instances sharing a (private) Redis; 1,000 WatchShipment watchers
 * (10 per shipment, 100 shipments, like tracking pages and shipment dashboards) spread over
 * both instances and several load processes; one scanner stream on the first instance storing
 * 1,000 updates/s at a fixed rate, round-robin over the shipments. Every update carries its
 * intended send time in its note, so each watcher measures ingest → watcher latency of every
 * point it gets; every watcher must get every point of its shipment exactly once, in order. The
 * scanner's first second runs unrecorded, as every scenario's warm-up does.
 */
export const liveFanout: Scenario = {
  name: 'live-fanout',
  description: '1,000 watchers over 2 instances sharing Redis, 1 scanner at 1,000 updates/s: ingest -> watcher latency',
  async run(ctx) {
    const shipmentCount = ctx.smoke ? 10 : 100;
    const watchersPerShipment = ctx.smoke ? 3 : 10;
    const rate = ctx.smoke ? 200 : 1_000;
    const watchProcesses = Math.max(2, ctx.processes);
    const warmupMs = Math.min(1000, ctx.durationMs / 2);
    const redis = await startRedis();
    const instances: ServedProcess[] = [];
    const workers: ForkedWorker<WatchReport>[] = [];
    let benchOrganization: string | undefined;
    try {
      for (let i = 0; i < 2; i++) instances.push(await startImsop(ctx.db, { REDIS_URL: redis.url }));
      const [ingest] = instances;
      const tenant = await benchTenant(ctx, ingest!.address);
      const org = tenant.organizationId;
      benchOrganization = org;
      const runId = `fan-${Date.now().toString(36)}`;
      const shipments = await createBenchShipments(ctx.db.adminUrl, org, shipmentCount, runId);
      const watchers = Array.from({ length: shipmentCount * watchersPerShipment }, (_, i) => ({
        shipmentId: shipments[i % shipmentCount]!.id,
        address: instances[Math.floor(i / shipmentCount) % 2]!.address, // each shipment watched on both instances
      }));

      // Open the watchers, then store one warm-up point per shipment: once every watcher has it,
      // every live subscription is in place (a watch subscribes before it replays).
      for (let p = 0; p < watchProcesses; p++) {
        const worker = new ForkedWorker<WatchReport>(WATCH_WORKER);
        workers.push(worker);
        worker.send({
          kind: 'watch',
          metadata: tenant.auth,
          watchers: watchers.filter((_, i) => i % watchProcesses === p),
          watchersPerChannel: 25,
          readySequence: 1,
          readyTimeoutMs: 60_000,
        } satisfies WatchJob);
      }
      for (const w of workers) await expectReport(w, 'opened');
      const md = authMetadata(tenant.auth);
      for (const s of shipments) {
        const update = {
          updateId: `${runId}-warmup`,
          shipmentId: s.id,
          trackingNumber: '',
          carrier: '',
          location: 'warm-up',
          position: undefined,
          eventTime: new Date(),
          status: 0,
          note: 'warmup',
        };
        await rawCall(
          ingest!.address,
          '/imsop.shipments.v1.TrackingService/RecordTrackingUpdate',
          Buffer.from(RecordTrackingUpdateRequest.encode({ update, requestId: '' }).finish()),
          md,
        );
      }
      let notReady = 0;
      for (const w of workers) notReady += (await expectReport(w, 'ready')).notReady;

      // RSS of both instances while the scanner runs (the largest of the two is reported).
      const { result: scan, maxRssMb } = await maxRssDuring(
        instances.map((i) => i.pid),
        () =>
          runWorker<ScannerResult>(SCANNER_WORKER, {
            address: ingest!.address,
            metadata: tenant.auth,
            scanners: [shipments.map((s) => s.id)],
            baseSequences: Object.fromEntries(shipments.map((s) => [s.id, 1])),
            window: 10_000,
            updatesPerMessage: 1,
            durationMs: ctx.durationMs,
            ratePerSecond: rate,
            warmupMs,
            runId,
            stampNotes: true,
            channels: 1,
          } satisfies ScannerJob),
      );

      const finalSequences = Object.fromEntries(shipments.map((s) => [s.id, scan.shipments[s.id]?.lastSequence ?? 1]));
      for (const w of workers) w.send({ kind: 'finish', finalSequences, timeoutMs: 15_000 });
      const results: Extract<WatchReport, { kind: 'result' }>[] = [];
      for (const w of workers) results.push(await expectReport(w, 'result'));
      const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((n, r) => n + pick(r), 0);
      const delivered = sum((r) => r.delivered);
      const expected = sum((r) => r.expected);
      const errors: Record<string, number> = { ...scan.errors };
      for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      const latency = latencies(mergeHistograms(results.map((r) => r.histogram)));
      const measured: Measurement = {
        throughput: Math.round((scan.acked / scan.sendingMs) * 1000),
        ok: delivered,
        errors,
        ...latency,
        ...(maxRssMb === undefined ? {} : { maxRssMb }),
      };
      const history = await storedHistory(
        ctx.db.adminUrl,
        org,
        shipments.map((s) => s.id),
      );
      const exact =
        delivered === expected &&
        sum((r) => r.duplicates) === 0 &&
        sum((r) => r.gaps) === 0 &&
        sum((r) => r.incomplete) === 0 &&
        notReady === 0 &&
        history.rows === scan.acked + shipmentCount &&
        history.gappedShipments === 0 &&
        scan.sequenceProblems === 0;
      const ackLatency = latencies(mergeHistograms([scan.histogram]));
      return {
        name: this.name,
        target:
          'p99 ingest -> watcher <= 50 ms at 1,000 updates/s; every watcher gets every update exactly once, in order',
        measured,
        atRate: { ratePerSecond: rate, measured },
        maxRssMb,
        met: ctx.smoke
          ? exact
            ? undefined
            : false
          : latency.p99Ms <= 50 && exact && scan.acked >= rate * ((warmupMs + ctx.durationMs) / 1000) * 0.99,
        notes: [
          `${watchers.length} watchers (${watchersPerShipment} per shipment, ${shipmentCount} shipments, half on each of 2 instances) in ${watchProcesses} processes; 1 scanner stream on instance 1 at ${rate}/s`,
          `ingest -> watcher latency (intended send time -> received): p50 ${latency.p50Ms} ms, p90 ${latency.p90Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`,
          `scanner: ${scan.acked} acked, ack latency p50 ${ackLatency.p50Ms} ms / p99 ${ackLatency.p99Ms} ms, fell behind its schedule by ${scan.maxSendLagMs.toFixed(1)} ms at worst`,
          `delivered ${delivered} of ${expected} expected (incl. ${watchers.length} readiness points and the unrecorded first second); ${sum((r) => r.duplicates)} duplicates, ${sum((r) => r.gaps)} gaps, ` +
            `${sum((r) => r.incomplete)} watchers incomplete, ${notReady} not ready; database ${history.rows} rows, ${history.gappedShipments} gapped: ${exact ? 'exact' : 'MISMATCH'}`,
        ],
      };
    } finally {
      workers.forEach((w) => w.kill());
      for (const i of instances) await i.stop();
      await redis.stop();
      if (benchOrganization) await removeBenchShipments(ctx.db.adminUrl, benchOrganization);
    }
  },
};

async function expectReport<K extends WatchReport['kind']>(
  worker: ForkedWorker<WatchReport>,
  kind: K,
): Promise<Extract<WatchReport, { kind: K }>> {
  const report = await worker.receive();
  if (report.kind !== kind) throw new Error(`watch worker sent ${report.kind}, expected ${kind}`);
  return report as Extract<WatchReport, { kind: K }>;
}
