import { describe, expect } from 'vitest';
import { UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { expectError } from './support/expect-error.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { startTestServer } from './support/server.js';
import { tenantTest } from './support/tenant-fixture.js';
import { loginAs, signedInTenant, userWithRoles } from './support/tenant.js';

// Sign-in paths beyond test/auth.test.ts: throttling, refresh, password changes, deactivation,
// API keys as credentials, suspension. Small throttle limits so the limits are reachable.
const it = tenantTest.override(
  'serverOptions',
  { scope: 'file' },
  {
    env: {
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
      LOGIN_THROTTLE_WINDOW_SECONDS: '60',
    },
  },
);

const login = (client: ImsopClient, organization: string, email: string, password: string) =>
  client.auth.login({ organization, email, password });
const whoAmI = (client: ImsopClient) => client.auth.whoAmI({});

describe('login throttling', () => {
  it('refuses an account after too many attempts with RESOURCE_EXHAUSTED and a retry delay, even with the right password', async ({
    server,
    org,
    anonymous,
  }) => {
    const user = await userWithRoles(server, org, ['viewer']); // one successful login: the count restarts
    for (let i = 0; i < 3; i++) {
      expect((await expectError(login(anonymous, org.name, user.email, 'wrong-password-xyz'))).reason).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    const throttled = await expectError(login(anonymous, org.name, user.email, user.password));
    expect(throttled.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(throttled.reason).toBe('LOGIN_THROTTLED');
    expect(throttled.retryDelayMs).toBeGreaterThan(0);
    expect(throttled.retryDelayMs).toBeLessThanOrEqual(60_000);
    expect(Number(throttled.metadata.retryAfterSeconds)).toBeGreaterThan(0);
    // Name and id spellings of the organization share one budget.
    expect((await expectError(login(anonymous, org.organizationId, user.email, user.password))).reason).toBe(
      'LOGIN_THROTTLED',
    );
    // Other accounts are unaffected.
    expect((await login(anonymous, org.name, org.adminEmail, org.adminPassword)).accessToken).toMatch(/^imsop_at_/);
  });

  it('throttles unknown accounts exactly like known ones (the answer reveals nothing)', async ({ org, anonymous }) => {
    for (let i = 0; i < 3; i++)
      await expectError(login(anonymous, org.name, 'ghost@nowhere.test', 'whatever-password'));
    expect((await expectError(login(anonymous, org.name, 'ghost@nowhere.test', 'whatever-password'))).reason).toBe(
      'LOGIN_THROTTLED',
    );
  });

  it('counts parallel guesses before checking them, so a burst cannot exceed the limit', async ({
    server,
    org,
    anonymous,
  }) => {
    const user = await userWithRoles(server, org, ['viewer']);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => expectError(login(anonymous, org.name, user.email, 'parallel-guess-1'))),
    );
    expect(answers.filter((a) => a.reason === 'INVALID_CREDENTIALS').length).toBe(3);
    expect(answers.filter((a) => a.reason === 'LOGIN_THROTTLED').length).toBe(7);
  });
});

describe('per-address throttling', () => {
  it('refuses a source address after too many failures across accounts', async () => {
    // A separate server: its own in-process throttle state, so earlier failures do not count.
    const other = await startTestServer({
      env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '4', LOGIN_THROTTLE_WINDOW_SECONDS: '60' },
    });
    try {
      const o = await signedInTenant(other);
      for (let i = 0; i < 4; i++) {
        const e = await expectError(login(other.connect(), o.name, `nobody${i}@x.test`, 'wrong-password-1'));
        expect(e.reason).toBe('INVALID_CREDENTIALS');
      }
      const e = await expectError(login(other.connect(), o.name, o.adminEmail, o.adminPassword));
      expect(e).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, reason: 'LOGIN_THROTTLED' });
      expect(e.retryDelayMs).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });
});

