import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectError } from './support/grpc.js';
import { call, signedInOrg, userWithRoles, type SignedInOrg } from './support/identity.js';
import { startTestServer, type TestServer } from './support/server.js';

// Authorization as callers see it: missing credentials, missing permissions (with the
// permission named), no escalation, and permission changes applying at once.
let ts: TestServer;
let org: SignedInOrg;

beforeAll(async () => {
  ts = await startTestServer();
  org = await signedInOrg(ts);
});
afterAll(() => ts?.stop());

const noPage = { pageSize: 0, pageToken: '' };

describe('calls without credentials', () => {
  it('are UNAUTHENTICATED on every identity service but Login', async () => {
    const attempts = [
      call(ts.clients.organizations, 'getOrganization', {}),
      call(ts.clients.users, 'listUsers', { ...noPage, status: 0, email: '' }),
      call(ts.clients.roles, 'listRoles', noPage),
      call(ts.clients.apiKeys, 'listApiKeys', { ...noPage, showRevoked: false }),
      call(ts.clients.audit, 'listAuditEntries', { ...noPage, tableName: '', actorId: '', startTime: undefined, endTime: undefined }),
      call(ts.clients.auth, 'changePassword', { currentPassword: 'x', newPassword: 'y' }),
    ];
    for (const e of await Promise.all(attempts.map(expectError))) expect(e).toMatchObject({ code: status.UNAUTHENTICATED, reason: 'MISSING_CREDENTIALS' });
  });
});

describe('a viewer', () => {
  it('can read what viewers may read but cannot write: PERMISSION_DENIED with ErrorInfo naming the permission', async () => {
    const viewer = await userWithRoles(ts, org, ['viewer']);
    const me = await call(ts.clients.auth, 'whoAmI', {}, viewer.metadata);
    expect(me.roles).toEqual(['viewer']);
    expect(me.permissions.every((p) => p.endsWith(':read'))).toBe(true);
    const { organization } = await call(ts.clients.organizations, 'getOrganization', {}, viewer.metadata);

    const writes: [Promise<unknown>, string][] = [
      [call(ts.clients.organizations, 'updateOrganization', { organization: { ...organization!, name: 'hijacked' }, updateMask: ['name'], requestId: '' }, viewer.metadata), 'identity.organizations:write'],
      [call(ts.clients.users, 'createUser', { email: 'new@x.test', displayName: 'New', password: 'long-enough-password', requestId: '' }, viewer.metadata), 'identity.users:write'],
      [call(ts.clients.users, 'deactivateUser', { id: org.adminUserId, etag: '', requestId: '' }, viewer.metadata), 'identity.users:write'],
      [call(ts.clients.roles, 'createRole', { name: 'mine', description: '', permissions: [], requestId: '' }, viewer.metadata), 'identity.roles:write'],
      [call(ts.clients.roles, 'assignUserRole', { userId: viewer.id, roleId: org.roleIds.admin!, requestId: '' }, viewer.metadata), 'identity.roles:write'],
      [call(ts.clients.apiKeys, 'createApiKey', { name: 'k', roleId: org.roleIds.viewer!, expireTime: undefined }, viewer.metadata), 'identity.api_keys:write'],
      [call(ts.clients.users, 'listUsers', { ...noPage, status: 0, email: '' }, viewer.metadata), 'identity.users:read'],
      [call(ts.clients.audit, 'listAuditEntries', { ...noPage, tableName: '', actorId: '', startTime: undefined, endTime: undefined }, viewer.metadata), 'identity.audit:read'],
    ];
    for (const [attempt, permission] of writes) {
      const e = await expectError(attempt);
      expect(e.code, permission).toBe(status.PERMISSION_DENIED);
      expect(e.errorInfoCount).toBe(1);
      expect(e.reason).toBe('PERMISSION_DENIED');
      expect(e.metadata.permission).toBe(permission);
    }
    // Nothing changed.
    expect((await call(ts.clients.organizations, 'getOrganization', {}, org.admin)).organization?.name).toBe(org.name);
  });
});

