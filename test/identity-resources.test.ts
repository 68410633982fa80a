import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Organization, OrganizationStatus, Role, User, UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { PERMISSIONS } from '../src/identity/permission-catalogue.js';
import { expectError } from './support/grpc.js';
import { call, signedInOrg, type SignedInOrg } from './support/identity.js';
import { startTestServer, type TestServer } from './support/server.js';

// The identity resources' API conventions: field masks, etags, keyset pagination bound to its
// filter, uniqueness, idempotent retries.
let ts: TestServer;
let org: SignedInOrg;

beforeAll(async () => {
  ts = await startTestServer();
  org = await signedInOrg(ts);
});
afterAll(() => ts?.stop());

const newUser = (email: string, requestId = '') =>
  call(ts.clients.users, 'createUser', { email, displayName: email.split('@')[0]!, password: 'a-fine-password-1', requestId }, org.admin);

describe('organizations', () => {
  it('updates only masked fields, checks the etag, and keeps names unique', async () => {
    const { organization } = await call(ts.clients.organizations, 'getOrganization', {}, org.admin);
    expect(organization).toMatchObject({ id: org.organizationId, settings: {}, etag: expect.any(String) });
    const { organization: updated } = await call(
      ts.clients.organizations,
      'updateOrganization',
      { organization: Organization.fromPartial({ ...organization, name: 'ignored', settings: { locale: 'de-DE', limits: { users: 10 } } }), updateMask: ['settings'], requestId: '' },
      org.admin,
    );
    expect(updated).toMatchObject({ name: org.name, settings: { locale: 'de-DE', limits: { users: 10 } } });
    expect(updated!.etag).not.toBe(organization!.etag);

    const stale = await expectError(call(ts.clients.organizations, 'updateOrganization', { organization: Organization.fromPartial({ ...organization, name: 'x' }), updateMask: ['name'], requestId: '' }, org.admin));
    expect(stale).toMatchObject({ code: status.ABORTED, reason: 'ETAG_MISMATCH' });
    const noMask = await expectError(call(ts.clients.organizations, 'updateOrganization', { organization: updated, updateMask: [], requestId: '' }, org.admin));
    expect(noMask.fieldViolations.map((v) => v.field)).toEqual(['update_mask']);
    const badPath = await expectError(call(ts.clients.organizations, 'updateOrganization', { organization: updated, updateMask: ['id'], requestId: '' }, org.admin));
    expect(badPath.code).toBe(status.INVALID_ARGUMENT);
    const badStatus = await expectError(call(ts.clients.organizations, 'updateOrganization', { organization: Organization.fromPartial({ ...updated, status: OrganizationStatus.ORGANIZATION_STATUS_UNSPECIFIED }), updateMask: ['status'], requestId: '' }, org.admin));
    expect(badStatus.fieldViolations.map((v) => v.field)).toEqual(['organization.status']);

    const other = await signedInOrg(ts);
    const taken = await expectError(call(ts.clients.organizations, 'updateOrganization', { organization: Organization.fromPartial({ name: other.name.toUpperCase() }), updateMask: ['name'], requestId: '' }, org.admin));
    expect(taken).toMatchObject({ code: status.ALREADY_EXISTS, reason: 'ORGANIZATION_NAME_TAKEN' });
  });
});

