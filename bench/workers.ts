import { fileURLToPath } from 'node:url';
import { runWorker } from './fork-worker.js';
import { latencies, mergeHistograms, type Latencies } from './histogram.js';
import type { WorkerJob, WorkerResult } from './protocol.js';
import { costsDuring } from './costs-during.js';
import type { ServerCost } from './server-cost.js';

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export interface Measurement extends Latencies {
  /** Successful operations per second. */
  throughput: number;
  ok: number;
  errors: Record<string, number>;
  /** Largest RSS of the measured server process during the recorded window, MB (when one was given). */
  maxRssMb?: number;
  /** What the measured server spent per call in the recorded window (when one was given and it runs the probe). */
  server?: ServerCost;
  /** The load generators' own CPU time per successful call, µs (what calling costs the callers). */
  clientCpuUsPerCall?: number;
  /** How busy the whole machine was in the recorded window: % of all cores' time (Linux only). */
  machineBusyPercent?: number;
  /** The PostgreSQL server's CPU time per successful call in the recorded window, µs (a database on this machine, Linux only). */
  databaseCpuUsPerCall?: number;
}

/**
 * Runs `job` in `processes` separate load-generator processes (concurrency or rate split
 * between them) and merges their counts and histograms, with their own CPU per call and how busy
 * the whole machine was over the recorded window. With `serverPid`, also samples that
 * process's RSS and reports the largest value seen inside the recorded window, and (unless
 * `servesCalls` is false: a cluster primary only hands connections on) its CPU and GC per call.
 */
export async function measure(
  job: WorkerJob,
  processes = 2,
  serverPid?: number,
  servesCalls = true,
): Promise<Measurement> {
  const split: WorkerJob[] = Array.from({ length: processes }, (_, i) => ({
    ...job,
    mode:
      job.mode.kind === 'closed'
        ? {
            kind: 'closed',
            concurrency: Math.max(
              1,
              Math.floor(job.mode.concurrency / processes) + (i < job.mode.concurrency % processes ? 1 : 0),
            ),
          }
        : { kind: 'rate', ratePerSecond: job.mode.ratePerSecond / processes },
  }));
  const { result: results, costs } = await costsDuring(
    serverPid === undefined ? undefined : { pid: serverPid, servesCalls },
    () => Promise.all(split.map((j) => runWorker<WorkerResult>(WORKER, j))),
    (done) => ({
      operations: done.reduce((n, r) => n + r.ok, 0),
      // The recorded window only: the warm-up is not measured.
      window: { from: Math.min(...done.map((r) => r.windowStart)), to: Math.max(...done.map((r) => r.windowEnd)) },
    }),
  );
  const ok = results.reduce((n, r) => n + r.ok, 0);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  return {
    throughput: Math.round((ok / job.durationMs) * 1000),
    ok,
    errors,
    ...latencies(mergeHistograms(results.map((r) => r.histogram))),
    ...costs,
    clientCpuUsPerCall: Math.round(results.reduce((n, r) => n + r.cpuUs, 0) / Math.max(1, ok)),
  };
}
