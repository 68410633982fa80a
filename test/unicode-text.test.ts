import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateOrganizationRequest } from '../gen/ts/imsop/identity/v1/organization_service.js';
import { CreateProductRequest, ListProductsRequest } from '../gen/ts/imsop/inventory/v1/product_service.js';
import {
  CreateSupplierRequest,
  ListSuppliersRequest,
  UpdateSupplierRequest,
} from '../gen/ts/imsop/procurement/v1/supplier_service.js';
import { ShipmentType } from '../gen/ts/imsop/shipments/v1/resources.js';
import { createOrganization } from '../src/identity/organization-setup.js';
import { Passwords } from '../src/identity/passwords.js';
import { caseInsensitiveKey } from '../src/platform/case-insensitive-key.js';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createLogger } from '../src/platform/logger.js';
import { ownerDatabase, prepareDatabase } from '../src/runtime.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { expectError } from './support/expect-error.js';
import { freePort } from './support/postgres-server.js';
import { createProduct, createWarehouse, shipmentRequest } from './support/shipments.js';
import type { ImsopClient } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { loginAs } from './support/tenant.js';

/**
 * Case-insensitive names with non-ASCII letters, through the real API, on clusters of different
 * locales: the shared PostgreSQL's default database (C.UTF-8), a database of the same server
 * with the "C" locale (where PostgreSQL's lower() folds ASCII only), and an embedded
 * PostgreSQL 18 as `npm start` creates it. The same assertions hold on all three: the service
 * folds (NFKC + Unicode case folding) and the database only compares the stored keys.
 *
 * Expected behaviour, locale-independent by design:
 * - German: "MÜLLER GROSSHANDEL" = "Müller Großhandel" (ß folds to ss); accents count
 *   ("Apfel" is not "Äpfel").
 * - Turkish: "İstanbul" = "İSTANBUL" (İ folds to i + combining dot), "ISTANBUL" = "istanbul",
 *   but the two pairs are different names; no Turkish-locale dotless mapping.
 * - Greek: final and medial sigma are one letter ("ΟΔΥΣΣΕΥΣ" = "Οδυσσευς" = "οδυσσευσ"), the
 *   tonos counts ("Οδυσσεύς" is another name), and a prefix typed with a final sigma ("Οδυς")
 *   still matches "Οδυσσ…".
 */

const PASSWORD = 'correct-horse-battery';
const logger = createLogger({ LOG_LEVEL: 'silent', LOG_FORMAT: 'json' });

interface Target {
  ts: TestServer;
  close(): Promise<void>;
}

const createDatabase = (locale: string | undefined) => createTestDatabase({ unmigrated: { locale } });

/** Migrations and the permission catalogue, as a server's start does. */
const prepare = (adminUrl: string) =>
  prepareDatabase({ mode: 'external', adminUrl, appPassword: TEST_APP_PASSWORD, stop: async () => {} }, logger);

/** A server on `database`, prepared first; closing stops it, then runs `cleanUp`. */
async function serve(database: TestDatabase, cleanUp: () => Promise<void>): Promise<Target> {
  await prepare(database.adminUrl);
  const ts = await startTestServer({ database });
  return {
    ts,
    close: async () => {
      await ts.stop();
      await cleanUp();
    },
  };
}

const onDatabase = (database: TestDatabase) => serve(database, () => database.drop());

