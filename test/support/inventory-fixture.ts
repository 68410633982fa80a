import { expect } from 'vitest';
import { unbalancedLevels } from './inventory.js';
import { serverTest } from './server-fixture.js';
import type { TestServer } from './server.js';
import { signedInTenant, type Tenant } from './tenant.js';

/** A tenant whose stock books must balance once the file is done, whatever its tests did. */
async function balancedTenant(server: TestServer, onCleanup: (cleanup: () => Promise<void>) => void): Promise<Tenant> {
  const tenant = await signedInTenant(server);
  onCleanup(async () => expect(await unbalancedLevels(server, tenant.organizationId)).toEqual([]));
  return tenant;
}

/**
 * On top of `server`, once per file: `a` and `b`, two organizations with their admins signed in.
 * After the file's last test, each one's ledger must agree with its stock levels.
 */
export const inventoryTest = serverTest
  .extend('a', { scope: 'file' }, async ({ server }, { onCleanup }) => balancedTenant(server, onCleanup))
  .extend('b', { scope: 'file' }, async ({ server }, { onCleanup }) => balancedTenant(server, onCleanup));
