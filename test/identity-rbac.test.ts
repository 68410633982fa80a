import { describe, expect } from 'vitest';
import { errorInfoCount, expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { it } from './support/tenant-fixture.js';
import { signedInTenant, userWithRoles } from './support/tenant.js';

// Authorization as callers see it: missing credentials, missing permissions (with the
// permission named), no escalation, and permission changes applying at once.

const noPage = { pageSize: 0, pageToken: '' };

describe('calls without credentials', () => {
  it('are UNAUTHENTICATED on every identity service but Login', async ({ anonymous }) => {
    const attempts = [
      anonymous.organizations.getOrganization({}),
      anonymous.users.listUsers({ ...noPage, status: 0, email: '' }),
      anonymous.roles.listRoles(noPage),
      anonymous.apiKeys.listApiKeys({ ...noPage, showRevoked: false }),
      anonymous.audit.listAuditEntries({
        ...noPage,
        tableName: '',
        actorId: '',
        startTime: undefined,
        endTime: undefined,
      }),
      anonymous.auth.changePassword({ currentPassword: 'x', newPassword: 'y' }),
    ];
    for (const e of await Promise.all(attempts.map(expectError)))
      expect(e).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'MISSING_CREDENTIALS' });
  });
});

describe('a viewer', () => {
  it('can read what viewers may read but cannot write: PERMISSION_DENIED with ErrorInfo naming the permission', async ({
    server,
    org,
    imsop,
  }) => {
    const viewer = await userWithRoles(server, org, ['viewer']);
    const me = await viewer.imsop.auth.whoAmI({});
    expect(me.roles).toEqual(['viewer']);
    expect(me.permissions.every((p) => p.endsWith(':read'))).toBe(true);
    const { organization } = await viewer.imsop.organizations.getOrganization({});

    const writes: [Promise<unknown>, string][] = [
      [
        viewer.imsop.organizations.updateOrganization({
          organization: { ...organization!, name: 'hijacked' },
          updateMask: ['name'],
        }),
        'identity.organizations:write',
      ],
      [
        viewer.imsop.users.createUser({ email: 'new@x.test', displayName: 'New', password: 'long-enough-password' }),
        'identity.users:write',
      ],
      [viewer.imsop.users.deactivateUser({ id: org.adminUserId }), 'identity.users:write'],
      [viewer.imsop.roles.createRole({ name: 'mine', description: '', permissions: [] }), 'identity.roles:write'],
      [viewer.imsop.roles.assignUserRole({ userId: viewer.id, roleId: org.roleIds.admin! }), 'identity.roles:write'],
      [
        viewer.imsop.apiKeys.createApiKey({ name: 'k', roleId: org.roleIds.viewer!, expireTime: undefined }),
        'identity.api_keys:write',
      ],
      [viewer.imsop.users.listUsers({ ...noPage, status: 0, email: '' }), 'identity.users:read'],
      [
        viewer.imsop.audit.listAuditEntries({
          ...noPage,
          tableName: '',
          actorId: '',
          startTime: undefined,
          endTime: undefined,
        }),
        'identity.audit:read',
      ],
    ];
    for (const [attempt, permission] of writes) {
      const e = await expectError(attempt);
      expect(e.code, permission).toBe(Status.PERMISSION_DENIED);
      expect(errorInfoCount(e)).toBe(1);
      expect(e.reason).toBe('PERMISSION_DENIED');
      expect(e.metadata.permission).toBe(permission);
    }
    // Nothing changed.
    expect((await imsop.organizations.getOrganization({})).organization?.name).toBe(org.name);
  });
});

describe('no escalation', () => {
  it('a role manager cannot grant or assign permissions they do not hold', async ({ server, org, imsop }) => {
    const { role } = await imsop.roles.createRole({
      name: 'role-manager',
      description: 'manages roles',
      permissions: ['identity.roles:read', 'identity.roles:write', 'identity.users:read'],
    });
    const manager = await userWithRoles(server, org, []);
    await imsop.roles.assignUserRole({ userId: manager.id, roleId: role!.id });

    const grant = await expectError(
      manager.imsop.roles.grantRolePermissions({ roleId: role!.id, permissions: ['identity.users:write'] }),
    );
    expect(grant).toMatchObject({
      code: Status.PERMISSION_DENIED,
      metadata: expect.objectContaining({ permission: 'identity.users:write' }),
    });
    const assign = await expectError(
      manager.imsop.roles.assignUserRole({ userId: manager.id, roleId: org.roleIds.admin! }),
    );
    expect(assign.code).toBe(Status.PERMISSION_DENIED);
    const create = await expectError(
      manager.imsop.roles.createRole({ name: 'sneaky', description: '', permissions: ['identity.audit:read'] }),
    );
    expect(create.metadata.permission).toBe('identity.audit:read');
    // What they do hold they may hand out.
    const ok = await manager.imsop.roles.createRole({
      name: 'reader',
      description: '',
      permissions: ['identity.users:read'],
    });
    expect(ok.role?.permissions).toEqual(['identity.users:read']);
  });
});

