import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { describe, expect } from 'vitest';
import { Organization, User, UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { AppError } from '../src/platform/errors.js';
import { expectError } from './support/expect-error.js';
import { adminQuery } from './support/inventory.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { serverTest } from './support/server-fixture.js';
import { seedOrganization, type TestServer } from './support/server.js';
import { loginAs, signedInTenant, userWithRoles } from './support/tenant.js';

// Closes ways around the identity rules: signing in to one organization by naming it like
// another's id, acting against users who hold more than the caller, forking a session by
// refreshing one token many times at once, a tenant choosing its own subscription tier, and
// API keys outliving (or outranking) the user who made them.
const it = serverTest
  .override(
    'serverOptions',
    { scope: 'file' },
    { env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '10000' } },
  )
  .extend('anonymous', { scope: 'file' }, async ({ server }) => server.connect())
  // An organization with a help-desk role (viewer plus managing users and roles) and a user holding it.
  .extend('helpdeskOrg', { scope: 'file' }, async ({ server }) => {
    const org = await signedInTenant(server);
    const { role: viewerRole } = await org.imsop.roles.getRole({ id: org.roleIds.viewer! });
    const { role } = await org.imsop.roles.createRole({
      name: 'helpdesk',
      description: '',
      permissions: [
        ...viewerRole!.permissions,
        'identity.users:read',
        'identity.users:write',
        'identity.roles:read',
        'identity.roles:write',
      ],
    });
    const helpdesk = await userWithRoles(server, org, []);
    await org.imsop.roles.assignUserRole({ userId: helpdesk.id, roleId: role!.id });
    return { org, helpdesk, helpdeskRoleId: role!.id };
  });

const login = (anonymous: ImsopClient, organization: string, email: string, password: string) =>
  anonymous.auth.login({ organization, email, password });
const whoAmI = (client: ImsopClient) => client.auth.whoAmI({});
const getOrganization = (client: ImsopClient) => client.organizations.getOrganization({}).then((r) => r.organization!);

/** As the database superuser (no row-level security): what the service itself cannot do. */
const asSuperuser = <R extends pg.QueryResultRow>(ts: TestServer, text: string, params: unknown[] = []) =>
  adminQuery<R>(ts, text, params);

