import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { Organization, User } from '../gen/ts/imsop/identity/v1/resources.js';
import { ChangeLog, correlated, mentions } from './support/change-events.js';
import { expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { it } from './support/tenant-fixture.js';
import { signedInTenant, userWithRoles } from './support/tenant.js';

// Identity's change events (docs/change-events.md): one per committed change, in its
// transaction, with the caller as actor, the call's request id and the resource after the
// change, never a secret; none for a refused call or one that changes nothing.

const PASSWORD = 'a-fine-password-1';

describe('identity change events', () => {
  it('a new organization starts its feed with itself, its system roles and its first admin', async ({ server }) => {
    const t = await signedInTenant(server);
    const roles = Object.keys(t.roleIds).length;
    const history = await ChangeLog.fromStart(t.imsop).take(roles + 2);
    expect(history.map((c) => [c.eventType, c.actorKind, c.requestId])).toEqual([
      ['organization.created', 'system', ''],
      ...Array.from({ length: roles }, () => ['role.created', 'system', '']),
      ['user.created', 'system', ''],
    ]);
    expect(history[0]).toMatchObject({
      resourceId: t.organizationId,
      resource: { id: t.organizationId, name: t.name },
    });
    expect(
      history
        .slice(1, roles + 1)
        .map((c) => c.resource.name)
        .sort(),
    ).toEqual(Object.keys(t.roleIds).sort());
    expect(history[roles + 1]).toMatchObject({
      resourceType: 'user',
      resourceId: t.adminUserId,
      resource: { email: t.adminEmail, roleIds: [t.roleIds.admin] },
    });
    expect(mentions(history, 'password')).toBe(false);
  });

  it('users: created, updated with the changed fields, deactivated once, password reset without the password', async ({
    org,
    imsop,
  }) => {
    const log = await ChangeLog.from(imsop);
    const requestId = randomUUID();
    const callId = randomUUID();
    const { user } = await imsop.users.createUser(
      { email: `events-${randomUUID()}@example.test`, displayName: 'Eve', password: PASSWORD, requestId },
      correlated(callId),
    );
    expect(await log.take(1)).toEqual([
      {
        eventType: 'user.created',
        resourceType: 'user',
        resourceId: user!.id,
        changeKind: 'created',
        changedFields: [],
        etag: user!.etag,
        actorKind: 'user',
        actorId: org.adminUserId,
        requestId: callId,
        resource: User.toJSON(user!),
      },
    ]);
    // A retry of the same request changes nothing and records nothing.
    await imsop.users.createUser({ email: user!.email, displayName: 'Eve', password: PASSWORD, requestId });
    await log.expectNone();

    const { user: renamed } = await imsop.users.updateUser({
      user: User.fromPartial({ ...user, displayName: 'Eve Adams', email: 'ignored@example.test' }),
      updateMask: ['display_name'],
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'user.updated',
        changeKind: 'updated',
        changedFields: ['display_name'],
        etag: renamed!.etag,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        resource: User.toJSON(renamed!),
      }),
    ]);

    // Refused: a stale etag; a taken email. Nothing is recorded.
    const stale = await expectError(
      imsop.users.updateUser({
        user: { ...renamed!, etag: user!.etag, displayName: 'X' },
        updateMask: ['display_name'],
      }),
    );
    expect(stale.code).toBe(Status.ABORTED);
    const taken = await expectError(
      imsop.users.createUser({ email: org.adminEmail, displayName: 'Dup', password: PASSWORD }),
    );
    expect(taken.code).toBe(Status.ALREADY_EXISTS);
    await log.expectNone();

    const { user: inactive } = await imsop.users.deactivateUser({ id: user!.id });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'user.deactivated',
        changeKind: 'event',
        changedFields: ['status'],
        resource: User.toJSON(inactive!),
      }),
    ]);
    await imsop.users.deactivateUser({ id: user!.id });
    await log.expectNone();
    const { user: active } = await imsop.users.reactivateUser({ id: user!.id });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({ eventType: 'user.reactivated', changedFields: ['status'], etag: active!.etag }),
    ]);

    const secret = 'another-fine-password-2';
    await imsop.users.resetUserPassword({ id: user!.id, newPassword: secret });
    const [reset] = await log.take(1);
    expect(reset).toMatchObject({ eventType: 'user.password_reset', changeKind: 'event', changedFields: [] });
    expect(mentions(reset, secret)).toBe(false);
    expect(mentions(reset.resource, 'password')).toBe(false);
  });

  it('roles: created, permissions granted, assigned; deleting a held role changes its holders too', async ({
    imsop,
  }) => {
    const log = await ChangeLog.from(imsop);
    const { role } = await imsop.roles.createRole({
      name: `auditors-${randomUUID().slice(0, 8)}`,
      description: 'reads',
      permissions: ['identity.users:read'],
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({ eventType: 'role.created', resourceId: role!.id, changeKind: 'created' }),
    ]);
    const { role: granted } = await imsop.roles.grantRolePermissions({
      roleId: role!.id,
      permissions: ['identity.roles:read'],
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'role.updated',
        changedFields: ['permissions'],
        resource: expect.objectContaining({ permissions: granted!.permissions }),
      }),
    ]);
    // Granting what it already has changes nothing.
    await imsop.roles.grantRolePermissions({ roleId: role!.id, permissions: ['identity.roles:read'] });
    await log.expectNone();

    const { user } = await imsop.users.createUser({
      email: `holder-${randomUUID()}@example.test`,
      displayName: 'Holder',
      password: PASSWORD,
    });
    await log.take(1);
    await imsop.roles.assignUserRole({ userId: user!.id, roleId: role!.id });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'user.updated',
        resourceId: user!.id,
        changedFields: ['role_ids'],
        resource: expect.objectContaining({ roleIds: [role!.id] }),
      }),
    ]);

    await imsop.roles.deleteRole({ id: role!.id });
    const deleted = await log.take(2);
    expect(deleted).toEqual([
      expect.objectContaining({
        eventType: 'role.deleted',
        resourceId: role!.id,
        changeKind: 'deleted',
        etag: '',
        resource: {},
      }),
      expect.objectContaining({ eventType: 'user.updated', resourceId: user!.id, changedFields: ['role_ids'] }),
    ]);
    expect(deleted[1]!.resource.roleIds).toBeUndefined();
  });

  it('API keys: created and revoked without their secret or its hint', async ({ org, imsop }) => {
    const log = await ChangeLog.from(imsop);
    const { apiKey, secret } = await imsop.apiKeys.createApiKey({ name: 'ci', roleId: org.roleIds.operator! });
    const [created] = await log.take(1);
    expect(created).toMatchObject({
      eventType: 'api_key.created',
      resourceId: apiKey!.id,
      resource: { id: apiKey!.id, name: 'ci', roleId: org.roleIds.operator },
    });
    expect(created!.resource.secretHint).toBeUndefined();
    expect(mentions(created, secret)).toBe(false);
    expect(mentions(created, secret.slice(-4))).toBe(false);

    await imsop.apiKeys.revokeApiKey({ id: apiKey!.id });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({ eventType: 'api_key.revoked', changeKind: 'event', changedFields: ['revoke_time'] }),
    ]);
    await imsop.apiKeys.revokeApiKey({ id: apiKey!.id });
    await log.expectNone();
  });

  it('the organization: updated with its changed fields', async ({ org, imsop }) => {
    const log = await ChangeLog.from(imsop);
    const { organization } = await imsop.organizations.getOrganization({});
    const { organization: updated } = await imsop.organizations.updateOrganization({
      organization: Organization.fromPartial({ ...organization, settings: { locale: 'fr-FR' } }),
      updateMask: ['settings'],
    });
    expect(await log.take(1)).toEqual([
      expect.objectContaining({
        eventType: 'organization.updated',
        resourceId: org.organizationId,
        changedFields: ['settings'],
        etag: updated!.etag,
        resource: Organization.toJSON(updated!),
      }),
    ]);
  });

  it('a subscriber sees the identity events it may read, and is refused those it names but may not read', async ({
    server,
    org,
    imsop,
  }) => {
    const viewer = await userWithRoles(server, org, ['viewer']);
    const seenByViewer = await ChangeLog.from(viewer.imsop);
    await imsop.users.createUser({
      email: `unseen-${randomUUID()}@example.test`,
      displayName: 'U',
      password: PASSWORD,
    });
    await imsop.roles.createRole({ name: `unseen-${randomUUID().slice(0, 8)}`, description: '', permissions: [] });
    const { organization } = await imsop.organizations.getOrganization({});
    await imsop.organizations.updateOrganization({
      organization: Organization.fromPartial({ ...organization, settings: { seen: true } }),
      updateMask: ['settings'],
    });
    expect((await seenByViewer.take(1)).map((c) => c.eventType)).toEqual(['organization.updated']);
    for (const resourceType of ['user', 'role', 'api_key']) {
      const denied = await expectError(
        viewer.imsop.changes.listChanges({ filter: { resourceTypes: [resourceType], eventTypes: [] } }),
      );
      expect(denied.code, resourceType).toBe(Status.PERMISSION_DENIED);
    }
  });
});