async function onEmbedded(): Promise<Target> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'imsop-unicode-'));
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger });
  try {
    return await serve({ name: 'imsop', adminUrl: embedded.adminUrl, drop: async () => {} }, async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

async function newOrganization(
  ts: TestServer,
  name: string,
  adminEmail = `admin-${randomUUID().slice(0, 8)}@example.test`,
) {
  const owner = ownerDatabase(ts.runtime.database, logger);
  try {
    const created = await createOrganization(owner, new Passwords(4), {
      name,
      admin: { email: adminEmail, displayName: 'Admin', password: PASSWORD },
    });
    return { ...created, adminEmail };
  } finally {
    await owner.close();
  }
}

async function adminOf(ts: TestServer, name: string): Promise<ImsopClient> {
  const org = await newOrganization(ts, name);
  return (await loginAs(ts, name, org.adminEmail, PASSWORD)).imsop;
}

async function databaseValue(ts: TestServer, text: string, values: unknown[]): Promise<unknown> {
  const client = new pg.Client({ connectionString: ts.database.adminUrl });
  await client.connect();
  try {
    return Object.values((await client.query(text, values)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

/** The database's locale as pg_database records it: provider (c = libc, b = builtin) and collation. */
interface Locale {
  datlocprovider: string;
  datcollate: string;
}

function unicodeRules(label: string, locale: Locale | undefined, start: () => Promise<Target>) {
  describe(label, () => {
    let target: Target;
    let ts: TestServer;
    beforeAll(async () => {
      target = await start();
      ts = target.ts;
    }, 240_000);
    afterAll(() => target?.close());

    // The shared server's default locale is whatever TEST_DATABASE_URL's cluster has.
    if (locale)
      it('runs on the cluster locale it names', async () => {
        const client = new pg.Client({ connectionString: ts.database.adminUrl });
        await client.connect();
        try {
          const { rows } = await client.query(
            'SELECT datlocprovider, datcollate FROM pg_database WHERE datname = current_database()',
          );
          expect(rows[0]).toEqual(locale);
        } finally {
          await client.end();
        }
      });

    it('organization names are unique ignoring case (German), and login finds the organization by any spelling', async () => {
      const muller = await newOrganization(ts, 'Müller Großhandel');
      for (const other of [
        'MÜLLER Großhandel',
        'MÜLLER GROSSHANDEL',
        'müller grosshandel',
        'Mu\u0308ller Großhandel',
      ]) {
        await expect(newOrganization(ts, other)).rejects.toMatchObject({ reason: 'ORGANIZATION_NAME_TAKEN' });
      }
      // Accents count: no umlaut is another name.
      await newOrganization(ts, 'Muller Großhandel');

      const login = await loginAs(ts, 'MÜLLER GROSSHANDEL', muller.adminEmail, PASSWORD);
      expect(login.response.organization?.id).toBe(muller.organizationId);
      expect(login.response.organization?.name).toBe('Müller Großhandel');

      // Renaming onto a taken name, in another case, is refused too.
      const other = await adminOf(ts, `Renamer ${randomUUID().slice(0, 6)}`);
      const renamed = await expectError(
        other.organizations.updateOrganization(
          UpdateOrganizationRequest.fromPartial({ organization: { name: 'MÜLLER GROSSHANDEL' }, updateMask: ['name'] }),
        ),
      );
      expect(renamed.reason).toBe('ORGANIZATION_NAME_TAKEN');
    });

    it('login by organization name resolves the organization whose name matches, never a look-alike', async () => {
      const zurich = await newOrganization(ts, 'Zurich Logistik', 'admin@zurich.test');
      const zuerich = await newOrganization(ts, 'Zürich Logistik', 'admin@zurich.test');
      const login = await loginAs(ts, 'ZÜRICH LOGISTIK', 'admin@zurich.test', PASSWORD);
      expect(login.response.organization?.id).toBe(zuerich.organizationId);
      const plain = await loginAs(ts, 'zurich logistik', 'ADMIN@ZURICH.TEST', PASSWORD);
      expect(plain.response.organization?.id).toBe(zurich.organizationId);
      // The id works as before, in any case.
      const byId = await loginAs(ts, zuerich.organizationId.toUpperCase(), 'admin@zurich.test', PASSWORD);
      expect(byId.response.organization?.id).toBe(zuerich.organizationId);
    });

    it('Turkish dotted and dotless capitals fold the Unicode way, the same for uniqueness and login', async () => {
      const dotted = await newOrganization(ts, 'İstanbul Kargo');
      await expect(newOrganization(ts, 'İSTANBUL KARGO')).rejects.toMatchObject({ reason: 'ORGANIZATION_NAME_TAKEN' });
      const plain = await newOrganization(ts, 'istanbul kargo');
      await expect(newOrganization(ts, 'ISTANBUL KARGO')).rejects.toMatchObject({ reason: 'ORGANIZATION_NAME_TAKEN' });
      // Dotless ı is a letter of its own.
      await newOrganization(ts, 'ıstanbul kargo');

      expect((await loginAs(ts, 'İSTANBUL KARGO', dotted.adminEmail, PASSWORD)).response.organization?.id).toBe(
        dotted.organizationId,
      );
      expect((await loginAs(ts, 'ISTANBUL KARGO', plain.adminEmail, PASSWORD)).response.organization?.id).toBe(
        plain.organizationId,
      );
    });

    it('supplier names are unique ignoring case, Greek sigma included, and prefixes match across final sigma', async () => {
      const admin = await adminOf(ts, `Suppliers ${randomUUID().slice(0, 6)}`);
      const create = (name: string) =>
        admin.suppliers.createSupplier(CreateSupplierRequest.fromPartial({ supplier: { name } }));
      await create('ΟΔΥΣΣΕΥΣ Shipping');
      for (const other of ['Οδυσσευς Shipping', 'οδυσσευσ SHIPPING']) {
        expect((await expectError(create(other))).reason).toBe('SUPPLIER_NAME_TAKEN');
      }
      await create('Οδυσσεύς Shipping'); // the tonos makes it another name
      await create('Müller Großhandel');
      expect((await expectError(create('MÜLLER GROSSHANDEL'))).reason).toBe('SUPPLIER_NAME_TAKEN');
      const straße = (await create('Straßen-Logistik')).supplier!;
      expect((await expectError(create('STRASSEN-LOGISTIK'))).reason).toBe('SUPPLIER_NAME_TAKEN');
      const renamed = await expectError(
        admin.suppliers.updateSupplier(
          UpdateSupplierRequest.fromPartial({
            supplier: { id: straße.id, name: 'müller großhandel', etag: straße.etag },
            updateMask: ['name'],
          }),
        ),
      );
      expect(renamed.reason).toBe('SUPPLIER_NAME_TAKEN');

      const names = async (namePrefix: string, pageSize = 0) => {
        const found: string[] = [];
        let pageToken = '';
        do {
          const page = await admin.suppliers.listSuppliers(
            ListSuppliersRequest.fromPartial({ pageSize, pageToken, namePrefix }),
          );
          found.push(...page.suppliers.map((s) => s.name));
          pageToken = page.nextPageToken;
        } while (pageToken);
        return found.sort();
      };
      expect(await names('Οδυς')).toEqual(['Οδυσσεύς Shipping', 'ΟΔΥΣΣΕΥΣ Shipping'].sort());
      expect(await names('ΟΔΥΣΣΕΥΣ', 1)).toEqual(['ΟΔΥΣΣΕΥΣ Shipping']);
      expect(await names('MÜLLER GROSS')).toEqual(['Müller Großhandel']);
      expect(await names('strasse')).toEqual(['Straßen-Logistik']);
    });

    it('product name prefixes match non-ASCII names in any case (German), with keyset pages', async () => {
      const admin = await adminOf(ts, `Products ${randomUUID().slice(0, 6)}`);
      const create = (sku: string, name: string) =>
        admin.products.createProduct(CreateProductRequest.fromPartial({ product: { sku, name } }));
      await create('AS-1', 'Äpfel-Schäler Deluxe');
      await create('AS-2', 'ÄPFEL-SCHÄLER mini');
      await create('AS-3', 'Apfel-Schäler ohne Umlaut');
      await create('AS-4', 'Straßenbesen');
      const names = async (namePrefix: string) => {
        const found: string[] = [];
        let pageToken = '';
        do {
          const page = await admin.products.listProducts(
            ListProductsRequest.fromPartial({ pageSize: 1, pageToken, namePrefix }),
          );
          found.push(...page.products.map((p) => p.name));
          pageToken = page.nextPageToken;
        } while (pageToken);
        return found;
      };
      expect(await names('Äpfel-Schäler')).toEqual(['Äpfel-Schäler Deluxe', 'ÄPFEL-SCHÄLER mini']);
      expect(await names('äpfel-schäler')).toEqual(['Äpfel-Schäler Deluxe', 'ÄPFEL-SCHÄLER mini']);
      expect(await names('APFEL')).toEqual(['Apfel-Schäler ohne Umlaut']);
      expect(await names('STRASSEN')).toEqual(['Straßenbesen']);

      // SKUs are ASCII: a non-ASCII letter is refused, not turned into ASCII by upper-casing.
      const sku = await expectError(create('straße-1', 'Besen'));
      expect(sku.reason).toBe('INVALID_ARGUMENT');
      expect(sku.fieldViolations.map((v) => v.field)).toEqual(['product.sku']);
    });

    it('a tracking number is unique per carrier ignoring case, and found with the carrier in any case', async () => {
      const admin = await adminOf(ts, `Carriers ${randomUUID().slice(0, 6)}`);
      const origin = await createWarehouse(admin);
      const productId = await createProduct(admin);
      const request = (carrier: string) =>
        shipmentRequest({
          type: ShipmentType.SHIPMENT_TYPE_OUTBOUND,
          carrier,
          trackingNumber: 'AT-4711',
          originWarehouseId: origin,
          items: [{ productId, quantity: 1 }],
        });
      const created = (await admin.shipments.createShipment(request('Österreichische Post'))).shipment!;
      expect((await expectError(admin.shipments.createShipment(request('ÖSTERREICHISCHE POST')))).reason).toBe(
        'TRACKING_NUMBER_TAKEN',
      );
      await admin.shipments.createShipment(request('Osterreichische Post'));
      const found = await admin.shipments.getShipmentByTrackingNumber({
        trackingNumber: 'AT-4711',
        carrier: 'österreichische POST',
      });
      expect(found.shipment?.id).toBe(created.id);
    });

    it('emails keep their rule (stored lower-cased, compared exactly) with non-ASCII letters too', async () => {
      const org = await newOrganization(ts, `Emails ${randomUUID().slice(0, 6)}`, 'Jürgen.MÜLLER@Example.test');
      expect(await databaseValue(ts, 'SELECT email FROM users WHERE id = $1', [org.adminUserId])).toBe(
        'jürgen.müller@example.test',
      );
      const login = await loginAs(ts, org.organizationId, 'JÜRGEN.MÜLLER@EXAMPLE.TEST', PASSWORD);
      expect(login.response.user?.email).toBe('jürgen.müller@example.test');
    });
  });
}

unicodeRules('on the shared PostgreSQL (TEST_DATABASE_URL), its default locale', undefined, async () =>
  onDatabase(await createDatabase(undefined)),
);
unicodeRules(
  'on the shared PostgreSQL, a database with the "C" locale',
  { datlocprovider: 'c', datcollate: 'C' },
  async () => onDatabase(await createDatabase('C')),
);
// PostgreSQL's builtin provider, C.UTF-8 (src/platform/db/embedded.ts).
unicodeRules(
  'on an embedded PostgreSQL as `npm start` creates it',
  { datlocprovider: 'b', datcollate: 'C' },
  onEmbedded,
);

describe('upgrading a database with non-ASCII names to the case-insensitive keys (migration 0009)', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of databases) await d.drop();
  });

  /** A "C"-locale database as the previous version left it (migrations before 0009). */
  async function previousVersion(): Promise<{ database: TestDatabase; admin: pg.Client }> {
    const database = await createDatabase('C');
    databases.push(database);
    await migrate(database.adminUrl, TEST_APP_PASSWORD, { logger, before: '0009' });
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    return { database, admin };
  }

  const insertOrganization = async (admin: pg.Client, name: string): Promise<string> =>
    (await admin.query<{ id: string }>('INSERT INTO organizations (name) VALUES ($1) RETURNING id', [name])).rows[0]!
      .id;

  it('recomputes every key with the service function, so the upgraded data is found by any case', async () => {
    const { database, admin } = await previousVersion();
    let organizationId: string;
    try {
      organizationId = await insertOrganization(admin, 'Zürich Logistik');
      const hash = await new Passwords(4).hash(PASSWORD);
      await admin.query(
        `INSERT INTO users (organization_id, email, display_name, password_hash) VALUES ($1, 'admin@zurich.test', 'Admin', $2)`,
        [organizationId, hash],
      );
      await admin.query(
        `INSERT INTO suppliers (organization_id, name) VALUES ($1, 'ΟΔΥΣΣΕΥΣ Shipping'), ($1, 'Acme')`,
        [organizationId],
      );
      await admin.query(
        `INSERT INTO products (organization_id, sku, name) VALUES ($1, 'AS-1', 'Äpfel-Schäler'), ($1, 'B-1', 'Bolt')`,
        [organizationId],
      );
      const { rows } = await admin.query<{ id: string }>(
        `INSERT INTO warehouses (organization_id, code, name) VALUES ($1, 'MAIN', 'Main') RETURNING id`,
        [organizationId],
      );
      await admin.query(
        `INSERT INTO shipments (organization_id, type, carrier, tracking_number, destination_warehouse_id) VALUES ($1, 'inbound', 'ÖSTERREICHISCHE POST', 'AT-1', $2)`,
        [organizationId, rows[0]!.id],
      );
      // The old generated key, lower() under "C", left the non-ASCII capitals as they were.
      expect(
        (await admin.query(`SELECT name_key FROM suppliers WHERE name = 'ΟΔΥΣΣΕΥΣ Shipping'`)).rows[0].name_key,
      ).toBe('ΟΔΥΣΣΕΥΣ shipping');

      const result = await migrate(database.adminUrl, TEST_APP_PASSWORD, { logger });
      expect(result.applied).toContain('0009_case_insensitive_text.sql');

      const keys = await admin.query<{ text: string; key: string }>(`
        SELECT name AS text, name_key AS key FROM organizations
        UNION ALL SELECT name, name_key FROM suppliers
        UNION ALL SELECT name, name_key FROM products
        UNION ALL SELECT carrier, carrier_key FROM shipments`);
      expect(keys.rows).toHaveLength(6);
      for (const row of keys.rows) expect(row.key).toBe(caseInsensitiveKey(row.text));
    } finally {
      await admin.end();
    }

    const ts = await startTestServer({ database });
    try {
      const { response } = await loginAs(ts, 'ZÜRICH LOGISTIK', 'admin@zurich.test', PASSWORD);
      expect(response.organization?.id).toBe(organizationId);
    } finally {
      await ts.stop();
    }
  });

  it('fails with a clear message and changes nothing when names now collide', async () => {
    const { database, admin } = await previousVersion();
    try {
      // Under the "C" locale the previous version took these as two names.
      await insertOrganization(admin, 'Müller Großhandel');
      await insertOrganization(admin, 'MÜLLER Großhandel');
      await expect(migrate(database.adminUrl, TEST_APP_PASSWORD, { logger })).rejects.toThrow(
        /Migration 0009_case_insensitive_text\.sql failed: organizations: "(MÜLLER|Müller) Großhandel" and "(MÜLLER|Müller) Großhandel" must differ ignoring case, but all fold to "müller grosshandel" under Unicode case folding\. Rename one of them/,
      );
      expect(
        (await admin.query(`SELECT count(*)::int AS n FROM schema_migrations WHERE name LIKE '0009%'`)).rows[0].n,
      ).toBe(0);
      expect(
        (
          await admin.query(
            `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'organizations' AND column_name = 'name_key'`,
          )
        ).rows[0].n,
      ).toBe(0);

      // Once one is renamed, the upgrade goes through.
      await admin.query(`UPDATE organizations SET name = 'MÜLLER Großhandel Nord' WHERE name = 'MÜLLER Großhandel'`);
      expect((await migrate(database.adminUrl, TEST_APP_PASSWORD, { logger })).applied).toContain(
        '0009_case_insensitive_text.sql',
      );
    } finally {
      await admin.end();
    }
  });

  it('names the organization when two of its suppliers collide', async () => {
    const { database, admin } = await previousVersion();
    try {
      const organizationId = await insertOrganization(admin, 'Suppliers AG');
      await admin.query(
        `INSERT INTO suppliers (organization_id, name) VALUES ($1, 'Straße GmbH'), ($1, 'STRASSE GMBH')`,
        [organizationId],
      );
      await expect(migrate(database.adminUrl, TEST_APP_PASSWORD, { logger })).rejects.toThrow(
        new RegExp(
          `suppliers of organization ${organizationId}: "(Straße GmbH|STRASSE GMBH)" and "(Straße GmbH|STRASSE GMBH)" must differ ignoring case, but all fold to "strasse gmbh"`,
        ),
      );
    } finally {
      await admin.end();
    }
  });
});
