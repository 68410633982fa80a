import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OrganizationStatus, UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { errorInfoCount, expectError } from './support/expect-error.js';
import { Metadata, Status, type ImsopClient } from './support/sdk.js';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';
import { loginAs } from './support/tenant.js';

let ts: TestServer;
let org: SeededOrganization;

beforeAll(async () => {
  ts = await startTestServer();
  org = await seedOrganization(ts);
});
afterAll(() => ts?.stop());

const login = (req: { organization: string; email: string; password: string }) => ts.connect().auth.login(req);
/** WhoAmI through a client bearing `credential`, or through `client` when given one. */
const whoAmI = (credential: string | ImsopClient) =>
  (typeof credential === 'string' ? ts.connect(credential) : credential).auth.whoAmI({});

describe('Login', () => {
  it('accepts organization name (any case) or id with a case-insensitive email, and the token works', async () => {
    for (const organization of [org.name.toUpperCase(), org.organizationId]) {
      const res = await login({ organization, email: org.adminEmail.toUpperCase(), password: org.adminPassword });
      expect(res.accessToken).toMatch(/^imsop_at_[A-Za-z0-9_-]+$/);
      expect(res.expireTime!.getTime()).toBeGreaterThan(Date.now());
      expect(res.user?.email).toBe(org.adminEmail);
      expect(res.user?.status).toBe(UserStatus.USER_STATUS_ACTIVE);
      expect(res.organization).toMatchObject({
        id: org.organizationId,
        name: org.name,
        status: OrganizationStatus.ORGANIZATION_STATUS_ACTIVE,
      });

      const me = await whoAmI(res.accessToken);
      expect(me.user?.id).toBe(org.adminUserId);
      expect(me.roles).toEqual(['admin']);
      expect(me.permissions).toContain('identity.users:write');
      expect(me.permissions).toEqual([...me.permissions].sort());
    }
  });

  it('gives one identical answer for unknown organization, unknown email and wrong password', async () => {
    const answers = await Promise.all([
      expectError(login({ organization: 'no-such-org', email: org.adminEmail, password: org.adminPassword })),
      expectError(login({ organization: org.name, email: 'nobody@x.test', password: org.adminPassword })),
      expectError(login({ organization: org.name, email: org.adminEmail, password: 'wrong-password-123' })),
    ]);
    for (const a of answers) {
      expect(a.code).toBe(Status.UNAUTHENTICATED);
      expect(a.reason).toBe('INVALID_CREDENTIALS');
      expect(a.message).toBe(answers[0]!.message);
      expect(errorInfoCount(a)).toBe(1);
    }
  });

  it('rejects missing fields and passwords over 72 bytes with field violations, never truncating', async () => {
    const missing = await expectError(login({ organization: '', email: '  ', password: '' }));
    expect(missing.code).toBe(Status.INVALID_ARGUMENT);
    expect(missing.fieldViolations.map((v) => v.field).sort()).toEqual(['email', 'organization', 'password']);

    // 73 bytes whose first 72 are the real password: bcrypt would accept it if we truncated.
    const long = await expectError(
      login({ organization: org.name, email: org.adminEmail, password: org.adminPassword.padEnd(72, 'x') + 'é' }),
    );
    expect(long.code).toBe(Status.INVALID_ARGUMENT);
    expect(long.fieldViolations).toEqual([{ field: 'password', description: 'must be at most 72 bytes' }]);
  });
});

describe('credentials on protected methods', () => {
  it('refuses calls without, or with malformed or forged, tokens', async () => {
    const none = await expectError(ts.connect().auth.whoAmI({}));
    expect(none).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'MISSING_CREDENTIALS' });

    for (const token of [
      'garbage',
      'imsop_at_' + 'A'.repeat(64),
      'imsop_at_' + Buffer.alloc(48, 7).toString('base64url'),
    ]) {
      const bad = await expectError(whoAmI(token));
      expect(bad).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
    }
  });

  it('Logout revokes the token at once and is idempotent for other tokens', async () => {
    const a = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
    const b = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
    await whoAmI(a.imsop); // warms the principal cache
    await a.imsop.auth.logout({});
    expect((await expectError(whoAmI(a.imsop))).code).toBe(Status.UNAUTHENTICATED);
    expect((await whoAmI(b.imsop)).user?.id).toBe(org.adminUserId);
  });

  it('resolves a token once for many calls that miss the principal cache together', async () => {
    const { accessToken } = await login({ organization: org.name, email: org.adminEmail, password: org.adminPassword });
    // Principal lookups are the transactions without a user (every call's own work has one).
    const transactions = vi.spyOn(ts.runtime.app.db, 'inTenant');
    try {
      const client = ts.connect(accessToken);
      const answers = await Promise.all(Array.from({ length: 25 }, () => whoAmI(client)));
      expect(answers.every((a) => a.user?.id === org.adminUserId)).toBe(true);
      const lookups = transactions.mock.calls.filter(([scope]) => !scope.userId);
      expect(lookups).toHaveLength(1);
    } finally {
      transactions.mockRestore();
    }
  });

  it('echoes the request id and returns it in error details', async () => {
    const err = await expectError(
      ts.connect('garbage').auth.whoAmI({}, { metadata: Metadata({ 'x-request-id': 'req-abc-123' }) }),
    );
    expect(err.metadata.requestId).toBe('req-abc-123');
  });
});
