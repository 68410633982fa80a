import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/platform/db/embedded.js';
import { callEachDomain } from './support/domain-calls.js';
import { freePort } from './support/postgres-server.js';
import { spawnServer } from './support/server-process.js';
import { makeTestCertificates } from './support/test-ca.js';
import { TEST_PAGE_TOKEN_SECRET } from './support/server.js';

/**
 * PostgreSQL over TLS as a managed service offers it: a server certificate from the provider's
 * own CA, which the client is given as a file or as PEM. The server is a private embedded
 * PostgreSQL (a recent major: the 16+ role-membership rules apply) with TLS turned on and a
 * CA made here; the admin is a CREATEROLE/CREATEDB role that is not a superuser, and the
 * server checks passwords (scram), so wrong ones are refused for real.
 */
const run = promisify(execFile);
const tsx = path.resolve('node_modules/.bin/tsx');
const suffix = randomBytes(4).toString('hex');
const prefix = `tls_${suffix}`;
const appPassword = `app-password-${suffix}`;
let dir: string;
let server: EmbeddedDatabase;
let adminUrl: string;
let ca: { file: string; pem: string; wrongFile: string };

const imsop = (args: string[], env: Record<string, string>) =>
  run(tsx, ['src/cli/main.ts', ...args], {
    env: {
      PATH: process.env.PATH,
      PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
      BCRYPT_COST: '4',
      LOG_FORMAT: 'json',
      DATABASE_ROLE_PREFIX: prefix,
      ...env,
    },
  });
const failing = (args: string[], env: Record<string, string>) =>
  imsop(args, env).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