describe('users', () => {
  it('have case-insensitive unique emails and validated fields', async () => {
    const { user } = await newUser('Mixed.Case@Example.test');
    expect(user).toMatchObject({ email: 'mixed.case@example.test', status: UserStatus.USER_STATUS_ACTIVE, roleIds: [], organizationId: org.organizationId });
    const dup = await expectError(newUser('MIXED.case@example.TEST'));
    expect(dup).toMatchObject({ code: status.ALREADY_EXISTS, reason: 'EMAIL_TAKEN' });
    const bad = await expectError(call(ts.clients.users, 'createUser', { email: 'not-an-email', displayName: ' ', password: 'short', requestId: '' }, org.admin));
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['display_name', 'email', 'password']);
    expect((await expectError(call(ts.clients.users, 'getUser', { id: 'nope' }, org.admin))).fieldViolations.map((v) => v.field)).toEqual(['id']);
  });

  it('update through a field mask with etags, and refuse an email already in use', async () => {
    const { user } = await newUser('rename-me@x.test');
    const { user: renamed } = await call(ts.clients.users, 'updateUser', { user: User.fromPartial({ id: user!.id, displayName: 'Renamed', email: 'ignored@x.test', etag: user!.etag }), updateMask: ['display_name'], requestId: '' }, org.admin);
    expect(renamed).toMatchObject({ displayName: 'Renamed', email: 'rename-me@x.test' });
    const stale = await expectError(call(ts.clients.users, 'updateUser', { user: User.fromPartial({ id: user!.id, displayName: 'Again', etag: user!.etag }), updateMask: ['display_name'], requestId: '' }, org.admin));
    expect(stale).toMatchObject({ code: status.ABORTED, reason: 'ETAG_MISMATCH' });
    const clash = await expectError(call(ts.clients.users, 'updateUser', { user: User.fromPartial({ id: user!.id, email: org.adminEmail.toUpperCase() }), updateMask: ['email'], requestId: '' }, org.admin));
    expect(clash.reason).toBe('EMAIL_TAKEN');
    const staleDeactivate = await expectError(call(ts.clients.users, 'deactivateUser', { id: user!.id, etag: user!.etag, requestId: '' }, org.admin));
    expect(staleDeactivate.reason).toBe('ETAG_MISMATCH');
  });

  it('list in keyset pages, each page token bound to its filter', async () => {
    for (let i = 0; i < 7; i++) await newUser(`paged${i}@x.test`);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await call(ts.clients.users, 'listUsers', { pageSize: 3, pageToken, status: 0, email: '' }, org.admin);
      expect(page.users.length).toBeLessThanOrEqual(3);
      seen.push(...page.users.map((u) => u.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    const all = await call(ts.clients.users, 'listUsers', { pageSize: 500, pageToken: '', status: 0, email: '' }, org.admin);
    expect(seen).toEqual(all.users.map((u) => u.id));
    expect(new Set(seen).size).toBe(seen.length);

    const first = await call(ts.clients.users, 'listUsers', { pageSize: 2, pageToken: '', status: UserStatus.USER_STATUS_ACTIVE, email: '' }, org.admin);
    const mismatch = await expectError(call(ts.clients.users, 'listUsers', { pageSize: 2, pageToken: first.nextPageToken, status: 0, email: '' }, org.admin));
    expect(mismatch.fieldViolations.map((v) => v.field)).toEqual(['page_token']);
    const forged = await expectError(call(ts.clients.users, 'listUsers', { pageSize: 2, pageToken: 'garbage!', status: 0, email: '' }, org.admin));
    expect(forged.code).toBe(status.INVALID_ARGUMENT);

    const byEmail = await call(ts.clients.users, 'listUsers', { pageSize: 0, pageToken: '', status: 0, email: 'PAGED3@x.test' }, org.admin);
    expect(byEmail.users.map((u) => u.email)).toEqual(['paged3@x.test']);
    const inactive = await call(ts.clients.users, 'listUsers', { pageSize: 0, pageToken: '', status: UserStatus.USER_STATUS_INACTIVE, email: '' }, org.admin);
    expect(inactive.users.every((u) => u.status === UserStatus.USER_STATUS_INACTIVE)).toBe(true);
  });

  it('creation is idempotent per request_id; reusing it for different content is refused', async () => {
    const requestId = randomUUID();
    const a = await newUser('idem@x.test', requestId);
    const b = await newUser('idem@x.test', requestId);
    expect(b.user).toEqual(a.user);
    const other = await expectError(newUser('other@x.test', requestId));
    expect(other).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'REQUEST_ID_REUSED' });
  });
});

describe('roles and permissions', () => {
  it('list the catalogue, create, rename, grant, revoke and delete custom roles', async () => {
    const { permissions } = await call(ts.clients.roles, 'listPermissions', {}, org.admin);
    expect(permissions.map((p) => p.name)).toEqual(Object.keys(PERMISSIONS).sort());

    const { roles } = await call(ts.clients.roles, 'listRoles', { pageSize: 0, pageToken: '' }, org.admin);
    expect(roles.filter((r) => r.system).map((r) => r.name).sort()).toEqual(['admin', 'manager', 'operator', 'viewer']);

    const unknown = await expectError(call(ts.clients.roles, 'createRole', { name: 'Bad Name', description: '', permissions: ['no.such:thing'], requestId: '' }, org.admin));
    expect(unknown.fieldViolations.map((v) => v.field).sort()).toEqual(['name', 'permissions[0]']);

    const { role } = await call(ts.clients.roles, 'createRole', { name: 'clerk', description: 'Counts things', permissions: ['inventory.stock:read', 'inventory.products:read', 'inventory.stock:read'], requestId: '' }, org.admin);
    expect(role).toMatchObject({ name: 'clerk', system: false, permissions: ['inventory.products:read', 'inventory.stock:read'] });
    expect((await expectError(call(ts.clients.roles, 'createRole', { name: 'clerk', description: '', permissions: [], requestId: '' }, org.admin))).reason).toBe('ROLE_NAME_TAKEN');

    const { role: renamed } = await call(ts.clients.roles, 'updateRole', { role: Role.fromPartial({ id: role!.id, name: 'stock-clerk', etag: role!.etag }), updateMask: ['name'], requestId: '' }, org.admin);
    expect(renamed).toMatchObject({ name: 'stock-clerk', description: 'Counts things' });
    const granted = await call(ts.clients.roles, 'grantRolePermissions', { roleId: role!.id, permissions: ['inventory.stock:write'], requestId: '' }, org.admin);
    expect(granted.role?.permissions).toEqual(['inventory.products:read', 'inventory.stock:read', 'inventory.stock:write']);
    const revoked = await call(ts.clients.roles, 'revokeRolePermissions', { roleId: role!.id, permissions: ['inventory.products:read', 'inventory.stock:read'], requestId: '' }, org.admin);
    expect(revoked.role?.permissions).toEqual(['inventory.stock:write']);
    const stale = await expectError(call(ts.clients.roles, 'deleteRole', { id: role!.id, etag: role!.etag, requestId: '' }, org.admin));
    expect(stale.reason).toBe('ETAG_MISMATCH');
    await call(ts.clients.roles, 'deleteRole', { id: role!.id, etag: renamed!.etag, requestId: '' }, org.admin);
    expect((await expectError(call(ts.clients.roles, 'getRole', { id: role!.id }, org.admin))).reason).toBe('ROLE_NOT_FOUND');
  });
});
