import { describe, expect } from 'vitest';
import { Role, User } from '../gen/ts/imsop/identity/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { serverTest } from './support/server-fixture.js';
import { signedInTenant, userWithRoles } from './support/tenant.js';

// Organization A's admin (all identity permissions) aims at every identity resource of
// organization B by its real id: each answer must be NOT_FOUND, exactly as for an id that does
// not exist, and nothing of B may change or leak into A's listings.
// `tenants`: A, and B with a user, a custom role and an API key, once for the file.
const it = serverTest.extend('tenants', { scope: 'file' }, async ({ server }) => {
  const [a, b] = [await signedInTenant(server), await signedInTenant(server)];
  const bUser = await userWithRoles(server, b, ['viewer']);
  const bRoleId = (
    await b.imsop.roles.createRole({ name: 'b-custom', description: '', permissions: ['inventory.products:read'] })
  ).role!.id;
  const bKeyId = (await b.imsop.apiKeys.createApiKey({ name: 'b-key', roleId: bRoleId, expireTime: undefined })).apiKey!
    .id;
  return { a, b, bUser, bRoleId, bKeyId };
});

describe("another organization's identity resources", () => {
  it('are NOT_FOUND for every method, indistinguishable from ids that do not exist', async ({ tenants }) => {
    const { a, bUser, bRoleId, bKeyId } = tenants;
    const missing = '00000000-0000-4000-8000-000000000000';
    const attempts = (userId: string, roleId: string, keyId: string): [string, Promise<unknown>][] => [
      ['getUser', a.imsop.users.getUser({ id: userId })],
      [
        'updateUser',
        a.imsop.users.updateUser({
          user: User.fromPartial({ id: userId, displayName: 'pwned' }),
          updateMask: ['display_name'],
        }),
      ],
      ['deactivateUser', a.imsop.users.deactivateUser({ id: userId })],
      ['reactivateUser', a.imsop.users.reactivateUser({ id: userId })],
      ['resetUserPassword', a.imsop.users.resetUserPassword({ id: userId, newPassword: 'taken-over-password' })],
      ['getRole', a.imsop.roles.getRole({ id: roleId })],
      [
        'updateRole',
        a.imsop.roles.updateRole({
          role: Role.fromPartial({ id: roleId, description: 'pwned' }),
          updateMask: ['description'],
        }),
      ],
      ['deleteRole', a.imsop.roles.deleteRole({ id: roleId })],
      ['grantRolePermissions', a.imsop.roles.grantRolePermissions({ roleId, permissions: ['identity.users:read'] })],
      [
        'revokeRolePermissions',
        a.imsop.roles.revokeRolePermissions({ roleId, permissions: ['inventory.products:read'] }),
      ],
      ['assignUserRole (their user)', a.imsop.roles.assignUserRole({ userId, roleId: a.roleIds.viewer! })],
      ['assignUserRole (their role)', a.imsop.roles.assignUserRole({ userId: a.adminUserId, roleId })],
      ['unassignUserRole', a.imsop.roles.unassignUserRole({ userId, roleId: a.roleIds.viewer! })],
      ['createApiKey (their role)', a.imsop.apiKeys.createApiKey({ name: 'x', roleId, expireTime: undefined })],
      ['getApiKey', a.imsop.apiKeys.getApiKey({ id: keyId })],
      ['revokeApiKey', a.imsop.apiKeys.revokeApiKey({ id: keyId })],
    ];
    const theirs = await Promise.all(
      attempts(bUser.id, bRoleId, bKeyId).map(async ([name, p]) => [name, await expectError(p)] as const),
    );
    const nobodys = await Promise.all(
      attempts(missing, missing, missing).map(async ([name, p]) => [name, await expectError(p)] as const),
    );
    theirs.forEach(([name, e], i) => {
      expect(e.code, name).toBe(Status.NOT_FOUND);
      const twin = nobodys[i]![1];
      expect({ code: e.code, reason: e.reason, message: e.message }, name).toEqual({
        code: twin.code,
        reason: twin.reason,
        message: twin.message,
      });
    });
  });

  it('never appear in listings, and were left unchanged', async ({ tenants }) => {
    const { a, b, bUser, bRoleId, bKeyId } = tenants;
    const users = await a.imsop.users.listUsers({ pageSize: 500, pageToken: '', status: 0, email: '' });
    expect(users.users.map((u) => u.id)).not.toContain(bUser.id);
    expect(users.users.every((u) => u.organizationId === a.organizationId)).toBe(true);
    expect(
      (await a.imsop.users.listUsers({ pageSize: 0, pageToken: '', status: 0, email: b.adminEmail })).users,
    ).toEqual([]);
    const roles = await a.imsop.roles.listRoles({ pageSize: 500, pageToken: '' });
    expect(roles.roles.map((r) => r.id)).not.toContain(bRoleId);
    expect((await a.imsop.apiKeys.listApiKeys({ pageSize: 500, pageToken: '', showRevoked: true })).apiKeys).toEqual(
      [],
    );
    const audit = await a.imsop.audit.listAuditEntries({
      pageSize: 1000,
      pageToken: '',
      tableName: '',
      actorId: b.adminUserId,
      startTime: undefined,
      endTime: undefined,
    });
    expect(audit.auditEntries).toEqual([]);
    expect((await a.imsop.organizations.getOrganization({})).organization?.id).toBe(a.organizationId);

    // B, seen from B: untouched.
    expect((await b.imsop.users.getUser({ id: bUser.id })).user).toMatchObject({
      displayName: expect.not.stringContaining('pwned'),
      status: 1,
    });
    expect((await b.imsop.roles.getRole({ id: bRoleId })).role).toMatchObject({
      description: '',
      permissions: ['inventory.products:read'],
    });
    expect((await b.imsop.apiKeys.getApiKey({ id: bKeyId })).apiKey?.revokeTime).toBeUndefined();
  });

  it('page tokens of one organization are refused by another', async ({ tenants }) => {
    const { a, b } = tenants;
    const page = await b.imsop.roles.listRoles({ pageSize: 1, pageToken: '' });
    expect(page.nextPageToken).not.toBe('');
    const e = await expectError(a.imsop.roles.listRoles({ pageSize: 1, pageToken: page.nextPageToken }));
    expect(e.code).toBe(Status.INVALID_ARGUMENT);
    expect(e.fieldViolations.map((v) => v.field)).toEqual(['page_token']);
  });
});