describe('no escalation', () => {
  it('a role manager cannot grant or assign permissions they do not hold', async () => {
    const { role } = await call(ts.clients.roles, 'createRole', { name: 'role-manager', description: 'manages roles', permissions: ['identity.roles:read', 'identity.roles:write', 'identity.users:read'], requestId: '' }, org.admin);
    const manager = await userWithRoles(ts, org, []);
    await call(ts.clients.roles, 'assignUserRole', { userId: manager.id, roleId: role!.id, requestId: '' }, org.admin);

    const grant = await expectError(call(ts.clients.roles, 'grantRolePermissions', { roleId: role!.id, permissions: ['identity.users:write'], requestId: '' }, manager.metadata));
    expect(grant).toMatchObject({ code: status.PERMISSION_DENIED, metadata: expect.objectContaining({ permission: 'identity.users:write' }) });
    const assign = await expectError(call(ts.clients.roles, 'assignUserRole', { userId: manager.id, roleId: org.roleIds.admin!, requestId: '' }, manager.metadata));
    expect(assign.code).toBe(status.PERMISSION_DENIED);
    const create = await expectError(call(ts.clients.roles, 'createRole', { name: 'sneaky', description: '', permissions: ['identity.audit:read'], requestId: '' }, manager.metadata));
    expect(create.metadata.permission).toBe('identity.audit:read');
    // What they do hold they may hand out.
    const ok = await call(ts.clients.roles, 'createRole', { name: 'reader', description: '', permissions: ['identity.users:read'], requestId: '' }, manager.metadata);
    expect(ok.role?.permissions).toEqual(['identity.users:read']);
  });
});

describe('acting against more privileged users', () => {
  it('needs every permission they hold: a helpdesk can reset a viewer, not an admin', async () => {
    const { role: viewerRole } = await call(ts.clients.roles, 'getRole', { id: org.roleIds.viewer! }, org.admin);
    const { role: helpdeskRole } = await call(
      ts.clients.roles,
      'createRole',
      { name: 'helpdesk', description: '', permissions: [...viewerRole!.permissions, 'identity.users:read', 'identity.users:write', 'identity.roles:write'], requestId: '' },
      org.admin,
    );
    const helpdesk = await userWithRoles(ts, org, []);
    await call(ts.clients.roles, 'assignUserRole', { userId: helpdesk.id, roleId: helpdeskRole!.id, requestId: '' }, org.admin);
    const viewer = await userWithRoles(ts, org, ['viewer']);

    await call(ts.clients.users, 'resetUserPassword', { id: viewer.id, newPassword: 'helpdesk-chosen-1', requestId: '' }, helpdesk.metadata);
    const attempts = [
      call(ts.clients.users, 'resetUserPassword', { id: org.adminUserId, newPassword: 'taken-over-admin-1', requestId: '' }, helpdesk.metadata),
      call(ts.clients.users, 'deactivateUser', { id: org.adminUserId, etag: '', requestId: '' }, helpdesk.metadata),
      call(ts.clients.roles, 'unassignUserRole', { userId: org.adminUserId, roleId: org.roleIds.admin!, requestId: '' }, helpdesk.metadata),
    ];
    for (const e of await Promise.all(attempts.map(expectError))) {
      expect(e.code).toBe(status.PERMISSION_DENIED);
      expect(e.metadata.permission).toMatch(/^[a-z_.]+:[a-z_]+$/);
    }
    // The admin is untouched.
    expect((await call(ts.clients.auth, 'whoAmI', {}, org.admin)).roles).toEqual(['admin']);
  });
});

