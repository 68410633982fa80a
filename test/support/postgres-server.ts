import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';

/** A PostgreSQL server for tests and tooling, with a superuser connection to any database on it. */
export interface PostgresServer {
  kind: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';
  /** Superuser URL of `database` on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/**
 * `TEST_DATABASE_URL` when set (CI points it at the machine's PostgreSQL); otherwise a
 * container through testcontainers when a container runtime answers; otherwise a throwaway
 * embedded PostgreSQL in a temporary folder.
 */
export async function acquirePostgresServer(): Promise<PostgresServer> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) {
    const client = new pg.Client({ connectionString: fromEnv });
    await client.connect().catch((e: Error) => {
      throw new Error(`TEST_DATABASE_URL does not answer: ${e.message}`);
    });
    await client.end();
    return { kind: 'TEST_DATABASE_URL', urlFor: (db) => withDatabase(fromEnv, db), stop: async () => {} };
  }
  if (containerRuntimeAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_PASSWORD: 'test' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    const base = `postgres://postgres:test@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    return {
      kind: 'testcontainers',
      urlFor: (db) => withDatabase(base, db),
      stop: async () => void (await container.stop()),
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'imsop-test-pg-'));
  const port = await freePort();
  const embedded = await startEmbeddedPostgres({ dataDir: dir, port, database: 'postgres' });
  return {
    kind: 'embedded',
    urlFor: (db) => withDatabase(embedded.adminUrl, db),
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Cheap check: a Docker-compatible socket or DOCKER_HOST. Avoids testcontainers' slow probing. */
function containerRuntimeAvailable(): boolean {
  if (process.env.DOCKER_HOST) return true;
  return ['/var/run/docker.sock', path.join(process.env.XDG_RUNTIME_DIR ?? '/nonexistent', 'podman/podman.sock')].some(
    (p) => existsSync(p),
  );
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The first of `count` consecutive free ports, for a server that derives ports from a base (the
 * workers' METRICS_PORT + 1 + n). Taken below the ephemeral range (32768 and up on Linux), where
 * no outgoing connection nor freePort can be handed the ports after the base.
 */
export async function freePortRun(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * (32_000 - 20_000 - count));
    if (await allFree(base, count)) return base;
  }
}

async function allFree(base: number, count: number): Promise<boolean> {
  for (let port = base; port < base + count; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
