/**
 * A load generator process (never the server's): opens its own channels and drives one target
 * in closed loop (N callers, each sending the next request when the last answered) or at a
 * fixed arrival rate (requests start on schedule whether or not earlier ones finished, so slow
 * responses are not hidden). Reports counts and an HDR histogram to the parent over IPC.
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import { encodeHistogram, newHistogram } from './histogram.js';
import { frame, Http2Caller } from './http2-caller.js';
import type { WorkerJob, WorkerResult } from './protocol.js';
import { cpuSpent } from './process-cpu.js';

const histogram = newHistogram();
let ok = 0;
const errors: Record<string, number> = {};
const identity = (b: Buffer) => b;

/**
 * Before the measured window the same load runs unrecorded for a moment: the channels connect,
 * the pool fills and both processes' code is compiled, so first-call costs (which landed in the
 * p99 of short runs: tens of ms at 200 calls/s) are not counted as the service's latency.
 */
const warmupMs = (durationMs: number) => Math.min(1000, durationMs / 2);

async function main(job: WorkerJob): Promise<void> {
  const call = job.target.kind === 'grpc' ? grpcCaller(job.target) : sqlCaller(job.target);
  /** One call; latency from `scheduled` (a fixed-rate call that starts late was late). */
  const once = async (scheduled: number, record: boolean) => {
    try {
      await call.invoke();
      if (!record) return;
      ok++;
      histogram.recordValue(Math.max(1, Math.round((performance.now() - scheduled) * 1000)));
    } catch (error) {
      if (!record) return;
      const key =
        (error as ServiceError).code !== undefined
          ? `grpc ${(error as ServiceError).code}`
          : (error as Error).message.slice(0, 80);
      errors[key] = (errors[key] ?? 0) + 1;
    }
  };
  const drive = async (durationMs: number, record: boolean) => {
    const stopAt = performance.now() + durationMs;
    if (job.mode.kind === 'closed') {
      await Promise.all(
        Array.from({ length: job.mode.concurrency }, async () => {
          while (performance.now() < stopAt) await once(performance.now(), record);
        }),
      );
    } else {
      const intervalMs = 1000 / job.mode.ratePerSecond;
      const inFlight = new Set<Promise<void>>();
      for (let next = performance.now(); next < stopAt; next += intervalMs) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const p = once(next, record).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    }
  };
  await drive(warmupMs(job.durationMs), false);
  const windowStart = Date.now();
  const spent = cpuSpent();
  await drive(job.durationMs, true);
  const windowEnd = Date.now();
  const cpuUs = spent();
  await call.close();
  const result: WorkerResult = {
    ok,
    errors,
    histogram: encodeHistogram(histogram),
    windowStart,
    windowEnd,
    cpuUs,
  };
  process.send!(result, () => process.disconnect());
}

/**
 * The gRPC load: over node:http2 (Http2Caller, the lighter client: the default), or through
 * grpc-js clients with BENCH_CLIENT=grpc-js (what runs before 2026-12-07 17:00 UTC measured with).
 */
function grpcCaller(target: Extract<WorkerJob['target'], { kind: 'grpc' }>) {
  return process.env.BENCH_CLIENT === 'grpc-js' ? grpcJsCaller(target) : http2Caller(target);
}

function http2Caller(target: Extract<WorkerJob['target'], { kind: 'grpc' }>) {
  const caller = new Http2Caller(target.address, target.path, target.metadata, target.channels);
  const requests = target.requestsBase64.map((r) => frame(Buffer.from(r, 'base64')));
  let n = 0;
  return {
    invoke: () => caller.call(requests[n++ % requests.length]!),
    close: async () => caller.close(),
  };
}

function grpcJsCaller(target: Extract<WorkerJob['target'], { kind: 'grpc' }>) {
  const clients = Array.from(
    { length: target.channels },
    (_, i) =>
      // A distinct channel option per client forces separate HTTP/2 connections.
      new Client(target.address, credentials.createInsecure(), {
        'grpc.primary_user_agent': `bench-${process.pid}-${i}`,
      }),
  );
  const requests = target.requestsBase64.map((r) => Buffer.from(r, 'base64'));
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(target.metadata)) metadata.set(k, v);
  let n = 0;
  return {
    invoke: () =>
      new Promise<void>((resolve, reject) => {
        const i = n++;
        const client = clients[i % clients.length]!;
        client.makeUnaryRequest(target.path, identity, identity, requests[i % requests.length]!, metadata, (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    close: async () => clients.forEach((c) => c.close()),
  };
}

function sqlCaller(target: Extract<WorkerJob['target'], { kind: 'sql' }>) {
  const pool = new pg.Pool({ connectionString: target.url, max: target.connections });
  let n = 0;
  return {
    invoke: async () => {
      const params = target.params[n++ % target.params.length]!;
      const client = await pool.connect();
      try {
        if (target.transaction) {
          await client.query('BEGIN');
          for (const s of target.setup ?? []) await client.query(s.sql, s.params);
          await client.query(target.sql, params);
          await client.query('COMMIT');
        } else {
          await client.query(target.sql, params);
        }
      } catch (error) {
        if (target.transaction) await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

process.once('message', (job) =>
  main(job as WorkerJob).catch((error) => {
    console.error(error);
    process.exit(1);
  }),
);
