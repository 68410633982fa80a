import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import pg from 'pg';
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from '../gen/ts/grpc/health/v1/health.js';
import { appConnectionString } from '../src/platform/db/migrate.js';
import { createLogger } from '../src/platform/logger.js';
import { prepareDatabase } from '../src/runtime.js';
import { acquirePostgresServer, freePort, type PostgresServer } from '../test/support/postgres-server.js';
import { probeLaunch } from './server-cost.js';

export const BENCH_APP_PASSWORD = 'imsop-bench-app-password';
const BENCH_PAGE_TOKEN_SECRET = 'imsop-bench-page-token-secret-0123456789';

/** The database the benchmark server and the raw-SQL ceilings share. */
export interface BenchDatabase {
  adminUrl: string;
  appUrl: string;
  server: PostgresServer;
}

/** A migrated `imsop_bench` database on TEST_DATABASE_URL's server, or an embedded one. Data is kept between runs. */
export async function benchDatabase(): Promise<BenchDatabase> {
  const server = await acquirePostgresServer();
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'imsop_bench'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE imsop_bench');
  await admin.end();
  const adminUrl = server.urlFor('imsop_bench');
  await prepareDatabase(
    { mode: 'external', adminUrl, appPassword: BENCH_APP_PASSWORD, stop: async () => {} },
    createLogger({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }),
  );
  return { adminUrl, appUrl: appConnectionString(adminUrl, BENCH_APP_PASSWORD), server };
}

/** A process running something that serves gRPC, and its address. */
export interface ServedProcess {
  address: string;
  child: ChildProcess;
  /** The serving process's id (for RSS sampling). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The real IMSOP server in its own process, started as `npm start` starts it (`bin/imsop.js
 * serve`: the compiled build when dist/ is fresh, which `npm run bench` makes sure of, else the
 * TypeScript sources through tsx), against the bench database.
 */
export async function startImsop(db: BenchDatabase, env: Record<string, string> = {}): Promise<ServedProcess> {
  const port = await freePort();
  // BENCH_SERVER_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_SERVER_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_SERVER_CPU_PROF)}`]
    : [];
  // BENCH_SERVER_NODE_FLAGS="--a --b": Node/V8 flags for the servers only, not the load generators
  // (to measure a runtime setting, e.g. the garbage collector's, on the server alone).
  const nodeFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  // Every server carries the probe that reports its CPU and GC per measured window (server-cost.ts).
  const probe = probeLaunch();
  // bin/imsop.js loads the server into its own process (no child), so `child.pid` is the server
  // itself: its RSS and its probe are what the scenarios read.
  const child = spawn(process.execPath, [...profile, ...nodeFlags, ...probe.execArgv, 'bin/imsop.js', 'serve'], {
    env: {
      ...process.env,
      ...probe.env,
      DATABASE_URL: db.adminUrl,
      DATABASE_APP_PASSWORD: BENCH_APP_PASSWORD,
      PAGE_TOKEN_SECRET: BENCH_PAGE_TOKEN_SECRET,
      IMSOP_PORT: String(port),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      METRICS_ENABLED: 'false',
      DATABASE_POOL_MAX: '20',
      ...env,
    },
    // BENCH_SERVER_STDOUT=1: the servers' stdout too (V8 writes its traces there, e.g. with
    // BENCH_SERVER_NODE_FLAGS=--trace-gc-nvp); the log lines go to stderr either way.
    stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'],
  });
  const address = `127.0.0.1:${port}`;
  await waitServing(address, 60_000);
  return { address, child, pid: child.pid!, stop: () => stopChild(child) };
}

/** The bare grpc-js ceiling server, in its own process. */
export async function startEchoServer(responseBytes: number): Promise<ServedProcess> {
  const probe = probeLaunch();
  const child = fork(path.resolve('bench/echo-server.ts'), ['0', String(responseBytes)], {
    execArgv: ['--import', 'tsx', ...probe.execArgv],
    env: { ...process.env, ...probe.env },
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m) => resolve((m as { port: number }).port)),
  );
  return { address: `127.0.0.1:${port}`, child, pid: child.pid!, stop: () => stopChild(child) };
}

export async function waitServing(address: string, timeoutMs: number): Promise<void> {
  const health = new HealthClient(address, credentials.createInsecure());
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const status = await new Promise<number | undefined>((resolve) =>
        health.check({ service: '' }, new Metadata(), { deadline: Date.now() + 500 }, (e, r) =>
          resolve(e ? undefined : r.status),
        ),
      );
      if (status === Serving.SERVING) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${address} did not become SERVING within ${timeoutMs} ms`);
  } finally {
    health.close();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