/** Ways to write one UUID that a person or PostgreSQL would read as that UUID. */
const spellingsOf = (id: string) => [
  id,
  id.toUpperCase(),
  `  ${id}  `,
  `\t${id.toUpperCase()}\n`,
  `{${id}}`,
  id.replace(/-/g, ''),
  id.replace(/-/g, '').toUpperCase(),
  `urn:uuid:${id}`,
  // Full-width digits and letters: the same UUID once Unicode compatibility forms are folded.
  id.replace(/[0-9a-f]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
];

describe('signing in by organization id', () => {
  it('an organization cannot be renamed to a UUID, in any spelling, so it can never pose as another', async ({
    server,
    anonymous,
  }) => {
    const [a, b] = [await signedInTenant(server), await signedInTenant(server)];
    for (const name of [...spellingsOf(b.organizationId), ...spellingsOf(randomUUID())]) {
      const organization = Organization.fromPartial({ ...(await getOrganization(a.imsop)), name });
      const e = await expectError(a.imsop.organizations.updateOrganization({ organization, updateMask: ['name'] }));
      expect(e.code, JSON.stringify(name)).toBe(Status.INVALID_ARGUMENT);
      expect(
        e.fieldViolations.map((v) => v.field),
        JSON.stringify(name),
      ).toEqual(['organization.name']);
      expect(e.fieldViolations[0]!.description).toMatch(/UUID/);
    }
    expect((await getOrganization(a.imsop)).name).toBe(a.name);
    // B's id still leads to B, and only B.
    for (const ref of spellingsOf(b.organizationId)) {
      expect((await login(anonymous, ref, b.adminEmail, b.adminPassword)).organization?.id, JSON.stringify(ref)).toBe(
        b.organizationId,
      );
      expect(
        (await expectError(login(anonymous, ref, a.adminEmail, a.adminPassword))).reason,
        JSON.stringify(ref),
      ).toBe('INVALID_CREDENTIALS');
    }
    // Names that merely contain a UUID are fine, and sign in by name.
    const named = `Site ${randomUUID()}`;
    const organization = Organization.fromPartial({ ...(await getOrganization(a.imsop)), name: named });
    await a.imsop.organizations.updateOrganization({ organization, updateMask: ['name'] });
    expect((await login(anonymous, ` ${named.toUpperCase()} `, a.adminEmail, a.adminPassword)).organization?.id).toBe(
      a.organizationId,
    );
  });

  it('an organization cannot be created with a UUID-like name', async ({ server }) => {
    for (const name of [randomUUID(), `{${randomUUID().toUpperCase()}}`, randomUUID().replace(/-/g, '')]) {
      const e = await seedOrganization(server, name).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e, name).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe(Status.INVALID_ARGUMENT);
      expect((e as AppError).fieldViolations.map((v) => v.field)).toEqual(['name']);
    }
    const created = await asSuperuser<{ n: number }>(
      server,
      `SELECT count(*)::int AS n FROM organizations WHERE name ~* '^[{]?[0-9a-f-]{32,36}[}]?$'`,
    );
    expect(created[0]!.n).toBe(0);
  });

  it('an id always means that organization, even when another one was named like it before names were checked', async ({
    server,
    anonymous,
  }) => {
    const [a, b] = [await signedInTenant(server), await signedInTenant(server)];
    // The attack as it was possible: A renamed to B's id (now only a superuser can write that).
    await asSuperuser(server, 'UPDATE organizations SET name = $1 WHERE id = $2', [
      b.organizationId.toUpperCase(),
      a.organizationId,
    ]);
    for (const ref of spellingsOf(b.organizationId)) {
      expect(
        (await expectError(login(anonymous, ref, a.adminEmail, a.adminPassword))).reason,
        JSON.stringify(ref),
      ).toBe('INVALID_CREDENTIALS');
      expect((await login(anonymous, ref, b.adminEmail, b.adminPassword)).organization?.id, JSON.stringify(ref)).toBe(
        b.organizationId,
      );
    }
    // A still signs in by its own id.
    expect(
      (await login(anonymous, a.organizationId.toUpperCase(), a.adminEmail, a.adminPassword)).organization?.id,
    ).toBe(a.organizationId);
    // An id nobody has, and the id of a suspended organization, are unknown organizations.
    expect((await expectError(login(anonymous, randomUUID(), b.adminEmail, b.adminPassword))).reason).toBe(
      'INVALID_CREDENTIALS',
    );
    await b.imsop.organizations.updateOrganization({
      organization: { ...(await getOrganization(b.imsop)), status: 2 },
      updateMask: ['status'],
    });
    expect((await expectError(login(anonymous, b.organizationId, b.adminEmail, b.adminPassword))).reason).toBe(
      'INVALID_CREDENTIALS',
    );
  });
});

