import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { freePort } from './support/postgres-server.js';
import { TEST_PAGE_TOKEN_SECRET } from './support/server.js';

/**
 * What an operator sees when a start or a command fails for a reason of configuration: exit
 * code 1, one line saying what is wrong and naming the setting to change, no stack.
 */
const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');
const imsop = (args: string[], env: Record<string, string>) =>
  run(tsx, ['src/cli/main.ts', ...args], {
    env: {
      PATH: process.env.PATH,
      PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
      LOG_FORMAT: 'json',
      BCRYPT_COST: '4',
      ...env,
    },
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

/** The lines IMSOP itself wrote (grpc-js prints its own bind error line, prefixed "E "). */
const ownLines = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && !l.startsWith('E '));

let db: TestDatabase;
let taken: Server;
let takenPort: number;
beforeAll(async () => {
  db = await createTestDatabase();
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => taken?.close(resolve));
  await db?.drop();
});

describe('failures name the setting to change', () => {
  it('unreachable DATABASE_URL, for a command and for serve', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/imsop`,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
    };
    for (const args of [['migrate'], ['serve']]) {
      const failed = await imsop(args, { ...env, IMSOP_PORT: '0', METRICS_PORT: '0' });
      expect(failed.code).toBe(1);
      expect(ownLines(failed.stderr)).toEqual([
        `error: cannot connect to PostgreSQL at 127.0.0.1:${port} (DATABASE_URL): ECONNREFUSED, connection refused (is PostgreSQL running there?)`,
      ]);
    }
  });

  it('the stack only with LOG_LEVEL=debug', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const failed = await imsop(['migrate'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/imsop`,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      LOG_LEVEL: 'debug',
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^\s+at /m);
    expect(failed.stderr).toContain('caused by: Error: connect ECONNREFUSED');
    expect(failed.stderr.trim().split('\n').at(-1)).toMatch(
      /^error: cannot connect to PostgreSQL at .* \(DATABASE_URL\)/,
    );
  });

  it('metrics port in use names METRICS_PORT; gRPC port in use names IMSOP_PORT', { timeout: 120_000 }, async () => {
    const env = { DATABASE_URL: db.adminUrl, DATABASE_APP_PASSWORD: TEST_APP_PASSWORD, MIGRATE_ON_START: 'false' };
    const metrics = await imsop(['serve'], { ...env, IMSOP_PORT: '0', METRICS_PORT: String(takenPort) });
    expect(metrics.code).toBe(1);
    expect(ownLines(metrics.stderr)).toEqual([
      `error: cannot listen for metrics on 127.0.0.1:${takenPort} (METRICS_PORT, or METRICS_ENABLED=false): listen EADDRINUSE: address already in use 127.0.0.1:${takenPort}`,
    ]);
    const grpc = await imsop(['serve'], { ...env, IMSOP_PORT: String(takenPort), METRICS_PORT: '0' });
    expect(grpc.code).toBe(1);
    expect(ownLines(grpc.stderr)).toEqual([
      `error: cannot listen for gRPC on 127.0.0.1:${takenPort} (IMSOP_PORT, IMSOP_HOST): listen EADDRINUSE: address already in use 127.0.0.1:${takenPort}`,
    ]);
  });

  it(
    'org create against a data folder whose PostgreSQL runs on another port names EMBEDDED_PG_PORT',
    { timeout: 60_000 },
    async () => {
      // The state a running embedded server leaves in its folder: PG_VERSION, and postmaster.pid
      // with a live pid (this process stands in) and the port it listens on (line 4).
      const dataDir = await mkdtemp(path.join(tmpdir(), 'imsop-other-port-'));
      try {
        const clusterDir = path.join(dataDir, 'pgdata');
        await mkdir(clusterDir);
        await writeFile(path.join(clusterDir, 'PG_VERSION'), '18\n');
        await writeFile(
          path.join(clusterDir, 'postmaster.pid'),
          `${process.pid}\n${clusterDir}\n1796554311\n${takenPort}\n/tmp\n127.0.0.1\n`,
        );
        const port = await freePort();
        const failed = await imsop(
          ['org', 'create', '--name', 'X', '--admin-email', 'a@x.test', '--admin-password', 'a-long-enough-pw'],
          {
            IMSOP_DATA_DIR: dataDir,
            EMBEDDED_PG_PORT: String(port),
          },
        );
        expect(failed.code).toBe(1);
        expect(ownLines(failed.stderr)).toEqual([
          `error: the embedded PostgreSQL in ${clusterDir} (IMSOP_DATA_DIR) is already running on port ${takenPort}, not ${port}: set EMBEDDED_PG_PORT=${takenPort}, or stop the IMSOP that started it`,
        ]);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
