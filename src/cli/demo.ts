import { createOrganization } from '../identity/organization-setup.js';
import type { Passwords } from '../identity/passwords.js';
import type { Database } from '../platform/db/database.js';
import { loadInventoryDemo } from '../inventory/demo-data.js';
import { AppError } from '../platform/errors.js';
import { inventoryPort } from '../adapters/procurement-inventory.js';
import { MemoryCache } from '../platform/cache/memory-cache.js';
import { loadProcurementDemo } from '../procurement/index.js';

/** The demo tenant's sign-in, printed by `imsop demo` and used in the README. */
export const DEMO = {
  organization: 'demo',
  adminEmail: 'admin@demo.example',
  adminPassword: 'demo-password-1',
} as const;

/**
 * Loads the demo tenant: organization "demo" with its system roles and an admin user. Later
 * domains add their demo data here. Idempotent: an existing demo organization is left as is.
 * @returns lines describing what exists now.
 */
export async function loadDemo(owner: Database, passwords: Passwords): Promise<string[]> {
  let created = true;
  try {
    await createOrganization(owner, passwords, {
      name: DEMO.organization,
      admin: { email: DEMO.adminEmail, displayName: 'Demo Admin', password: DEMO.adminPassword },
    });
  } catch (error) {
    if (!(error instanceof AppError && error.reason === 'ORGANIZATION_NAME_TAKEN')) throw error;
    created = false;
  }
  const inventory = await loadInventoryDemo(owner, DEMO.organization);
  return [
    created ? 'Demo tenant created.' : 'Demo tenant already present.',
    `  organization: ${DEMO.organization}`,
    `  admin:        ${DEMO.adminEmail} / ${DEMO.adminPassword}`,
    ...inventory.lines,
    // The demo moves no stock, so no cached stock read can go stale: a private cache will do.
    ...(await loadProcurementDemo(owner, inventoryPort(new MemoryCache()), DEMO.organization, inventory.productIds)),
  ];
}