describe('changing a user needs every permission that user holds', () => {
  /** Every way to change a user, each expected to fail (all sent at once, answers collected). */
  const refusals = (client: ImsopClient, targetId: string, viewerRoleId: string) =>
    Promise.all(
      attemptsOn(client, targetId, viewerRoleId).map(async ([name, attempt]) => ({
        name,
        error: await expectError(attempt),
      })),
    );
  const attemptsOn = (client: ImsopClient, targetId: string, viewerRoleId: string): [string, Promise<unknown>][] => [
    [
      'updateUser email',
      client.users.updateUser({
        user: User.fromPartial({ id: targetId, email: `taken-${randomUUID()}@evil.test` }),
        updateMask: ['email'],
      }),
    ],
    [
      'updateUser display_name',
      client.users.updateUser({
        user: User.fromPartial({ id: targetId, displayName: 'Locked Out' }),
        updateMask: ['display_name'],
      }),
    ],
    ['resetUserPassword', client.users.resetUserPassword({ id: targetId, newPassword: 'taken-over-password-1' })],
    ['deactivateUser', client.users.deactivateUser({ id: targetId })],
    ['reactivateUser', client.users.reactivateUser({ id: targetId })],
    ['assignUserRole', client.roles.assignUserRole({ userId: targetId, roleId: viewerRoleId })],
    ['unassignUserRole', client.roles.unassignUserRole({ userId: targetId, roleId: viewerRoleId })],
  ];

  it('a help-desk role cannot change an admin by any method, and the admin is left as they were', async ({
    server,
    helpdeskOrg,
    anonymous,
  }) => {
    const { org, helpdesk } = helpdeskOrg;
    const admin = await userWithRoles(server, org, ['admin', 'viewer']);
    const before = (await org.imsop.users.getUser({ id: admin.id })).user!;
    for (const { name, error } of await refusals(helpdesk.imsop, admin.id, org.roleIds.viewer!)) {
      expect(error.code, name).toBe(Status.PERMISSION_DENIED);
      expect(error.metadata.permission, name).toMatch(/^[a-z_.]+:[a-z_]+$/);
    }
    expect((await org.imsop.users.getUser({ id: admin.id })).user).toEqual(before);
    expect((await login(anonymous, org.name, admin.email, admin.password)).user?.id).toBe(admin.id);
  });

  it('nor re-enable an admin another admin deactivated', async ({ server, helpdeskOrg, anonymous }) => {
    const { org, helpdesk } = helpdeskOrg;
    const admin = await userWithRoles(server, org, ['admin']);
    await org.imsop.users.deactivateUser({ id: admin.id });
    const e = await expectError(helpdesk.imsop.users.reactivateUser({ id: admin.id }));
    expect(e.code).toBe(Status.PERMISSION_DENIED);
    expect((await org.imsop.users.getUser({ id: admin.id })).user?.status).toBe(UserStatus.USER_STATUS_INACTIVE);
    expect((await expectError(login(anonymous, org.name, admin.email, admin.password))).reason).toBe(
      'INVALID_CREDENTIALS',
    );
  });

  it('an API key with the help-desk role is held to the same rule', async ({ server, helpdeskOrg }) => {
    const { org, helpdeskRoleId } = helpdeskOrg;
    const { secret } = await org.imsop.apiKeys.createApiKey({
      name: 'helpdesk-bot',
      roleId: helpdeskRoleId,
      expireTime: undefined,
    });
    for (const { name, error } of await refusals(server.connect(secret), org.adminUserId, org.roleIds.viewer!))
      expect(error.code, name).toBe(Status.PERMISSION_DENIED);
    expect((await whoAmI(org.imsop)).user?.status).toBe(UserStatus.USER_STATUS_ACTIVE);
  });

  it('nor take permissions away from an admin through a role the admin holds', async ({ server, helpdeskOrg }) => {
    const { org, helpdesk } = helpdeskOrg;
    const admin = await userWithRoles(server, org, ['admin']);
    const { role: viewerRole } = await org.imsop.roles.getRole({ id: org.roleIds.viewer! });
    const readOnly = viewerRole!.permissions;
    const custom = async (name: string, holderId: string) => {
      const { role } = await org.imsop.roles.createRole({ name, description: '', permissions: readOnly });
      await org.imsop.roles.assignUserRole({ userId: holderId, roleId: role!.id });
      return role!.id;
    };
    const adminsRole = await custom('admins-reading', admin.id);
    // One at a time: each attempt starts only once the previous answer is in (a rejection nobody
    // awaits yet would be an unhandled one).
    for (const attempt of [
      () => helpdesk.imsop.roles.revokeRolePermissions({ roleId: adminsRole, permissions: [readOnly[0]!] }),
      () => helpdesk.imsop.roles.deleteRole({ id: adminsRole }),
    ]) {
      expect((await expectError(attempt())).code).toBe(Status.PERMISSION_DENIED);
    }
    expect((await org.imsop.roles.getRole({ id: adminsRole })).role?.permissions).toEqual(readOnly);
    // A role only viewers hold is the help desk's to change.
    const viewersRole = await custom('viewers-reading', (await userWithRoles(server, org, ['viewer'])).id);
    await helpdesk.imsop.roles.revokeRolePermissions({ roleId: viewersRole, permissions: [readOnly[0]!] });
    await helpdesk.imsop.roles.deleteRole({ id: viewersRole });
  });

  it('over users holding no more than the caller, every method works', async ({ server, helpdeskOrg, anonymous }) => {
    const { org, helpdesk } = helpdeskOrg;
    const viewer = await userWithRoles(server, org, ['viewer']);
    const email = `renamed-${randomUUID()}@x.test`;
    await helpdesk.imsop.users.updateUser({ user: User.fromPartial({ id: viewer.id, email }), updateMask: ['email'] });
    await helpdesk.imsop.users.updateUser({
      user: User.fromPartial({ id: viewer.id, displayName: 'Renamed' }),
      updateMask: ['display_name'],
    });
    await helpdesk.imsop.users.resetUserPassword({ id: viewer.id, newPassword: 'helpdesk-chosen-1' });
    await helpdesk.imsop.roles.unassignUserRole({ userId: viewer.id, roleId: org.roleIds.viewer! });
    await helpdesk.imsop.roles.assignUserRole({ userId: viewer.id, roleId: org.roleIds.viewer! });
    await helpdesk.imsop.users.deactivateUser({ id: viewer.id });
    const { user } = await helpdesk.imsop.users.reactivateUser({ id: viewer.id });
    expect(user).toMatchObject({
      email,
      displayName: 'Renamed',
      status: UserStatus.USER_STATUS_ACTIVE,
      roleIds: [org.roleIds.viewer],
    });
    expect((await login(anonymous, org.name, email, 'helpdesk-chosen-1')).user?.id).toBe(viewer.id);
    // Themselves included.
    await helpdesk.imsop.users.updateUser({
      user: User.fromPartial({ id: helpdesk.id, displayName: 'Help Desk' }),
      updateMask: ['display_name'],
    });
  });
});