async function asSuperuser<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
const appPasswordHash = async () =>
  (
    await asSuperuser<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [
      `${prefix}_app`,
    ])
  )[0]?.rolpassword;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'imsop-pg-tls-'));
  // As root the server runs as the postgres user, which must reach the cluster folder inside.
  await chmod(dir, 0o755);
  const certs = makeTestCertificates(dir);
  server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'data'),
    port: await freePort(),
    database: 'postgres',
  });
  // The certificate and key go into the cluster folder, owned by the server's user (PostgreSQL
  // refuses a key others can read); TLS turns on with a reload.
  const clusterDir = path.join(dir, 'data', 'pgdata');
  const owner = process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : undefined;
  for (const [file, source] of [
    ['server.crt', certs.serverCert],
    ['server.key', certs.serverKey],
  ] as const) {
    const target = path.join(clusterDir, file);
    await writeFile(target, await readFile(source), { mode: 0o600 });
    if (owner !== undefined) await chown(target, owner, Number(execFileSync('id', ['-g', 'postgres']).toString()));
  }
  await asSuperuser(`ALTER SYSTEM SET ssl = on`);
  await asSuperuser(`SELECT pg_reload_conf()`);
  await asSuperuser(`CREATE ROLE tls_admin LOGIN CREATEROLE CREATEDB PASSWORD 'admin-password-123'`);
  await asSuperuser(`CREATE DATABASE imsop OWNER tls_admin`);
  const url = new URL(server.adminUrl);
  url.username = 'tls_admin';
  url.password = 'admin-password-123';
  url.pathname = '/imsop';
  url.search = '?sslmode=verify-full';
  adminUrl = url.toString();
  ca = { file: certs.ca, pem: await readFile(certs.ca, 'utf8'), wrongFile: certs.wrongCa };
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('PostgreSQL over TLS with verify-full and a private CA', () => {
  it(
    'migrates and serves with the CA as a file, as a non-superuser admin on a 16+ server; every connection is TLS',
    { timeout: 300_000 },
    async () => {
      const [{ version }] = (await asSuperuser<{ version: number }>(
        `SELECT current_setting('server_version_num')::int AS version`,
      )) as [{ version: number }];
      expect(version).toBeGreaterThanOrEqual(160000);
      const env = { DATABASE_URL: adminUrl, DATABASE_APP_PASSWORD: appPassword, DATABASE_CA_FILE: ca.file };
      const created = await imsop(
        [
          'org',
          'create',
          '--name',
          'Secure',
          '--admin-email',
          'boss@secure.test',
          '--admin-password',
          'a-long-enough-pw',
        ],
        env,
      );
      expect(created.stdout).toContain('Created organization "Secure"');

      const port = await freePort();
      const imsopServer = spawnServer({
        ...env,
        DATABASE_ROLE_PREFIX: prefix,
        IMSOP_PORT: String(port),
        METRICS_PORT: '0',
        BCRYPT_COST: '4',
        LOG_FORMAT: 'json',
      });
      try {
        await imsopServer.waitServing(`127.0.0.1:${port}`);
        const seen = await callEachDomain(`127.0.0.1:${port}`, {
          organization: 'secure',
          email: 'boss@secure.test',
          password: 'a-long-enough-pw',
        });
        expect(seen.roles).toEqual(['admin']);
        expect(seen.warehouses).toEqual(['MAIN']);
        const sessions = await asSuperuser<{ usename: string; ssl: boolean }>(
          `SELECT DISTINCT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = 'imsop' AND a.application_name = 'imsop'`,
        );
        expect(sessions).toEqual([{ usename: `${prefix}_app`, ssl: true }]);
      } finally {
        expect(await imsopServer.stop()).toBe(0);
      }
    },
  );

  it(
    'takes the CA as PEM in DATABASE_CA_PEM (newlines or \\n escapes) or as sslrootcert in the URL; the app password is left alone when it still works',
    { timeout: 300_000 },
    async () => {
      const before = await appPasswordHash();
      expect(before).toMatch(/^SCRAM-SHA-256\$/);
      const fromPem = await imsop(['migrate'], {
        DATABASE_URL: adminUrl,
        DATABASE_APP_PASSWORD: appPassword,
        DATABASE_CA_PEM: ca.pem,
      });
      expect(fromPem.stdout).toContain('Database is up to date');
      const escaped = await imsop(['migrate'], {
        DATABASE_URL: adminUrl,
        DATABASE_APP_PASSWORD: appPassword,
        DATABASE_CA_PEM: ca.pem.trim().replaceAll('\n', '\\n'),
      });
      expect(escaped.stdout).toContain('Database is up to date');
      const rootCert = new URL(adminUrl);
      rootCert.searchParams.set('sslrootcert', ca.file);
      const fromUrl = await imsop(['migrate'], {
        DATABASE_URL: rootCert.toString(),
        DATABASE_APP_PASSWORD: appPassword,
      });
      expect(fromUrl.stdout).toContain('Database is up to date');
      expect(await appPasswordHash()).toBe(before);
    },
  );

  it(
    'refuses a server its CA does not vouch for, naming the CA setting, in one line and with a non-zero exit',
    { timeout: 300_000 },
    async () => {
      const wrongFile = await failing(['migrate'], {
        DATABASE_URL: adminUrl,
        DATABASE_APP_PASSWORD: appPassword,
        DATABASE_CA_FILE: ca.wrongFile,
      });
      expect(wrongFile.code).toBe(1);
      expect(wrongFile.stderr).toMatch(
        /^error: PostgreSQL at 127\.0\.0\.1:\d+ presented a certificate that does not verify against DATABASE_CA_FILE .*DATABASE_URL/,
      );
      expect(wrongFile.stderr.trim().split('\n')).toHaveLength(1);

      const port = await freePort();
      const wrongPem = await failing(['serve'], {
        DATABASE_URL: adminUrl,
        DATABASE_APP_PASSWORD: appPassword,
        DATABASE_CA_PEM: await readFile(ca.wrongFile, 'utf8'),
        IMSOP_PORT: String(port),
        METRICS_PORT: '0',
      });
      expect(wrongPem.code).toBe(1);
      expect(wrongPem.stderr).toContain('does not verify against DATABASE_CA_PEM');
      expect(wrongPem.stderr).not.toMatch(/^\s+at /m);

      // No CA: Node's public CA store, which does not know this private CA.
      const noCa = await failing(['migrate'], {
        DATABASE_URL: adminUrl.replace('verify-full', 'require'),
        DATABASE_APP_PASSWORD: appPassword,
      });
      expect(noCa.code).toBe(1);
      expect(noCa.stderr).toContain(
        "does not verify against Node's public CA store (set DATABASE_CA_FILE or DATABASE_CA_PEM)",
      );

      const notPem = await failing(['migrate'], {
        DATABASE_URL: adminUrl,
        DATABASE_APP_PASSWORD: appPassword,
        DATABASE_CA_PEM: 'not a certificate',
      });
      expect(notPem.code).toBe(1);
      expect(notPem.stderr).toContain('error: DATABASE_CA_PEM does not hold a PEM certificate');
      const missing = await failing(['migrate'], {
        DATABASE_URL: adminUrl,
        DATABASE_APP_PASSWORD: appPassword,
        DATABASE_CA_FILE: path.join(dir, 'nope.pem'),
      });
      expect(missing.stderr).toMatch(/error: cannot read the CA certificate .*nope\.pem \(DATABASE_CA_FILE\)/);
    },
  );

  it("prints PostgreSQL's DETAIL when the admin may not create roles", { timeout: 300_000 }, async () => {
    await asSuperuser(`CREATE ROLE tls_plain LOGIN PASSWORD 'plain-password-123'`);
    await asSuperuser(`CREATE DATABASE plain OWNER tls_plain`);
    const url = new URL(adminUrl);
    url.username = 'tls_plain';
    url.password = 'plain-password-123';
    url.pathname = '/plain';
    const denied = await failing(['migrate'], {
      DATABASE_URL: url.toString(),
      DATABASE_APP_PASSWORD: appPassword,
      DATABASE_CA_FILE: ca.file,
      DATABASE_ROLE_PREFIX: `plain_${suffix}`,
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      /^error: the DATABASE_URL user "tls_plain" may not set up the roles plain_\w+_owner and plain_\w+_app: it needs CREATEROLE/,
    );
    expect(denied.stderr).toContain('  DETAIL: Only roles with the CREATEROLE attribute may create roles.');
    expect(denied.stderr).not.toMatch(/^\s+at /m);
  });

  it(
    'names the setting holding a wrong password, and sets a changed DATABASE_APP_PASSWORD',
    { timeout: 300_000 },
    async () => {
      const env = { DATABASE_APP_PASSWORD: appPassword, DATABASE_CA_FILE: ca.file };
      const badAdmin = new URL(adminUrl);
      badAdmin.password = 'not-the-password';
      const wrongAdmin = await failing(['migrate'], { ...env, DATABASE_URL: badAdmin.toString() });
      expect(wrongAdmin.code).toBe(1);
      expect(wrongAdmin.stderr).toMatch(
        /^error: PostgreSQL at 127\.0\.0\.1:\d+ refused user "tls_admin" \(DATABASE_URL\): password authentication failed/,
      );

      const port = await freePort();
      const serveEnv = { ...env, DATABASE_URL: adminUrl, IMSOP_PORT: String(port), METRICS_PORT: '0' };
      const wrongApp = await failing(['serve'], {
        ...serveEnv,
        MIGRATE_ON_START: 'false',
        DATABASE_APP_PASSWORD: 'not-the-app-password',
      });
      expect(wrongApp.code).toBe(1);
      expect(wrongApp.stderr).toMatch(
        new RegExp(
          `error: PostgreSQL at 127\\.0\\.0\\.1:\\d+ refused user "${prefix}_app" \\(DATABASE_APP_PASSWORD\\)`,
        ),
      );

      // A new app password in the configuration: migrate sets it, and the server signs in with it.
      const before = await appPasswordHash();
      await imsop(['migrate'], { ...env, DATABASE_URL: adminUrl, DATABASE_APP_PASSWORD: 'a-new-app-password' });
      expect(await appPasswordHash()).not.toBe(before);
      const imsopServer = spawnServer({
        ...serveEnv,
        DATABASE_APP_PASSWORD: 'a-new-app-password',
        MIGRATE_ON_START: 'false',
        DATABASE_ROLE_PREFIX: prefix,
        LOG_FORMAT: 'json',
      });
      try {
        await imsopServer.waitServing(`127.0.0.1:${port}`);
      } finally {
        expect(await imsopServer.stop()).toBe(0);
      }
    },
  );
});
