import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from '../gen/ts/grpc/health/v1/health.js';
import { AuthServiceClient } from '../gen/ts/imsop/identity/v1/auth_service.js';
import { DEMO } from '../src/cli/demo.js';
import { bearer, unary } from './support/grpc.js';
import { freePort } from './support/postgres-server.js';

/**
 * The newcomer's path, as processes: `npm start` with no configuration (embedded PostgreSQL in
 * a data folder), `imsop demo` alongside it, login, then a second start that reuses the data.
 */
const run = promisify(execFile);
/** What `npm start` and `npm run imsop --` run: dist/ when built and fresh, else the sources through tsx. */
const imsop = (...args: string[]) => [path.resolve('bin/imsop.js'), ...args];
let dataDir: string;
let env: NodeJS.ProcessEnv;
let address: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'imsop-zero-config-'));
  const grpcPort = await freePort();
  address = `127.0.0.1:${grpcPort}`;
  // No DATABASE_URL / REDIS_URL: the zero-config path. Only ports and the folder differ from `npm start`.
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    IMSOP_DATA_DIR: dataDir,
    IMSOP_PORT: String(grpcPort),
    EMBEDDED_PG_PORT: String(await freePort()),
    METRICS_PORT: '0',
    BCRYPT_COST: '4',
    LOG_FORMAT: 'json',
  };
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function start(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, imsop('serve'), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitServing(output: () => string): Promise<void> {
  const health = new HealthClient(address, credentials.createInsecure());
  try {
    // Generous: a first start runs initdb, and a busy CI machine can make that slow.
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const res = await unary(health.check.bind(health), { service: '' }, undefined, {
        deadline: Date.now() + 500,
      }).catch(() => undefined);
      if (res?.status === Serving.SERVING) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become SERVING:\n${output()}`);
  } finally {
    health.close();
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('zero-config start', () => {
  // Two starts (the first runs initdb) and two CLI runs: minutes on a loaded machine.
  it(
    'serves on the embedded database, loads the demo tenant alongside, and keeps data across restarts',
    { timeout: 300_000 },
    async () => {
      const first = start();
      await waitServing(first.output);
      expect(first.output()).toContain('IMSOP serving');
      expect(first.output()).toContain('embedded PostgreSQL');
      // The page token secret is generated with the data and kept for the next start.
      const pageTokenSecret = await readFile(path.join(dataDir, 'page-token-secret'), 'utf8');

      const demo = await run(process.execPath, imsop('demo'), { env });
      expect(demo.stdout).toContain('Demo tenant created.');

      const auth = new AuthServiceClient(address, credentials.createInsecure());
      const login = await unary(auth.login.bind(auth), {
        organization: DEMO.organization,
        email: DEMO.adminEmail,
        password: DEMO.adminPassword,
      });
      expect((await unary(auth.whoAmI.bind(auth), {}, bearer(login.accessToken))).roles).toContain('admin');
      auth.close();
      expect(await stop(first.child)).toBe(0);
      expect(first.output()).toContain('stopped');

      const second = start();
      await waitServing(second.output);
      expect(await readFile(path.join(dataDir, 'page-token-secret'), 'utf8')).toBe(pageTokenSecret);
      const again = await run(process.execPath, imsop('demo'), { env });
      expect(again.stdout).toContain('Demo tenant already present.');
      const auth2 = new AuthServiceClient(address, credentials.createInsecure());
      const relogin = await unary(auth2.login.bind(auth2), {
        organization: DEMO.organization,
        email: DEMO.adminEmail,
        password: DEMO.adminPassword,
      });
      expect(relogin.accessToken).toMatch(/^imsop_at_/);
      auth2.close();
      expect(await stop(second.child)).toBe(0);
    },
  );

  it('refuses bad configuration with one clear line per variable and exit code 2', async () => {
    const failed = await run(process.execPath, imsop('serve'), {
      env: { ...env, DATABASE_URL: 'mysql://nope', IMSOP_PORT: 'abc' },
    }).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('DATABASE_URL is not a valid postgres URL');
    expect(failed.stderr).toContain('IMSOP_PORT must be a whole number');

    // An external database may serve several replicas: they must be given one shared secret.
    const external = {
      ...env,
      DATABASE_URL: 'postgres://imsop@127.0.0.1:1/imsop',
      DATABASE_APP_PASSWORD: 'app-password-123',
    };
    const unsigned = await run(process.execPath, imsop('serve'), { env: external }).catch((e) => e);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('PAGE_TOKEN_SECRET is required when DATABASE_URL is set');
  });
});
