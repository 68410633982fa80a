import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { loginAs, startTestServer, type TestServer } from './support/server.js';

const run = promisify(execFile);
const imsop = (args: string[], env: Record<string, string>) =>
  run(path.resolve('node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], { env: { PATH: process.env.PATH, ...env } });

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
    const args = ['org', 'create', '--name', 'Globex', '--admin-email', 'Boss@Globex.test', '--admin-password', 'a-long-enough-pw'];
    const { stdout } = await imsop(args, env);
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

    const dup = await imsop(args, env).catch((e) => e);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('An organization named "Globex" already exists.');
  });

  it('org create validates its input without writing anything', async () => {
    const bad = await imsop(['org', 'create', '--name', 'Initech', '--admin-email', 'not-an-email', '--admin-password', 'short'], env).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('admin.email: must be an email address');
    expect(bad.stderr).toContain('admin.password: must be at least 12 characters');
  });

  it('exits quietly when the reader of its output goes away (`imsop demo | head -1`)', async () => {
    // The pipe's read end closes before the command writes anything: every write fails EPIPE.
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/cli/main.ts', 'demo'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