describe('RefreshToken', () => {
  it('exchanges a token once: of concurrent refreshes with one token exactly one succeeds', async ({ server }) => {
    const org = await signedInTenant(server);
    const user = await userWithRoles(server, org, ['viewer']);
    await whoAmI(user.imsop); // the principal is cached: every call below gets past authentication
    const answers = await Promise.allSettled(Array.from({ length: 8 }, () => user.imsop.auth.refreshToken({})));
    const won = answers.filter((a) => a.status === 'fulfilled').map((a) => a.value);
    const lost = await Promise.all(
      answers.filter((a) => a.status === 'rejected').map((a) => expectError(Promise.reject(a.reason))),
    );
    expect(won).toHaveLength(1);
    expect(lost.map((e) => [e.code, e.reason])).toEqual(
      Array.from({ length: 7 }, () => [Status.UNAUTHENTICATED, 'INVALID_TOKEN']),
    );
    expect((await whoAmI(server.connect(won[0]!.accessToken))).user?.id).toBe(user.id);
    expect((await expectError(whoAmI(user.imsop))).reason).toBe('INVALID_TOKEN');
    const live = await asSuperuser<{ n: number }>(
      server,
      'SELECT count(*)::int AS n FROM access_tokens WHERE user_id = $1 AND revoked_at IS NULL',
      [user.id],
    );
    expect(live[0]!.n).toBe(1);
    // The spent token cannot be refreshed again either.
    expect((await expectError(user.imsop.auth.refreshToken({}))).code).toBe(Status.UNAUTHENTICATED);
  });

  it('is refused to API keys, however many calls at once', async ({ server }) => {
    const org = await signedInTenant(server);
    const { secret } = await org.imsop.apiKeys.createApiKey({
      name: 'svc',
      roleId: org.roleIds.viewer!,
      expireTime: undefined,
    });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => expectError(server.connect(secret).auth.refreshToken({}))),
    );
    for (const e of answers)
      expect(e).toMatchObject({ code: Status.FAILED_PRECONDITION, reason: 'NOT_A_USER_SESSION' });
    expect((await whoAmI(server.connect(secret))).apiKey?.name).toBe('svc');
  });
});

describe('the subscription tier', () => {
  it('is the operator’s: UpdateOrganization refuses it, alone or with other fields, and changes nothing', async ({
    server,
  }) => {
    const org = await signedInTenant(server);
    const current = await getOrganization(org.imsop);
    const organization = Organization.fromPartial({
      ...current,
      subscriptionTier: 'enterprise',
      settings: { plan: 'free-upgrade' },
    });
    for (const updateMask of [
      ['subscription_tier'],
      ['settings', 'subscription_tier'],
      ['settings, subscription_tier'],
      ['subscriptionTier'],
      [' name,subscriptionTier '],
    ]) {
      const e = await expectError(org.imsop.organizations.updateOrganization({ organization, updateMask }));
      expect(e, updateMask.join('|')).toMatchObject({
        code: Status.PERMISSION_DENIED,
        reason: 'OPERATOR_ONLY_FIELD',
        metadata: expect.objectContaining({ field: 'subscription_tier' }),
      });
      expect(e.message).toMatch(/platform operator/);
    }
    expect(await getOrganization(org.imsop)).toEqual(current);
  });
});

