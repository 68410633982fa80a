import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { PAGE_TOKEN_SECRET_FILE, pageTokenSecrets } from '../src/platform/page-token-secret.js';
import { startRuntime } from '../src/runtime.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { expectError } from './support/expect-error.js';
import { ImsopError, Status } from './support/sdk.js';
import { startTestServer, TEST_PAGE_TOKEN_SECRET, type TestServer } from './support/server.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

/**
 * Page tokens are signed by the server: a token edited in any way, issued for another listing,
 * or signed with another secret is INVALID_ARGUMENT with a BadRequest on page_token, never a
 * page starting somewhere else, never INTERNAL. Replicas sharing the secret continue each
 * other's listings, and a rotation keeps the previous secret's tokens working.
 */
const OTHER_SECRET = 'another-deployment-page-token-secret-0123';
const NEW_SECRET = 'the-rotated-in-page-token-secret-012345678';

let ts: TestServer;
let replica: TestServer;
let foreign: TestServer;
let rotated: TestServer;
let a: Tenant;
let b: Tenant;
const skus = ['PT-01', 'PT-02', 'PT-03', 'PT-04', 'PT-05', 'PT-06', 'PT-07'];

beforeAll(async () => {
  ts = await startTestServer();
  [replica, foreign, rotated] = await Promise.all([
    startTestServer({ database: ts.database }),
    startTestServer({ database: ts.database, env: { PAGE_TOKEN_SECRET: OTHER_SECRET } }),
    startTestServer({
      database: ts.database,
      env: { PAGE_TOKEN_SECRET: NEW_SECRET, PAGE_TOKEN_SECRET_PREVIOUS: TEST_PAGE_TOKEN_SECRET },
    }),
  ]);
  [a, b] = await Promise.all([signedInTenant(ts), signedInTenant(ts)]);
  for (const sku of skus) await a.imsop.products.createProduct({ product: { sku, name: `Product ${sku}` } });
}, 120_000);
afterAll(async () => {
  await Promise.all([replica, foreign, rotated].map((s) => s?.stop()));
  await ts?.stop();
});

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every token one character away: each character replaced (three ways) and each one deleted. */
function oneCharacterEdits(token: string): string[] {
  const edits = new Set<string>();
  for (let i = 0; i < token.length; i++) {
    const at = BASE64URL.indexOf(token[i]!);
    for (const replacement of [BASE64URL[(at + 1) % 64]!, BASE64URL[(at + 32) % 64]!, '.']) {
      edits.add(token.slice(0, i) + replacement + token.slice(i + 1));
    }
    edits.add(token.slice(0, i) + token.slice(i + 1));
  }
  edits.delete(token);
  return [...edits];
}

/** Sends each edited token (a few at a time) and returns what did not fail exactly as it must. */
async function unexpectedOutcomes(tokens: string[], list: (pageToken: string) => Promise<unknown>): Promise<string[]> {
  const wrong: string[] = [];
  for (let i = 0; i < tokens.length; i += 16) {
    await Promise.all(
      tokens.slice(i, i + 16).map(async (token) => {
        try {
          await list(token);
          wrong.push(`${token}: OK`);
        } catch (e) {
          if (!(e instanceof ImsopError)) throw e;
          const fields = e.fieldViolations.map((f) => f.field);
          if (e.code !== Status.INVALID_ARGUMENT || e.reason !== 'INVALID_ARGUMENT' || fields.join() !== 'page_token') {
            wrong.push(`${token}: code ${e.code} ${e.reason} [${fields.join()}] ${e.message}`);
          }
        }
      }),
    );
  }
  return wrong;
}

async function expectRefusedToken(call: Promise<unknown>): Promise<void> {
  const e = await expectError(call);
  expect(e.code).toBe(Status.INVALID_ARGUMENT);
  expect(e.fieldViolations.map((f) => f.field)).toEqual(['page_token']);
}