describe('sessions', () => {
  it('RefreshToken issues a working token and revokes the old one', async ({ server, org }) => {
    const session = await loginAs(server, org.name, org.adminEmail, org.adminPassword);
    await whoAmI(session.imsop);
    const refreshed = await session.imsop.auth.refreshToken({});
    expect(refreshed.accessToken).toMatch(/^imsop_at_/);
    expect(refreshed.expireTime!.getTime()).toBeGreaterThan(Date.now());
    expect((await expectError(whoAmI(session.imsop))).reason).toBe('INVALID_TOKEN');
    expect((await whoAmI(server.connect(refreshed.accessToken))).user?.id).toBe(org.adminUserId);
  });

  it('ChangePassword needs the current password, rejects bad new ones, and ends every session', async ({
    server,
    org,
    anonymous,
  }) => {
    const user = await userWithRoles(server, org, ['viewer']);
    const second = await loginAs(server, org.name, user.email, user.password);
    const wrong = await expectError(
      user.imsop.auth.changePassword({ currentPassword: 'not-my-password', newPassword: 'brand-new-password-1' }),
    );
    expect(wrong.code).toBe(Status.INVALID_ARGUMENT);
    expect(wrong.fieldViolations.map((v) => v.field)).toEqual(['current_password']);

    const weak = await expectError(
      user.imsop.auth.changePassword({ currentPassword: user.password, newPassword: 'short' }),
    );
    expect(weak.fieldViolations).toEqual([{ field: 'new_password', description: 'must be at least 12 characters' }]);
    const long = await expectError(
      user.imsop.auth.changePassword({ currentPassword: user.password, newPassword: 'é'.repeat(37) }),
    );
    expect(long.fieldViolations).toEqual([{ field: 'new_password', description: 'must be at most 72 bytes' }]);

    await user.imsop.auth.changePassword({ currentPassword: user.password, newPassword: 'brand-new-password-1' });
    for (const client of [user.imsop, second.imsop])
      expect((await expectError(whoAmI(client))).code).toBe(Status.UNAUTHENTICATED);
    expect((await expectError(login(anonymous, org.name, user.email, user.password))).reason).toBe(
      'INVALID_CREDENTIALS',
    );
    expect((await login(anonymous, org.name, user.email, 'brand-new-password-1')).user?.id).toBe(user.id);
  });

  it('an admin reset revokes the user sessions; deactivation blocks sign-in and existing tokens; reactivation allows sign-in again', async ({
    server,
    org,
    imsop,
    anonymous,
  }) => {
    const user = await userWithRoles(server, org, ['viewer']);
    await whoAmI(user.imsop); // cached principal
    await imsop.users.resetUserPassword({ id: user.id, newPassword: 'reset-by-admin-1' });
    expect((await expectError(whoAmI(user.imsop))).code).toBe(Status.UNAUTHENTICATED);

    const session = await loginAs(server, org.name, user.email, 'reset-by-admin-1');
    await whoAmI(session.imsop);
    const { user: deactivated } = await imsop.users.deactivateUser({ id: user.id });
    expect(deactivated?.status).toBe(UserStatus.USER_STATUS_INACTIVE);
    expect((await expectError(whoAmI(session.imsop))).reason).toBe('INVALID_TOKEN');
    // An inactive user gets the same answer as a wrong password.
    expect((await expectError(login(anonymous, org.name, user.email, 'reset-by-admin-1'))).reason).toBe(
      'INVALID_CREDENTIALS',
    );

    await imsop.users.reactivateUser({ id: user.id });
    expect((await login(anonymous, org.name, user.email, 'reset-by-admin-1')).user?.status).toBe(
      UserStatus.USER_STATUS_ACTIVE,
    );
  });

  it('new passwords are checked for length and the 72-byte bcrypt limit, never truncated', async ({ imsop }) => {
    const tooLong = await expectError(
      imsop.users.createUser({ email: 'long@x.test', displayName: 'Long', password: 'a'.repeat(72) + 'b' }),
    );
    expect(tooLong.code).toBe(Status.INVALID_ARGUMENT);
    expect(tooLong.fieldViolations).toEqual([{ field: 'password', description: 'must be at most 72 bytes' }]);
    const ok = await imsop.users.createUser({ email: 'exact@x.test', displayName: 'Exact', password: 'a'.repeat(72) });
    expect(ok.user?.email).toBe('exact@x.test');
  });
});