describe('acting against more privileged users', () => {
  it('needs every permission they hold: a helpdesk can reset a viewer, not an admin', async ({
    server,
    org,
    imsop,
  }) => {
    const { role: viewerRole } = await imsop.roles.getRole({ id: org.roleIds.viewer! });
    const { role: helpdeskRole } = await imsop.roles.createRole({
      name: 'helpdesk',
      description: '',
      permissions: [...viewerRole!.permissions, 'identity.users:read', 'identity.users:write', 'identity.roles:write'],
    });
    const helpdesk = await userWithRoles(server, org, []);
    await imsop.roles.assignUserRole({ userId: helpdesk.id, roleId: helpdeskRole!.id });
    const viewer = await userWithRoles(server, org, ['viewer']);

    await helpdesk.imsop.users.resetUserPassword({ id: viewer.id, newPassword: 'helpdesk-chosen-1' });
    const attempts = [
      helpdesk.imsop.users.resetUserPassword({ id: org.adminUserId, newPassword: 'taken-over-admin-1' }),
      helpdesk.imsop.users.deactivateUser({ id: org.adminUserId }),
      helpdesk.imsop.roles.unassignUserRole({ userId: org.adminUserId, roleId: org.roleIds.admin! }),
    ];
    for (const e of await Promise.all(attempts.map(expectError))) {
      expect(e.code).toBe(Status.PERMISSION_DENIED);
      expect(e.metadata.permission).toMatch(/^[a-z_.]+:[a-z_]+$/);
    }
    // The admin is untouched.
    expect((await imsop.auth.whoAmI({})).roles).toEqual(['admin']);
  });
});

describe('permission changes', () => {
  it('take effect on the next call, even with the principal cached', async ({ server, org, imsop }) => {
    const { role } = await imsop.roles.createRole({ name: 'auditor', description: '', permissions: [] });
    const user = await userWithRoles(server, org, []);
    await imsop.roles.assignUserRole({ userId: user.id, roleId: role!.id });
    const list = () =>
      user.imsop.audit.listAuditEntries({
        pageSize: 1,
        pageToken: '',
        tableName: '',
        actorId: '',
        startTime: undefined,
        endTime: undefined,
      });
    expect((await expectError(list())).code).toBe(Status.PERMISSION_DENIED); // cached now

    await imsop.roles.grantRolePermissions({ roleId: role!.id, permissions: ['identity.audit:read'] });
    expect((await list()).auditEntries).toHaveLength(1);
    await imsop.roles.revokeRolePermissions({ roleId: role!.id, permissions: ['identity.audit:read'] });
    expect((await expectError(list())).code).toBe(Status.PERMISSION_DENIED);

    await imsop.roles.grantRolePermissions({ roleId: role!.id, permissions: ['identity.audit:read'] });
    expect((await list()).auditEntries).toHaveLength(1);
    await imsop.roles.unassignUserRole({ userId: user.id, roleId: role!.id });
    expect((await expectError(list())).code).toBe(Status.PERMISSION_DENIED);

    await imsop.roles.assignUserRole({ userId: user.id, roleId: role!.id });
    expect((await list()).auditEntries).toHaveLength(1);
    await imsop.roles.deleteRole({ id: role!.id });
    expect((await expectError(list())).code).toBe(Status.PERMISSION_DENIED);
    expect((await imsop.users.getUser({ id: user.id })).user?.roleIds).toEqual([]);
  });
});

describe('guards', () => {
  it('system roles cannot be changed or deleted', async ({ org, imsop }) => {
    const { role: viewer } = await imsop.roles.getRole({ id: org.roleIds.viewer! });
    expect(viewer?.system).toBe(true);
    const attempts = [
      imsop.roles.updateRole({ role: { ...viewer!, description: 'x' }, updateMask: ['description'] }),
      imsop.roles.deleteRole({ id: viewer!.id }),
      imsop.roles.grantRolePermissions({ roleId: viewer!.id, permissions: ['identity.users:write'] }),
      imsop.roles.revokeRolePermissions({ roleId: viewer!.id, permissions: ['inventory.products:read'] }),
    ];
    for (const e of await Promise.all(attempts.map(expectError)))
      expect(e).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'SYSTEM_ROLE_IMMUTABLE' });
  });

  it('the last active admin cannot be deactivated or lose admin, and nobody deactivates themselves', async ({
    server,
  }) => {
    const o = await signedInTenant(server);
    const self = await expectError(o.imsop.users.deactivateUser({ id: o.adminUserId }));
    expect(self.reason).toBe('CANNOT_DEACTIVATE_SELF');
    const last = await expectError(o.imsop.roles.unassignUserRole({ userId: o.adminUserId, roleId: o.roleIds.admin! }));
    expect(last).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'LAST_ADMIN' });

    const second = await userWithRoles(server, o, ['admin']);
    await second.imsop.roles.unassignUserRole({ userId: o.adminUserId, roleId: o.roleIds.admin! });
    const nowLast = await expectError(second.imsop.users.deactivateUser({ id: second.id }));
    expect(nowLast.reason).toBe('CANNOT_DEACTIVATE_SELF');
  });

  it('roles scoped by unrevoked API keys cannot be deleted', async ({ imsop }) => {
    const { role } = await imsop.roles.createRole({
      name: 'integration',
      description: '',
      permissions: ['inventory.products:read'],
    });
    const { apiKey } = await imsop.apiKeys.createApiKey({ name: 'svc', roleId: role!.id, expireTime: undefined });
    const e = await expectError(imsop.roles.deleteRole({ id: role!.id }));
    expect(e).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'ROLE_IN_USE' });
    await imsop.apiKeys.revokeApiKey({ id: apiKey!.id });
    await imsop.roles.deleteRole({ id: role!.id });
    expect((await imsop.apiKeys.getApiKey({ id: apiKey!.id })).apiKey?.roleId).toBe('');
  });
});
