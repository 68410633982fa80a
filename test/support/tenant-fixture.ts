import { serverTest } from './server-fixture.js';
import { signedInTenant } from './tenant.js';

/**
 * On top of `server`, once per file:
 * - `org`: an organization with its admin signed in (see {@link signedInTenant});
 * - `imsop`: the admin's SDK client (`org.imsop`);
 * - `anonymous`: an SDK client without a credential.
 */
export const tenantTest = serverTest
  .extend('org', { scope: 'file' }, async ({ server }) => signedInTenant(server))
  .extend('imsop', { scope: 'file' }, async ({ org }) => org.imsop)
  .extend('anonymous', { scope: 'file' }, async ({ server }) => server.connect());

export const it = tenantTest;
