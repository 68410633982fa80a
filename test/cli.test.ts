import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { startTestServer, type TestServer } from './support/server.js';
import { loginAs } from './support/tenant.js';

const run = promisify(execFile);
/** Runs the CLI; `stdin` is piped to it (and standard input closed) when given. */
const imsop = (args: string[], env: Record<string, string>, stdin?: string) => {
  const running = run(path.resolve('node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], {
    env: { PATH: process.env.PATH, ...env },
  });
  if (stdin !== undefined) running.child.stdin!.end(stdin);
  return running;
};

let db: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { DATABASE_URL: db.adminUrl, DATABASE_APP_PASSWORD: TEST_APP_PASSWORD, BCRYPT_COST: '4' };
});
afterAll(() => db?.drop());

describe('imsop CLI against DATABASE_URL', () => {
  it('migrate is idempotent', async () => {
    const { stdout } = await imsop(['migrate'], env);
    expect(stdout).toMatch(/Database is up to date \(\d+ migration\(s\) applied before\)\./);
  });

  it('org create makes an organization whose admin can log in, and refuses a duplicate name', async () => {
    const args = ['org', 'create', '--name', 'Globex', '--admin-email', 'Boss@Globex.test', '--admin-password-stdin'];
    const { stdout, stderr } = await imsop(args, env, 'a-long-enough-pw\n');
    expect(stderr).not.toContain('warning');
    expect(stdout).toContain('Created organization "Globex"');
    expect(stdout).toMatch(/organization id: [0-9a-f-]{36}/);
    expect(stdout).toContain('boss@globex.test');
    expect(stdout).toContain('admin, manager, operator, viewer');

    let ts: TestServer | undefined;
    try {
      ts = await startTestServer({ database: db });
      const { response } = await loginAs(ts, 'globex', 'boss@globex.test', 'a-long-enough-pw');
      expect(response.organization?.name).toBe('Globex');
    } finally {
      await ts?.stop();
    }

    const dup = await imsop(args, env, 'a-long-enough-pw\n').catch((e) => e);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('An organization named "Globex" already exists.');
  });

  it('org create takes the admin password from IMSOP_ADMIN_PASSWORD or piped standard input; --admin-password still works, with a warning', async () => {
    const ways: [string, string[], Record<string, string>, string | undefined][] = [
      ['env', [], { IMSOP_ADMIN_PASSWORD: 'password-from-env-1' }, undefined],
      ['piped', [], {}, 'password from a pipe 1\r\nsecond line ignored\n'],
      ['flag', ['--admin-password', 'password-on-the-command-line'], {}, undefined],
    ];
    const passwords: Record<string, string> = {
      env: 'password-from-env-1',
      piped: 'password from a pipe 1',
      flag: 'password-on-the-command-line',
    };
    let ts: TestServer | undefined;
    try {
      for (const [way, extra, moreEnv, stdin] of ways) {
        const { stderr } = await imsop(
          ['org', 'create', '--name', `Pw-${way}`, '--admin-email', `boss@${way}.test`, ...extra],
          { ...env, ...moreEnv },
          stdin ?? '',
        );
        if (way === 'flag') expect(stderr).toMatch(/warning: --admin-password shows the password/);
        else expect(stderr).not.toContain('warning');
      }
      ts = await startTestServer({ database: db });
      for (const [way] of ways)
        expect((await loginAs(ts, `pw-${way}`, `boss@${way}.test`, passwords[way]!)).response.user?.email).toBe(
          `boss@${way}.test`,
        );
    } finally {
      await ts?.stop();
    }
    const none = await imsop(
      ['org', 'create', '--name', 'Pw-none', '--admin-email', 'boss@none.test', '--admin-password-stdin'],
      env,
      '',
    ).catch((e) => e);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no admin password on standard input');
  }, 240_000); // five CLI processes (each checks the migrations) and a server

  it('org set-tier is how the operator changes the subscription tier (by id or name)', async () => {
    const { stdout } = await imsop(
      ['org', 'create', '--name', 'Tiered', '--admin-email', 'boss@tiered.test', '--tier', 'basic'],
      env,
      'a-long-enough-pw\n',
    );
    const id = /organization id: ([0-9a-f-]{36})/.exec(stdout)![1]!;
    expect(
      (await imsop(['org', 'set-tier', '--organization', id.toUpperCase(), '--tier', 'gold'], env)).stdout,
    ).toContain(`Organization "Tiered" (${id}): subscription tier basic -> gold`);
    expect((await imsop(['org', 'set-tier', '--organization', 'TIERED', '--tier', 'platinum'], env)).stdout).toContain(
      'gold -> platinum',
    );
    const missing = await imsop(['org', 'set-tier', '--organization', 'no-such-org', '--tier', 'gold'], env).catch(
      (e) => e,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('organization not found');

    let ts: TestServer | undefined;
    try {
      ts = await startTestServer({ database: db });
      const { imsop } = await loginAs(ts, 'tiered', 'boss@tiered.test', 'a-long-enough-pw');
      const { organization } = await imsop.organizations.getOrganization({});
      expect(organization?.subscriptionTier).toBe('platinum');
    } finally {
      await ts?.stop();
    }
  }, 240_000); // four CLI processes and a server

  it('org create validates its input without writing anything', async () => {
    const bad = await imsop(
      ['org', 'create', '--name', 'Initech', '--admin-email', 'not-an-email', '--admin-password-stdin'],
      env,
      'short\n',
    ).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('admin.email: must be an email address');
    expect(bad.stderr).toContain('admin.password: must be at least 12 characters');
    const uuidName = await imsop(
      ['org', 'create', '--name', '{6F9619FF-8B86-D011-B42D-00C04FC964FF}', '--admin-email', 'a@b.test'],
      env,
      'a-long-enough-pw\n',
    ).catch((e) => e);
    expect(uuidName.code).toBe(1);
    expect(uuidName.stderr).toMatch(/name: must not look like a UUID/);
  });

  it('exits quietly when the reader of its output goes away (`imsop demo | head -1`)', async () => {
    // The pipe's read end closes before the command writes anything: every write fails EPIPE.
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/cli/main.ts', 'demo'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