describe('page tokens', () => {
  it('continue a listing: every row exactly once, in order', async () => {
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await a.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-', pageToken });
      seen.push(...page.products.map((p) => p.sku));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(skus);
  });

  it('are refused when any one character is changed or removed (ListProducts)', { timeout: 120_000 }, async () => {
    const { nextPageToken } = await a.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-' });
    const edits = oneCharacterEdits(nextPageToken);
    expect(edits.length).toBeGreaterThan(3 * nextPageToken.length);
    expect(
      await unexpectedOutcomes(edits, (pageToken) =>
        a.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-', pageToken }),
      ),
    ).toEqual([]);
  });

  it('are refused when any one character is changed or removed (ListAuditEntries)', { timeout: 120_000 }, async () => {
    const list = (pageToken: string) =>
      a.imsop.audit.listAuditEntries({ pageSize: 1, pageToken, tableName: 'products' });
    const { nextPageToken } = await list('');
    expect(nextPageToken).not.toBe('');
    expect(await unexpectedOutcomes(oneCharacterEdits(nextPageToken), list)).toEqual([]);
  });

  it('are refused by another organization, another method and another filter', async () => {
    const { nextPageToken } = await a.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-' });
    await expectRefusedToken(
      b.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-', pageToken: nextPageToken }),
    );
    await expectRefusedToken(a.imsop.warehouses.listWarehouses({ pageSize: 2, pageToken: nextPageToken }));
    await expectRefusedToken(
      a.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-0', pageToken: nextPageToken }),
    );
    // The page size is not part of the listing: it may change from page to page.
    expect(
      (await a.imsop.products.listProducts({ pageSize: 3, skuPrefix: 'PT-', pageToken: nextPageToken })).products.map(
        (p) => p.sku,
      ),
    ).toEqual(['PT-03', 'PT-04', 'PT-05']);
  });

  it('are accepted by replicas sharing the secret, refused under another secret, and survive a rotation', async () => {
    const on = (server: TestServer) => server.connect(a.token).products;
    const first = await a.imsop.products.listProducts({ pageSize: 2, skuPrefix: 'PT-' });
    const second = (server: TestServer, pageToken: string) =>
      on(server).listProducts({ pageSize: 2, skuPrefix: 'PT-', pageToken });

    expect((await second(replica, first.nextPageToken)).products.map((p) => p.sku)).toEqual(['PT-03', 'PT-04']);
    await expectRefusedToken(second(foreign, first.nextPageToken));
    const foreignToken = (await on(foreign).listProducts({ pageSize: 2, skuPrefix: 'PT-' })).nextPageToken;
    await expectRefusedToken(second(ts, foreignToken));

    // Rotation: the new secret signs, the previous one still verifies; servers still on the
    // previous secret alone do not know the new one.
    expect((await second(rotated, first.nextPageToken)).products.map((p) => p.sku)).toEqual(['PT-03', 'PT-04']);
    const rotatedToken = (await on(rotated).listProducts({ pageSize: 2, skuPrefix: 'PT-' })).nextPageToken;
    expect((await second(rotated, rotatedToken)).products.map((p) => p.sku)).toEqual(['PT-03', 'PT-04']);
    await expectRefusedToken(second(ts, rotatedToken));
  });
});

describe('the page token secret', () => {
  it('must be configured with DATABASE_URL, at least 32 characters, and never PREVIOUS alone', async () => {
    const external = {
      DATABASE_URL: ts.database.adminUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'silent',
    };
    const config = loadConfig(external);
    const refused = await startRuntime(config, createLogger(config)).catch((e) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([
      expect.stringContaining('PAGE_TOKEN_SECRET is required when DATABASE_URL is set'),
    ]);

    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...external, ...env });
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ PAGE_TOKEN_SECRET: 'short' })).toEqual(['PAGE_TOKEN_SECRET must be at least 32 characters']);
    expect(problems({ PAGE_TOKEN_SECRET_PREVIOUS: TEST_PAGE_TOKEN_SECRET })).toEqual([
      expect.stringContaining('PAGE_TOKEN_SECRET_PREVIOUS needs PAGE_TOKEN_SECRET'),
    ]);
  });

  it('is generated once into the data folder for the embedded database, private to its owner', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'imsop-page-secret-'));
    try {
      const config = loadConfig({ IMSOP_DATA_DIR: dataDir });
      // Two processes starting together on one folder end up with one secret.
      const [first, second] = await Promise.all([pageTokenSecrets(config), pageTokenSecrets(config)]);
      expect(first.current.length).toBeGreaterThanOrEqual(32);
      expect(second.current).toBe(first.current);
      expect((await pageTokenSecrets(config)).current).toBe(first.current);
      expect((await stat(path.join(dataDir, PAGE_TOKEN_SECRET_FILE))).mode & 0o777).toBe(0o600);
      // A configured secret wins over the generated one.
      expect(
        (await pageTokenSecrets(loadConfig({ IMSOP_DATA_DIR: dataDir, PAGE_TOKEN_SECRET: NEW_SECRET }))).current,
      ).toBe(NEW_SECRET);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
