import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError } from './support/grpc.js';
import { call, signedInOrg, userWithRoles, type SignedInOrg } from './support/identity.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';

// Two server instances sharing one database and one Redis, as in production behind a load
// balancer. A credential is used on instance B (so B has the principal cached), revoked through
// instance A, and must fail on B at once: the shared principal cache is invalidated, not
// waited out.
describe.runIf(redisAvailable)('revocation across two instances sharing Redis', () => {
  let first: TestServer;
  let second: TestServer;
  let org: SignedInOrg;

  beforeAll(async () => {
    first = await startTestServer({ redis: true });
    second = await startTestServer({ database: first.database, redis: true });
    org = await signedInOrg(first);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  const whoAmIOn = (ts: TestServer, md: ReturnType<typeof bearer>) => call(ts.clients.auth, 'whoAmI', {}, md);
  const listUsersOn = (ts: TestServer, md: ReturnType<typeof bearer>) => call(ts.clients.users, 'listUsers', { pageSize: 1, pageToken: '', status: 0, email: '' }, md);

  it('logout on one instance ends the token on the other', async () => {
    const user = await userWithRoles(first, org, ['viewer']);
    expect((await whoAmIOn(second, user.metadata)).user?.id).toBe(user.id);
    await call(first.clients.auth, 'logout', {}, user.metadata);
    expect((await expectError(whoAmIOn(second, user.metadata))).reason).toBe('INVALID_TOKEN');
  });

  it('deactivation and password change on one instance end sessions on the other', async () => {
    const a = await userWithRoles(first, org, ['viewer']);
    await whoAmIOn(second, a.metadata);
    await call(first.clients.users, 'deactivateUser', { id: a.id, etag: '', requestId: '' }, org.admin);
    expect((await expectError(whoAmIOn(second, a.metadata))).code).toBe(status.UNAUTHENTICATED);

    const b = await userWithRoles(first, org, ['viewer']);
    await whoAmIOn(second, b.metadata);
    await call(first.clients.auth, 'changePassword', { currentPassword: b.password, newPassword: 'changed-on-first-1' }, b.metadata);
    expect((await expectError(whoAmIOn(second, b.metadata))).code).toBe(status.UNAUTHENTICATED);
  });

  it('role removal and permission revocation on one instance apply on the other at once', async () => {
    const { role } = await call(first.clients.roles, 'createRole', { name: 'user-readers', description: '', permissions: ['identity.users:read'], requestId: '' }, org.admin);
    const user = await userWithRoles(first, org, []);
    await call(first.clients.roles, 'assignUserRole', { userId: user.id, roleId: role!.id, requestId: '' }, org.admin);
    await listUsersOn(second, user.metadata); // cached on the shared cache, with the permission
    await call(first.clients.roles, 'unassignUserRole', { userId: user.id, roleId: role!.id, requestId: '' }, org.admin);
    expect((await expectError(listUsersOn(second, user.metadata))).metadata.permission).toBe('identity.users:read');

    await call(first.clients.roles, 'assignUserRole', { userId: user.id, roleId: role!.id, requestId: '' }, org.admin);
    await listUsersOn(second, user.metadata);
    await call(first.clients.roles, 'revokeRolePermissions', { roleId: role!.id, permissions: ['identity.users:read'], requestId: '' }, org.admin);
    expect((await expectError(listUsersOn(second, user.metadata))).code).toBe(status.PERMISSION_DENIED);
  });

  it('API key revocation on one instance applies on the other at once', async () => {
    const { apiKey, secret } = await call(first.clients.apiKeys, 'createApiKey', { name: 'svc', roleId: org.roleIds.viewer!, expireTime: undefined }, org.admin);
    await whoAmIOn(second, bearer(secret));
    await call(first.clients.apiKeys, 'revokeApiKey', { id: apiKey!.id, requestId: '' }, org.admin);
    expect((await expectError(whoAmIOn(second, bearer(secret)))).reason).toBe('INVALID_TOKEN');
  });
});
