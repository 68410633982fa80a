import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { Organization, OrganizationStatus, Role, User, UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { PERMISSIONS } from '../src/identity/permission-catalogue.js';
import { expectError } from './support/expect-error.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { it } from './support/tenant-fixture.js';
import { signedInTenant } from './support/tenant.js';

// The identity resources' API conventions: field masks, etags, keyset pagination bound to its
// filter, uniqueness, idempotent retries.
const newUser = (imsop: ImsopClient, email: string, requestId = '') =>
  imsop.users.createUser({ email, displayName: email.split('@')[0]!, password: 'a-fine-password-1', requestId });

describe('organizations', () => {
  it('updates only masked fields, checks the etag, and keeps names unique', async ({ server, org, imsop }) => {
    const { organization } = await imsop.organizations.getOrganization({});
    expect(organization).toMatchObject({ id: org.organizationId, settings: {}, etag: expect.any(String) });
    const { organization: updated } = await imsop.organizations.updateOrganization({
      organization: Organization.fromPartial({
        ...organization,
        name: 'ignored',
        settings: { locale: 'de-DE', limits: { users: 10 } },
      }),
      updateMask: ['settings'],
    });
    expect(updated).toMatchObject({ name: org.name, settings: { locale: 'de-DE', limits: { users: 10 } } });
    expect(updated!.etag).not.toBe(organization!.etag);

    const stale = await expectError(
      imsop.organizations.updateOrganization({
        organization: Organization.fromPartial({ ...organization, name: 'x' }),
        updateMask: ['name'],
      }),
    );
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });
    const noMask = await expectError(imsop.organizations.updateOrganization({ organization: updated, updateMask: [] }));
    expect(noMask.fieldViolations.map((v) => v.field)).toEqual(['update_mask']);
    const badPath = await expectError(
      imsop.organizations.updateOrganization({ organization: updated, updateMask: ['id'] }),
    );
    expect(badPath.code).toBe(Status.INVALID_ARGUMENT);
    const badStatus = await expectError(
      imsop.organizations.updateOrganization({
        organization: Organization.fromPartial({
          ...updated,
          status: OrganizationStatus.ORGANIZATION_STATUS_UNSPECIFIED,
        }),
        updateMask: ['status'],
      }),
    );
    expect(badStatus.fieldViolations.map((v) => v.field)).toEqual(['organization.status']);

    const other = await signedInTenant(server);
    const taken = await expectError(
      imsop.organizations.updateOrganization({
        organization: Organization.fromPartial({ name: other.name.toUpperCase() }),
        updateMask: ['name'],
      }),
    );
    expect(taken).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'ORGANIZATION_NAME_TAKEN' });
  });
});

