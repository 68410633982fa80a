import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { bearer, expectError } from './support/grpc.js';
import { call, signedInOrg, userWithRoles, type SignedInOrg } from './support/identity.js';
import { loginAs, startTestServer, type TestServer } from './support/server.js';

// Sign-in paths beyond test/auth.test.ts: throttling, refresh, password changes, deactivation,
// API keys as credentials, suspension. Small throttle limits so the limits are reachable.
let ts: TestServer;
let org: SignedInOrg;

beforeAll(async () => {
  ts = await startTestServer({ env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000', LOGIN_THROTTLE_WINDOW_SECONDS: '60' } });
  org = await signedInTenant(server);
});
afterAll(() => ts?.stop());

const login = (organization: string, email: string, password: string) =>
  anonymous.auth.login({ organization, email, password });
const whoAmI = (md = bearer('none')) => /*TODO md:md*/anonymous.auth.whoAmI({});

describe('login throttling', () => {
  it('refuses an account after too many attempts with RESOURCE_EXHAUSTED and a retry delay, even with the right password', async () => {
    const user = await userWithRoles(server, org, ['viewer']); // one successful login: the count restarts
    for (let i = 0; i < 3; i++) {
      expect((await expectError(login(org.name, user.email, 'wrong-password-xyz'))).reason).toBe('INVALID_CREDENTIALS');
    }
    const throttled = await expectError(login(org.name, user.email, user.password));
    expect(throttled.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(throttled.reason).toBe('LOGIN_THROTTLED');
    expect(throttled.retryDelayMs).toBeGreaterThan(0);
    expect(throttled.retryDelayMs).toBeLessThanOrEqual(60_000);
    expect(Number(throttled.metadata.retryAfterSeconds)).toBeGreaterThan(0);
    // Name and id spellings of the organization share one budget.
    expect((await expectError(login(org.organizationId, user.email, user.password))).reason).toBe('LOGIN_THROTTLED');
    // Other accounts are unaffected.
    expect((await login(org.name, org.adminEmail, org.adminPassword)).accessToken).toMatch(/^imsop_at_/);
  });

  it('throttles unknown accounts exactly like known ones (the answer reveals nothing)', async () => {
    for (let i = 0; i < 3; i++) await expectError(login(org.name, 'ghost@nowhere.test', 'whatever-password'));
    expect((await expectError(login(org.name, 'ghost@nowhere.test', 'whatever-password'))).reason).toBe('LOGIN_THROTTLED');
  });

  it('counts parallel guesses before checking them, so a burst cannot exceed the limit', async () => {
    const user = await userWithRoles(server, org, ['viewer']);
    const answers = await Promise.all(Array.from({ length: 10 }, () => expectError(login(org.name, user.email, 'parallel-guess-1'))));
    expect(answers.filter((a) => a.reason === 'INVALID_CREDENTIALS').length).toBe(3);
    expect(answers.filter((a) => a.reason === 'LOGIN_THROTTLED').length).toBe(7);
  });
});

describe('per-address throttling', () => {
  it('refuses a source address after too many failures across accounts', async () => {
    // A separate server: its own in-process throttle state, so earlier failures do not count.
    const other = await startTestServer({ env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '4', LOGIN_THROTTLE_WINDOW_SECONDS: '60' } });
    try {
      const o = await signedInTenant(other);
      for (let i = 0; i < 4; i++) {
        const e = await expectError(call(other.clients.auth, 'login', { organization: o.name, email: `nobody${i}@x.test`, password: 'wrong-password-1' }));
        expect(e.reason).toBe('INVALID_CREDENTIALS');
      }
      const e = await expectError(call(other.clients.auth, 'login', { organization: o.name, email: o.adminEmail, password: o.adminPassword }));
      expect(e).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, reason: 'LOGIN_THROTTLED' });
      expect(e.retryDelayMs).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });
});

describe('sessions', () => {
  it('RefreshToken issues a working token and revokes the old one', async () => {
    const { metadata } = await loginAs(server, org.name, org.adminEmail, org.adminPassword);
    await whoAmI(metadata);
    const refreshed = await /*TODO md:metadata*/anonymous.auth.refreshToken({});
    expect(refreshed.accessToken).toMatch(/^imsop_at_/);
    expect(refreshed.expireTime!.getTime()).toBeGreaterThan(Date.now());
    expect((await expectError(whoAmI(metadata))).reason).toBe('INVALID_TOKEN');
    expect((await whoAmI(bearer(refreshed.accessToken))).user?.id).toBe(org.adminUserId);
  });

  it('ChangePassword needs the current password, rejects bad new ones, and ends every session', async () => {
    const user = await userWithRoles(server, org, ['viewer']);
    const second = await loginAs(server, org.name, user.email, user.password);
    const wrong = await expectError(user.imsop.auth.changePassword({ currentPassword: 'not-my-password', newPassword: 'brand-new-password-1' }));
    expect(wrong.code).toBe(Status.INVALID_ARGUMENT);
    expect(wrong.fieldViolations.map((v) => v.field)).toEqual(['current_password']);

    const weak = await expectError(user.imsop.auth.changePassword({ currentPassword: user.password, newPassword: 'short' }));
    expect(weak.fieldViolations).toEqual([{ field: 'new_password', description: 'must be at least 12 characters' }]);
    const long = await expectError(user.imsop.auth.changePassword({ currentPassword: user.password, newPassword: 'é'.repeat(37) }));
    expect(long.fieldViolations).toEqual([{ field: 'new_password', description: 'must be at most 72 bytes' }]);

    await user.imsop.auth.changePassword({ currentPassword: user.password, newPassword: 'brand-new-password-1' });
    for (const md of [user.metadata, second.metadata]) expect((await expectError(whoAmI(md))).code).toBe(Status.UNAUTHENTICATED);
    expect((await expectError(login(org.name, user.email, user.password))).reason).toBe('INVALID_CREDENTIALS');
    expect((await login(org.name, user.email, 'brand-new-password-1')).user?.id).toBe(user.id);
  });

  it('an admin reset revokes the user sessions; deactivation blocks sign-in and existing tokens; reactivation allows sign-in again', async () => {
    const user = await userWithRoles(server, org, ['viewer']);
    await whoAmI(user.metadata); // cached principal
    await imsop.users.resetUserPassword({ id: user.id, newPassword: 'reset-by-admin-1' });
    expect((await expectError(whoAmI(user.metadata))).code).toBe(Status.UNAUTHENTICATED);

    const session = await loginAs(server, org.name, user.email, 'reset-by-admin-1');
    await whoAmI(session.metadata);
    const { user: deactivated } = await imsop.users.deactivateUser({ id: user.id });
    expect(deactivated?.status).toBe(UserStatus.USER_STATUS_INACTIVE);
    expect((await expectError(whoAmI(session.metadata))).reason).toBe('INVALID_TOKEN');
    // An inactive user gets the same answer as a wrong password.
    expect((await expectError(login(org.name, user.email, 'reset-by-admin-1'))).reason).toBe('INVALID_CREDENTIALS');

    await imsop.users.reactivateUser({ id: user.id });
    expect((await login(org.name, user.email, 'reset-by-admin-1')).user?.status).toBe(UserStatus.USER_STATUS_ACTIVE);
  });

  it('new passwords are checked for length and the 72-byte bcrypt limit, never truncated', async () => {
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
  it('act with their role, show up in WhoAmI, and stop working when revoked', async () => {
    const { apiKey, secret } = await imsop.apiKeys.createApiKey({ name: 'erp-sync', roleId: org.roleIds.viewer!, expireTime: undefined });
    expect(secret).toMatch(/^imsop_ak_[A-Za-z0-9_-]+$/);
    expect(apiKey?.secretHint).toBe(secret.slice(-4));
    const md = bearer(secret);
    const me = await whoAmI(md);
    expect(me.user).toBeUndefined();
    expect(me.apiKey?.id).toBe(apiKey!.id);
    expect(me.roles).toEqual(['viewer']);
    expect(me.permissions).toContain('inventory.products:read');
    expect(me.permissions).not.toContain('identity.users:read');

    expect((await /*TODO md:md*/anonymous.organizations.getOrganization({})).organization?.id).toBe(org.organizationId);
    const denied = await expectError(/*TODO md:md*/anonymous.users.listUsers({ pageSize: 0, pageToken: '', status: 0, email: '' }));
    expect(denied).toMatchObject({ code: Status.PERMISSION_DENIED, metadata: expect.objectContaining({ permission: 'identity.users:read' }) });
    expect((await expectError(/*TODO md:md*/anonymous.auth.logout({}))).reason).toBe('NOT_A_USER_SESSION');

    await imsop.apiKeys.revokeApiKey({ id: apiKey!.id });
    expect((await expectError(whoAmI(md))).reason).toBe('INVALID_TOKEN');
    const listed = await imsop.apiKeys.listApiKeys({ pageSize: 0, pageToken: '', showRevoked: true });
    expect(listed.apiKeys.find((k) => k.id === apiKey!.id)?.revokeTime).toBeInstanceOf(Date);
    expect((await imsop.apiKeys.listApiKeys({ pageSize: 0, pageToken: '', showRevoked: false })).apiKeys.map((k) => k.id)).not.toContain(apiKey!.id);
  });

  it('cannot be scoped to a role with permissions the creator lacks, and expired keys do not work', async () => {
    const keyAdmin = await imsop.roles.createRole({ name: 'key-admin', description: '', permissions: ['identity.api_keys:write', 'identity.roles:read'] });
    const user = await userWithRoles(server, org, []);
    await imsop.roles.assignUserRole({ userId: user.id, roleId: keyAdmin.role!.id });
    const denied = await expectError(user.imsop.apiKeys.createApiKey({ name: 'escalate', roleId: org.roleIds.admin!, expireTime: undefined }));
    expect(denied.code).toBe(Status.PERMISSION_DENIED);
    expect(denied.metadata.permission).toBeTruthy();

    const past = await expectError(imsop.apiKeys.createApiKey({ name: 'old', roleId: org.roleIds.viewer!, expireTime: new Date(Date.now() - 1000) }));
    expect(past.fieldViolations.map((v) => v.field)).toEqual(['expire_time']);
    const soon = await imsop.apiKeys.createApiKey({ name: 'short-lived', roleId: org.roleIds.viewer!, expireTime: new Date(Date.now() + 1500) });
    await whoAmI(bearer(soon.secret));
    await new Promise((r) => setTimeout(r, 5_000 + 1500)); // past both expiry and the principal cache TTL
    expect((await expectError(whoAmI(bearer(soon.secret)))).reason).toBe('INVALID_TOKEN');
  });
});

describe('suspended organizations', () => {
  it('cannot sign in, and credentials issued before answer PERMISSION_DENIED', async () => {
    const o = await signedInTenant(server);
    const viewer = await userWithRoles(server, o, ['viewer']);
    await whoAmI(viewer.metadata);
    const { organization } = await o.imsop.organizations.getOrganization({});
    await o.imsop.organizations.updateOrganization({ organization: { ...organization!, status: 2 }, updateMask: ['status'] });
    const e = await expectError(whoAmI(viewer.metadata));
    expect(e).toMatchObject({ code: Status.PERMISSION_DENIED, reason: 'ORGANIZATION_SUSPENDED' });
    expect((await expectError(login(o.name, o.adminEmail, o.adminPassword))).reason).toBe('INVALID_CREDENTIALS');
  });
});