describe('permission changes', () => {
  it('take effect on the next call, even with the principal cached', async () => {
    const { role } = await call(ts.clients.roles, 'createRole', { name: 'auditor', description: '', permissions: [], requestId: '' }, org.admin);
    const user = await userWithRoles(ts, org, []);
    await call(ts.clients.roles, 'assignUserRole', { userId: user.id, roleId: role!.id, requestId: '' }, org.admin);
    const list = () => call(ts.clients.audit, 'listAuditEntries', { pageSize: 1, pageToken: '', tableName: '', actorId: '', startTime: undefined, endTime: undefined }, user.metadata);
    expect((await expectError(list())).code).toBe(status.PERMISSION_DENIED); // cached now

    await call(ts.clients.roles, 'grantRolePermissions', { roleId: role!.id, permissions: ['identity.audit:read'], requestId: '' }, org.admin);
    expect((await list()).auditEntries).toHaveLength(1);
    await call(ts.clients.roles, 'revokeRolePermissions', { roleId: role!.id, permissions: ['identity.audit:read'], requestId: '' }, org.admin);
    expect((await expectError(list())).code).toBe(status.PERMISSION_DENIED);

    await call(ts.clients.roles, 'grantRolePermissions', { roleId: role!.id, permissions: ['identity.audit:read'], requestId: '' }, org.admin);
    expect((await list()).auditEntries).toHaveLength(1);
    await call(ts.clients.roles, 'unassignUserRole', { userId: user.id, roleId: role!.id, requestId: '' }, org.admin);
    expect((await expectError(list())).code).toBe(status.PERMISSION_DENIED);

    await call(ts.clients.roles, 'assignUserRole', { userId: user.id, roleId: role!.id, requestId: '' }, org.admin);
    expect((await list()).auditEntries).toHaveLength(1);
    await call(ts.clients.roles, 'deleteRole', { id: role!.id, etag: '', requestId: '' }, org.admin);
    expect((await expectError(list())).code).toBe(status.PERMISSION_DENIED);
    expect((await call(ts.clients.users, 'getUser', { id: user.id }, org.admin)).user?.roleIds).toEqual([]);
  });
});

describe('guards', () => {
  it('system roles cannot be changed or deleted', async () => {
    const { role: viewer } = await call(ts.clients.roles, 'getRole', { id: org.roleIds.viewer! }, org.admin);
    expect(viewer?.system).toBe(true);
    const attempts = [
      call(ts.clients.roles, 'updateRole', { role: { ...viewer!, description: 'x' }, updateMask: ['description'], requestId: '' }, org.admin),
      call(ts.clients.roles, 'deleteRole', { id: viewer!.id, etag: '', requestId: '' }, org.admin),
      call(ts.clients.roles, 'grantRolePermissions', { roleId: viewer!.id, permissions: ['identity.users:write'], requestId: '' }, org.admin),
      call(ts.clients.roles, 'revokeRolePermissions', { roleId: viewer!.id, permissions: ['inventory.products:read'], requestId: '' }, org.admin),
    ];
    for (const e of await Promise.all(attempts.map(expectError))) expect(e).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'SYSTEM_ROLE_IMMUTABLE' });
  });

  it('the last active admin cannot be deactivated or lose admin, and nobody deactivates themselves', async () => {
    const o = await signedInOrg(ts);
    const self = await expectError(call(ts.clients.users, 'deactivateUser', { id: o.adminUserId, etag: '', requestId: '' }, o.admin));
    expect(self.reason).toBe('CANNOT_DEACTIVATE_SELF');
    const last = await expectError(call(ts.clients.roles, 'unassignUserRole', { userId: o.adminUserId, roleId: o.roleIds.admin!, requestId: '' }, o.admin));
    expect(last).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'LAST_ADMIN' });

    const second = await userWithRoles(ts, o, ['admin']);
    await call(ts.clients.roles, 'unassignUserRole', { userId: o.adminUserId, roleId: o.roleIds.admin!, requestId: '' }, second.metadata);
    const nowLast = await expectError(call(ts.clients.users, 'deactivateUser', { id: second.id, etag: '', requestId: '' }, bearer(second.token)));
    expect(nowLast.reason).toBe('CANNOT_DEACTIVATE_SELF');
  });

  it('roles scoped by unrevoked API keys cannot be deleted', async () => {
    const { role } = await call(ts.clients.roles, 'createRole', { name: 'integration', description: '', permissions: ['inventory.products:read'], requestId: '' }, org.admin);
    const { apiKey } = await call(ts.clients.apiKeys, 'createApiKey', { name: 'svc', roleId: role!.id, expireTime: undefined }, org.admin);
    const e = await expectError(call(ts.clients.roles, 'deleteRole', { id: role!.id, etag: '', requestId: '' }, org.admin));
    expect(e).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'ROLE_IN_USE' });
    await call(ts.clients.apiKeys, 'revokeApiKey', { id: apiKey!.id, requestId: '' }, org.admin);
    await call(ts.clients.roles, 'deleteRole', { id: role!.id, etag: '', requestId: '' }, org.admin);
    expect((await call(ts.clients.apiKeys, 'getApiKey', { id: apiKey!.id }, org.admin)).apiKey?.roleId).toBe('');
  });
});