describe('API keys as credentials', () => {
  it('act with their role, show up in WhoAmI, and stop working when revoked', async ({ server, org, imsop }) => {
    const { apiKey, secret } = await imsop.apiKeys.createApiKey({
      name: 'erp-sync',
      roleId: org.roleIds.viewer!,
      expireTime: undefined,
    });
    expect(secret).toMatch(/^imsop_ak_[A-Za-z0-9_-]+$/);
    expect(apiKey?.secretHint).toBe(secret.slice(-4));
    const key = server.connect(secret);
    const me = await whoAmI(key);
    expect(me.user).toBeUndefined();
    expect(me.apiKey?.id).toBe(apiKey!.id);
    expect(me.roles).toEqual(['viewer']);
    expect(me.permissions).toContain('inventory.products:read');
    expect(me.permissions).not.toContain('identity.users:read');

    expect((await key.organizations.getOrganization({})).organization?.id).toBe(org.organizationId);
    const denied = await expectError(key.users.listUsers({ pageSize: 0, pageToken: '', status: 0, email: '' }));
    expect(denied).toMatchObject({
      code: Status.PERMISSION_DENIED,
      metadata: expect.objectContaining({ permission: 'identity.users:read' }),
    });
    expect((await expectError(key.auth.logout({}))).reason).toBe('NOT_A_USER_SESSION');

    await imsop.apiKeys.revokeApiKey({ id: apiKey!.id });
    expect((await expectError(whoAmI(key))).reason).toBe('INVALID_TOKEN');
    const listed = await imsop.apiKeys.listApiKeys({ pageSize: 0, pageToken: '', showRevoked: true });
    expect(listed.apiKeys.find((k) => k.id === apiKey!.id)?.revokeTime).toBeInstanceOf(Date);
    expect(
      (await imsop.apiKeys.listApiKeys({ pageSize: 0, pageToken: '', showRevoked: false })).apiKeys.map((k) => k.id),
    ).not.toContain(apiKey!.id);
  });

  it('cannot be scoped to a role with permissions the creator lacks, and expired keys do not work', async ({
    server,
    org,
    imsop,
  }) => {
    const keyAdmin = await imsop.roles.createRole({
      name: 'key-admin',
      description: '',
      permissions: ['identity.api_keys:write', 'identity.roles:read'],
    });
    const user = await userWithRoles(server, org, []);
    await imsop.roles.assignUserRole({ userId: user.id, roleId: keyAdmin.role!.id });
    const denied = await expectError(
      user.imsop.apiKeys.createApiKey({ name: 'escalate', roleId: org.roleIds.admin!, expireTime: undefined }),
    );
    expect(denied.code).toBe(Status.PERMISSION_DENIED);
    expect(denied.metadata.permission).toBeTruthy();

    const past = await expectError(
      imsop.apiKeys.createApiKey({ name: 'old', roleId: org.roleIds.viewer!, expireTime: new Date(Date.now() - 1000) }),
    );
    expect(past.fieldViolations.map((v) => v.field)).toEqual(['expire_time']);
    const soon = await imsop.apiKeys.createApiKey({
      name: 'short-lived',
      roleId: org.roleIds.viewer!,
      expireTime: new Date(Date.now() + 1500),
    });
    await whoAmI(server.connect(soon.secret));
    await new Promise((r) => setTimeout(r, 5_000 + 1500)); // past both expiry and the principal cache TTL
    expect((await expectError(whoAmI(server.connect(soon.secret)))).reason).toBe('INVALID_TOKEN');
  });
});

describe('WhoAmI', () => {
  it('answers fresh after any change to what it shows: the user, the organization, roles and permissions', async ({
    server,
  }) => {
    const o = await signedInTenant(server);
    const viewer = await userWithRoles(server, o, ['viewer']);
    const first = await whoAmI(viewer.imsop);
    expect(first.roles).toEqual(['viewer']);
    expect(await whoAmI(viewer.imsop)).toEqual(first); // asked again: the same answer

    await o.imsop.users.updateUser({
      user: { ...first.user!, displayName: 'Renamed Viewer' },
      updateMask: ['display_name'],
    });
    expect((await whoAmI(viewer.imsop)).user?.displayName).toBe('Renamed Viewer');

    const { organization } = await o.imsop.organizations.getOrganization({});
    await o.imsop.organizations.updateOrganization({
      organization: { ...organization!, settings: { locale: 'fr-FR' } },
      updateMask: ['settings'],
    });
    expect((await whoAmI(viewer.imsop)).organization?.settings).toEqual({ locale: 'fr-FR' });

    await o.imsop.roles.assignUserRole({ userId: viewer.id, roleId: o.roleIds.manager! });
    const promoted = await whoAmI(viewer.imsop);
    expect([...promoted.roles].sort()).toEqual(['manager', 'viewer']);
    expect(promoted.user?.roleIds).toContain(o.roleIds.manager!);
    expect(promoted.permissions.length).toBeGreaterThan(first.permissions.length);
  });
});

describe('suspended organizations', () => {
  it('cannot sign in, and credentials issued before answer PERMISSION_DENIED', async ({ server, anonymous }) => {
    const o = await signedInTenant(server);
    const viewer = await userWithRoles(server, o, ['viewer']);
    await whoAmI(viewer.imsop);
    const { organization } = await o.imsop.organizations.getOrganization({});
    await o.imsop.organizations.updateOrganization({
      organization: { ...organization!, status: 2 },
      updateMask: ['status'],
    });
    const e = await expectError(whoAmI(viewer.imsop));
    expect(e).toMatchObject({ code: Status.PERMISSION_DENIED, reason: 'ORGANIZATION_SUSPENDED' });
    expect((await expectError(login(anonymous, o.name, o.adminEmail, o.adminPassword))).reason).toBe(
      'INVALID_CREDENTIALS',
    );
  });
});