describe('users', () => {
  it('have case-insensitive unique emails and validated fields', async ({ org, imsop }) => {
    const { user } = await newUser(imsop, 'Mixed.Case@Example.test');
    expect(user).toMatchObject({
      email: 'mixed.case@example.test',
      status: UserStatus.USER_STATUS_ACTIVE,
      roleIds: [],
      organizationId: org.organizationId,
    });
    const dup = await expectError(newUser(imsop, 'MIXED.case@example.TEST'));
    expect(dup).toMatchObject({ code: Status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN' });
    const bad = await expectError(
      imsop.users.createUser({ email: 'not-an-email', displayName: ' ', password: 'short' }),
    );
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['display_name', 'email', 'password']);
    expect((await expectError(imsop.users.getUser({ id: 'nope' }))).fieldViolations.map((v) => v.field)).toEqual([
      'id',
    ]);
  });

  it('update through a field mask with etags, and refuse an email already in use', async ({ org, imsop }) => {
    const { user } = await newUser(imsop, 'rename-me@x.test');
    const { user: renamed } = await imsop.users.updateUser({
      user: User.fromPartial({ id: user!.id, displayName: 'Renamed', email: 'ignored@x.test', etag: user!.etag }),
      updateMask: ['display_name'],
    });
    expect(renamed).toMatchObject({ displayName: 'Renamed', email: 'rename-me@x.test' });
    const stale = await expectError(
      imsop.users.updateUser({
        user: User.fromPartial({ id: user!.id, displayName: 'Again', etag: user!.etag }),
        updateMask: ['display_name'],
      }),
    );
    expect(stale).toMatchObject({ code: Status.ABORTED, reason: 'ETAG_MISMATCH' });
    const clash = await expectError(
      imsop.users.updateUser({
        user: User.fromPartial({ id: user!.id, email: org.adminEmail.toUpperCase() }),
        updateMask: ['email'],
      }),
    );
    expect(clash.reason).toBe('EMAIL_TAKEN');
    const staleDeactivate = await expectError(imsop.users.deactivateUser({ id: user!.id, etag: user!.etag }));
    expect(staleDeactivate.reason).toBe('ETAG_MISMATCH');
  });

  it('list in keyset pages, each page token bound to its filter', async ({ imsop }) => {
    for (let i = 0; i < 7; i++) await newUser(imsop, `paged${i}@x.test`);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await imsop.users.listUsers({ pageSize: 3, pageToken, status: 0, email: '' });
      expect(page.users.length).toBeLessThanOrEqual(3);
      seen.push(...page.users.map((u) => u.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    const all = await imsop.users.listUsers({ pageSize: 500, pageToken: '', status: 0, email: '' });
    expect(seen).toEqual(all.users.map((u) => u.id));
    expect(new Set(seen).size).toBe(seen.length);

    const first = await imsop.users.listUsers({
      pageSize: 2,
      pageToken: '',
      status: UserStatus.USER_STATUS_ACTIVE,
      email: '',
    });
    const mismatch = await expectError(
      imsop.users.listUsers({ pageSize: 2, pageToken: first.nextPageToken, status: 0, email: '' }),
    );
    expect(mismatch.fieldViolations.map((v) => v.field)).toEqual(['page_token']);
    const forged = await expectError(
      imsop.users.listUsers({ pageSize: 2, pageToken: 'garbage!', status: 0, email: '' }),
    );
    expect(forged.code).toBe(Status.INVALID_ARGUMENT);

    const byEmail = await imsop.users.listUsers({ pageSize: 0, pageToken: '', status: 0, email: 'PAGED3@x.test' });
    expect(byEmail.users.map((u) => u.email)).toEqual(['paged3@x.test']);
    const inactive = await imsop.users.listUsers({
      pageSize: 0,
      pageToken: '',
      status: UserStatus.USER_STATUS_INACTIVE,
      email: '',
    });
    expect(inactive.users.every((u) => u.status === UserStatus.USER_STATUS_INACTIVE)).toBe(true);
  });

  it('creation is idempotent per request_id; reusing it for different content is refused', async ({ imsop }) => {
    const requestId = randomUUID();
    const a = await newUser(imsop, 'idem@x.test', requestId);
    const b = await newUser(imsop, 'idem@x.test', requestId);
    expect(b.user).toEqual(a.user);
    const other = await expectError(newUser(imsop, 'other@x.test', requestId));
    expect(other).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'REQUEST_ID_REUSED' });
  });
});

describe('roles and permissions', () => {
  it('list the catalogue, create, rename, grant, revoke and delete custom roles', async ({ imsop }) => {
    const { permissions } = await imsop.roles.listPermissions({});
    expect(permissions.map((p) => p.name)).toEqual(Object.keys(PERMISSIONS).sort());

    const { roles } = await imsop.roles.listRoles({ pageSize: 0, pageToken: '' });
    expect(
      roles
        .filter((r) => r.system)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['admin', 'manager', 'operator', 'viewer']);

    const unknown = await expectError(
      imsop.roles.createRole({ name: 'Bad Name', description: '', permissions: ['no.such:thing'] }),
    );
    expect(unknown.fieldViolations.map((v) => v.field).sort()).toEqual(['name', 'permissions[0]']);

    const { role } = await imsop.roles.createRole({
      name: 'clerk',
      description: 'Counts things',
      permissions: ['inventory.stock:read', 'inventory.products:read', 'inventory.stock:read'],
    });
    expect(role).toMatchObject({
      name: 'clerk',
      system: false,
      permissions: ['inventory.products:read', 'inventory.stock:read'],
    });
    expect(
      (await expectError(imsop.roles.createRole({ name: 'clerk', description: '', permissions: [] }))).reason,
    ).toBe('ROLE_NAME_TAKEN');

    const { role: renamed } = await imsop.roles.updateRole({
      role: Role.fromPartial({ id: role!.id, name: 'stock-clerk', etag: role!.etag }),
      updateMask: ['name'],
    });
    expect(renamed).toMatchObject({ name: 'stock-clerk', description: 'Counts things' });
    const granted = await imsop.roles.grantRolePermissions({
      roleId: role!.id,
      permissions: ['inventory.stock:write'],
    });
    expect(granted.role?.permissions).toEqual([
      'inventory.products:read',
      'inventory.stock:read',
      'inventory.stock:write',
    ]);
    const revoked = await imsop.roles.revokeRolePermissions({
      roleId: role!.id,
      permissions: ['inventory.products:read', 'inventory.stock:read'],
    });
    expect(revoked.role?.permissions).toEqual(['inventory.stock:write']);
    const stale = await expectError(imsop.roles.deleteRole({ id: role!.id, etag: role!.etag }));
    expect(stale.reason).toBe('ETAG_MISMATCH');
    await imsop.roles.deleteRole({ id: role!.id, etag: renamed!.etag });
    expect((await expectError(imsop.roles.getRole({ id: role!.id }))).reason).toBe('ROLE_NOT_FOUND');
  });
});
