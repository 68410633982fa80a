import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, User } from '../gen/ts/imsop/identity/v1/resources.js';
import { expectError } from './support/grpc.js';
import { call, signedInOrg, userWithRoles, type SignedInOrg } from './support/identity.js';
import { startTestServer, type TestServer } from './support/server.js';

// Organization A's admin (all identity permissions) aims at every identity resource of
// organization B by its real id: each answer must be NOT_FOUND, exactly as for an id that does
// not exist, and nothing of B may change or leak into A's listings.
let ts: TestServer;
let a: SignedInOrg;
let b: SignedInOrg;
let bUser: { id: string };
let bRoleId: string;
let bKeyId: string;

beforeAll(async () => {
  ts = await startTestServer();
  [a, b] = [await signedInOrg(ts), await signedInOrg(ts)];
  bUser = await userWithRoles(ts, b, ['viewer']);
  bRoleId = (await call(ts.clients.roles, 'createRole', { name: 'b-custom', description: '', permissions: ['inventory.products:read'], requestId: '' }, b.admin)).role!.id;
  bKeyId = (await call(ts.clients.apiKeys, 'createApiKey', { name: 'b-key', roleId: bRoleId, expireTime: undefined }, b.admin)).apiKey!.id;
});
afterAll(() => ts?.stop());

describe("another organization's identity resources", () => {
  it('are NOT_FOUND for every method, indistinguishable from ids that do not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const attempts = (userId: string, roleId: string, keyId: string): [string, Promise<unknown>][] => [
      ['getUser', call(ts.clients.users, 'getUser', { id: userId }, a.admin)],
      ['updateUser', call(ts.clients.users, 'updateUser', { user: User.fromPartial({ id: userId, displayName: 'pwned' }), updateMask: ['display_name'], requestId: '' }, a.admin)],
      ['deactivateUser', call(ts.clients.users, 'deactivateUser', { id: userId, etag: '', requestId: '' }, a.admin)],
      ['reactivateUser', call(ts.clients.users, 'reactivateUser', { id: userId, etag: '', requestId: '' }, a.admin)],
      ['resetUserPassword', call(ts.clients.users, 'resetUserPassword', { id: userId, newPassword: 'taken-over-password', requestId: '' }, a.admin)],
      ['getRole', call(ts.clients.roles, 'getRole', { id: roleId }, a.admin)],
      ['updateRole', call(ts.clients.roles, 'updateRole', { role: Role.fromPartial({ id: roleId, description: 'pwned' }), updateMask: ['description'], requestId: '' }, a.admin)],
      ['deleteRole', call(ts.clients.roles, 'deleteRole', { id: roleId, etag: '', requestId: '' }, a.admin)],
      ['grantRolePermissions', call(ts.clients.roles, 'grantRolePermissions', { roleId, permissions: ['identity.users:read'], requestId: '' }, a.admin)],
      ['revokeRolePermissions', call(ts.clients.roles, 'revokeRolePermissions', { roleId, permissions: ['inventory.products:read'], requestId: '' }, a.admin)],
      ['assignUserRole (their user)', call(ts.clients.roles, 'assignUserRole', { userId, roleId: a.roleIds.viewer!, requestId: '' }, a.admin)],
      ['assignUserRole (their role)', call(ts.clients.roles, 'assignUserRole', { userId: a.adminUserId, roleId, requestId: '' }, a.admin)],
      ['unassignUserRole', call(ts.clients.roles, 'unassignUserRole', { userId, roleId: a.roleIds.viewer!, requestId: '' }, a.admin)],
      ['createApiKey (their role)', call(ts.clients.apiKeys, 'createApiKey', { name: 'x', roleId, expireTime: undefined }, a.admin)],
      ['getApiKey', call(ts.clients.apiKeys, 'getApiKey', { id: keyId }, a.admin)],
      ['revokeApiKey', call(ts.clients.apiKeys, 'revokeApiKey', { id: keyId, requestId: '' }, a.admin)],
    ];
    const theirs = await Promise.all(attempts(bUser.id, bRoleId, bKeyId).map(async ([name, p]) => [name, await expectError(p)] as const));
    const nobodys = await Promise.all(attempts(missing, missing, missing).map(async ([name, p]) => [name, await expectError(p)] as const));
    theirs.forEach(([name, e], i) => {
      expect(e.code, name).toBe(status.NOT_FOUND);
      const twin = nobodys[i]![1];
      expect({ code: e.code, reason: e.reason, message: e.message }, name).toEqual({ code: twin.code, reason: twin.reason, message: twin.message });
    });
  });

  it('never appear in listings, and were left unchanged', async () => {
    const users = await call(ts.clients.users, 'listUsers', { pageSize: 500, pageToken: '', status: 0, email: '' }, a.admin);
    expect(users.users.map((u) => u.id)).not.toContain(bUser.id);
    expect(users.users.every((u) => u.organizationId === a.organizationId)).toBe(true);
    expect((await call(ts.clients.users, 'listUsers', { pageSize: 0, pageToken: '', status: 0, email: b.adminEmail }, a.admin)).users).toEqual([]);
    const roles = await call(ts.clients.roles, 'listRoles', { pageSize: 500, pageToken: '' }, a.admin);
    expect(roles.roles.map((r) => r.id)).not.toContain(bRoleId);
    expect((await call(ts.clients.apiKeys, 'listApiKeys', { pageSize: 500, pageToken: '', showRevoked: true }, a.admin)).apiKeys).toEqual([]);
    const audit = await call(ts.clients.audit, 'listAuditEntries', { pageSize: 1000, pageToken: '', tableName: '', actorId: b.adminUserId, startTime: undefined, endTime: undefined }, a.admin);
    expect(audit.auditEntries).toEqual([]);
    expect((await call(ts.clients.organizations, 'getOrganization', {}, a.admin)).organization?.id).toBe(a.organizationId);

    // B, seen from B: untouched.
    expect((await call(ts.clients.users, 'getUser', { id: bUser.id }, b.admin)).user).toMatchObject({ displayName: expect.not.stringContaining('pwned'), status: 1 });
    expect((await call(ts.clients.roles, 'getRole', { id: bRoleId }, b.admin)).role).toMatchObject({ description: '', permissions: ['inventory.products:read'] });
    expect((await call(ts.clients.apiKeys, 'getApiKey', { id: bKeyId }, b.admin)).apiKey?.revokeTime).toBeUndefined();
  });

  it("page tokens of one organization are refused by another", async () => {
    const page = await call(ts.clients.roles, 'listRoles', { pageSize: 1, pageToken: '' }, b.admin);
    expect(page.nextPageToken).not.toBe('');
    const e = await expectError(call(ts.clients.roles, 'listRoles', { pageSize: 1, pageToken: page.nextPageToken }, a.admin));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.fieldViolations.map((v) => v.field)).toEqual(['page_token']);
  });
});