describe('API keys and the user who created them', () => {
  it('record their creator; a key stops working at once when its creator is deactivated, and works again on reactivation', async ({
    server,
  }) => {
    const org = await signedInTenant(server);
    const creator = await userWithRoles(server, org, ['admin']);
    const { apiKey, secret } = await creator.imsop.apiKeys.createApiKey({
      name: 'made-by-creator',
      roleId: org.roleIds.admin!,
      expireTime: undefined,
    });
    expect(apiKey?.creatorUserId).toBe(creator.id);
    // A key made with that key belongs to the same user.
    const child = await server
      .connect(secret)
      .apiKeys.createApiKey({ name: 'made-by-key', roleId: org.roleIds.viewer!, expireTime: undefined });
    expect(child.apiKey?.creatorUserId).toBe(creator.id);
    expect((await org.imsop.apiKeys.getApiKey({ id: apiKey!.id })).apiKey?.creatorUserId).toBe(creator.id);

    for (const s of [secret, child.secret]) await whoAmI(server.connect(s)); // cached principals
    await org.imsop.users.deactivateUser({ id: creator.id });
    for (const s of [secret, child.secret])
      expect((await expectError(whoAmI(server.connect(s)))).reason).toBe('INVALID_TOKEN');
    expect(
      (await expectError(server.connect(secret).users.listUsers({ pageSize: 0, pageToken: '', status: 0, email: '' })))
        .code,
    ).toBe(Status.UNAUTHENTICATED);

    await org.imsop.users.reactivateUser({ id: creator.id });
    for (const s of [secret, child.secret]) expect((await whoAmI(server.connect(s))).apiKey).toBeDefined();
  });

  it('never do more than their creator currently holds', async ({ server }) => {
    const org = await signedInTenant(server);
    const creator = await userWithRoles(server, org, ['admin']);
    const { secret } = await creator.imsop.apiKeys.createApiKey({
      name: 'reporting',
      roleId: org.roleIds.manager!,
      expireTime: undefined,
    });
    const key = server.connect(secret);
    const listUsers = () => key.users.listUsers({ pageSize: 1, pageToken: '', status: 0, email: '' });
    expect((await whoAmI(key)).permissions).toContain('identity.users:read');
    await listUsers();

    // The creator is demoted to viewer: the key keeps only what both the role and the creator have.
    await org.imsop.roles.assignUserRole({ userId: creator.id, roleId: org.roleIds.viewer! });
    await org.imsop.roles.unassignUserRole({ userId: creator.id, roleId: org.roleIds.admin! });
    const { role: viewer } = await org.imsop.roles.getRole({ id: org.roleIds.viewer! });
    const { role: manager } = await org.imsop.roles.getRole({ id: org.roleIds.manager! });
    const me = await whoAmI(key);
    expect(me.permissions).toEqual(manager!.permissions.filter((p) => viewer!.permissions.includes(p)));
    expect(me.roles).toEqual(['manager']);
    const denied = await expectError(listUsers());
    expect(denied).toMatchObject({
      code: Status.PERMISSION_DENIED,
      metadata: expect.objectContaining({ permission: 'identity.users:read' }),
    });

    // Promoted again: the key's role applies in full again.
    await org.imsop.roles.assignUserRole({ userId: creator.id, roleId: org.roleIds.admin! });
    await listUsers();
  });

  it('made before creators were recorded keep working with their role', async ({ server }) => {
    const org = await signedInTenant(server);
    const { apiKey, secret } = await org.imsop.apiKeys.createApiKey({
      name: 'legacy',
      roleId: org.roleIds.viewer!,
      expireTime: undefined,
    });
    await asSuperuser(server, 'UPDATE api_keys SET created_by = NULL WHERE id = $1', [apiKey!.id]);
    const me = await whoAmI(server.connect(secret));
    expect(me.roles).toEqual(['viewer']);
    expect((await org.imsop.apiKeys.getApiKey({ id: apiKey!.id })).apiKey?.creatorUserId).toBe('');
  });
});

describe('sign-in still works as before', () => {
  it('by name in any case and with surrounding spaces', async ({ server }) => {
    const org = await signedInTenant(server);
    const { response } = await loginAs(server, `  ${org.name.toUpperCase()} `, org.adminEmail, org.adminPassword);
    expect(response.organization?.id).toBe(org.organizationId);
  });
});
