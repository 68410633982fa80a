import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

// Two server instances sharing one database and one Redis, as in production behind a load
// balancer. A credential is used on instance B (so B has the principal cached), revoked through
// instance A, and must fail on B at once: the shared principal cache is invalidated, not
// waited out.
describe.runIf(redisAvailable)('revocation across two instances sharing Redis', () => {
  let first: TestServer;
  let second: TestServer;
  let org: Tenant;

  beforeAll(async () => {
    first = await startTestServer({ redis: true });
    second = await startTestServer({ database: first.database, redis: true });
    org = await signedInTenant(first);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  // Each call on a fresh client of that instance, bearing the credential.
  const whoAmIOn = (ts: TestServer, credential: string) => ts.connect(credential).auth.whoAmI({});
  const listUsersOn = (ts: TestServer, credential: string) => ts.connect(credential).users.listUsers({ pageSize: 1 });

  it('logout on one instance ends the token on the other', async () => {
    const user = await userWithRoles(first, org, ['viewer']);
    expect((await whoAmIOn(second, user.token)).user?.id).toBe(user.id);
    await user.imsop.auth.logout({});
    expect((await expectError(whoAmIOn(second, user.token))).reason).toBe('INVALID_TOKEN');
  });

  it('deactivation and password change on one instance end sessions on the other', async () => {
    const a = await userWithRoles(first, org, ['viewer']);
    await whoAmIOn(second, a.token);
    await org.imsop.users.deactivateUser({ id: a.id, etag: '', requestId: '' });
    expect((await expectError(whoAmIOn(second, a.token))).code).toBe(Status.UNAUTHENTICATED);

    const b = await userWithRoles(first, org, ['viewer']);
    await whoAmIOn(second, b.token);
    await b.imsop.auth.changePassword({ currentPassword: b.password, newPassword: 'changed-on-first-1' });
    expect((await expectError(whoAmIOn(second, b.token))).code).toBe(Status.UNAUTHENTICATED);
  });

  it('role removal and permission revocation on one instance apply on the other at once', async () => {
    const { role } = await org.imsop.roles.createRole({
      name: 'user-readers',
      description: '',
      permissions: ['identity.users:read'],
      requestId: '',
    });
    const user = await userWithRoles(first, org, []);
    await org.imsop.roles.assignUserRole({ userId: user.id, roleId: role!.id, requestId: '' });
    await listUsersOn(second, user.token); // cached on the shared cache, with the permission
    await org.imsop.roles.unassignUserRole({ userId: user.id, roleId: role!.id, requestId: '' });
    expect((await expectError(listUsersOn(second, user.token))).metadata.permission).toBe('identity.users:read');

    await org.imsop.roles.assignUserRole({ userId: user.id, roleId: role!.id, requestId: '' });
    await listUsersOn(second, user.token);
    await org.imsop.roles.revokeRolePermissions({
      roleId: role!.id,
      permissions: ['identity.users:read'],
      requestId: '',
    });
    expect((await expectError(listUsersOn(second, user.token))).code).toBe(Status.PERMISSION_DENIED);
  });

  it('API key revocation on one instance applies on the other at once', async () => {
    const { apiKey, secret } = await org.imsop.apiKeys.createApiKey({
      name: 'svc',
      roleId: org.roleIds.viewer!,
      expireTime: undefined,
    });
    await whoAmIOn(second, secret);
    await org.imsop.apiKeys.revokeApiKey({ id: apiKey!.id, requestId: '' });
    expect((await expectError(whoAmIOn(second, secret))).reason).toBe('INVALID_TOKEN');
  });
});
