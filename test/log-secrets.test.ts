import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImsopClient } from './support/sdk.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { freePort } from './support/postgres-server.js';
import { seedOrganization, startTestServer, TEST_PAGE_TOKEN_SECRET } from './support/server.js';

/**
 * No secret in any log line: a real server process at LOG_LEVEL=trace goes through logins
 * (good and bad), user creation, password resets, API keys and bad tokens; then every line it
 * wrote is scanned for each password, token, API key secret and database password used.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('logs', () => {
  it('never contain passwords, tokens, API keys or database passwords', async () => {
    // Seed the organization through a throwaway in-process server on the same database.
    const seeder = await startTestServer({ database: db });
    const org = await seedOrganization(seeder);
    await seeder.stop();

    const port = await freePort();
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.adminUrl,
        DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
        PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET,
        IMSOP_PORT: String(port),
        METRICS_ENABLED: 'false',
        LOG_LEVEL: 'trace',
        LOG_FORMAT: 'json',
        BCRYPT_COST: '4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 600 && !output.includes('IMSOP serving'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('IMSOP serving');

    const address = `127.0.0.1:${port}`;
    const secrets: string[] = [org.adminPassword, TEST_APP_PASSWORD, TEST_PAGE_TOKEN_SECRET];
    const imsop = createImsopClient({ address });
    try {
      const { accessToken } = await imsop.auth.login({
        organization: org.name,
        email: org.adminEmail,
        password: org.adminPassword,
      });
      secrets.push(accessToken);
      await imsop.auth
        .login({ organization: org.name, email: org.adminEmail, password: 'wrong-but-secret-pw-1' })
        .catch(() => {});
      secrets.push('wrong-but-secret-pw-1');
      imsop.setCredential(accessToken);
      const user = await imsop.users.createUser({
        email: 'logged@x.test',
        displayName: 'Logged',
        password: 'new-user-secret-pw-1',
      });
      secrets.push('new-user-secret-pw-1');
      await imsop.users.resetUserPassword({ id: user.user!.id, newPassword: 'reset-secret-pw-1' }).catch(() => {});
      secrets.push('reset-secret-pw-1');
      const roles = await imsop.roles.listRoles({});
      const key = await imsop.apiKeys.createApiKey({
        name: 'logged-key',
        roleId: roles.roles.find((r) => r.name === 'viewer')!.id,
      });
      secrets.push(key.secret);
      const withKey = createImsopClient({ address, credential: key.secret });
      await withKey.auth.whoAmI({});
      withKey.close();
      const bad = createImsopClient({ address, credential: accessToken.slice(0, -4) + 'AAAA' });
      await bad.auth.whoAmI({}).catch(() => {});
      bad.close();
      secrets.push(accessToken.slice(0, -4) + 'AAAA');
    } finally {
      imsop.close();
      child.kill('SIGTERM');
      await exited;
    }
    const lines = output.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(
        lines.filter((l) => l.includes(secret)),
        `a log line contains a secret (${secret.slice(0, 4)}...)`,
      ).toEqual([]);
    }
  });
});
