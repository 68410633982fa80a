import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OrganizationStatus, UserStatus } from '../gen/ts/imsop/identity/v1/resources.js';
import { bearer, expectError, unary } from './support/grpc.js';
import { loginAs, seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';

let ts: TestServer;
let org: SeededOrganization;

beforeAll(async () => {
  ts = await startTestServer();
  org = await seedOrganization(ts);
});
afterAll(() => ts?.stop());

const login = (req: { organization: string; email: string; password: string }) => unary(ts.clients.auth.login.bind(ts.clients.auth), req);
const whoAmI = (md = bearer('none')) => unary(ts.clients.auth.whoAmI.bind(ts.clients.auth), {}, md);

describe('Login', () => {
  it('accepts organization name (any case) or id with a case-insensitive email, and the token works', async () => {
    for (const organization of [org.name.toUpperCase(), org.organizationId]) {
      const res = await login({ organization, email: org.adminEmail.toUpperCase(), password: org.adminPassword });
      expect(res.accessToken).toMatch(/^imsop_at_[A-Za-z0-9_-]+$/);
      expect(res.expireTime!.getTime()).toBeGreaterThan(Date.now());
      expect(res.user?.email).toBe(org.adminEmail);
      expect(res.user?.status).toBe(UserStatus.USER_STATUS_ACTIVE);
      expect(res.organization).toMatchObject({ id: org.organizationId, name: org.name, status: OrganizationStatus.ORGANIZATION_STATUS_ACTIVE });

      const me = await whoAmI(bearer(res.accessToken));
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
      expect(a.code).toBe(status.UNAUTHENTICATED);
      expect(a.reason).toBe('INVALID_CREDENTIALS');
      expect(a.message).toBe(answers[0]!.message);
      expect(a.errorInfoCount).toBe(1);
    }
  });

  it('rejects missing fields and passwords over 72 bytes with field violations, never truncating', async () => {
    const missing = await expectError(login({ organization: '', email: '  ', password: '' }));
    expect(missing.code).toBe(status.INVALID_ARGUMENT);
    expect(missing.fieldViolations.map((v) => v.field).sort()).toEqual(['email', 'organization', 'password']);

    // 73 bytes whose first 72 are the real password: bcrypt would accept it if we truncated.
    const long = await expectError(login({ organization: org.name, email: org.adminEmail, password: org.adminPassword.padEnd(72, 'x') + 'é' }));
    expect(long.code).toBe(status.INVALID_ARGUMENT);
    expect(long.fieldViolations).toEqual([{ field: 'password', description: 'must be at most 72 bytes' }]);
  });
});

describe('credentials on protected methods', () => {
  it('refuses calls without, or with malformed or forged, tokens', async () => {
    const none = await expectError(unary(ts.clients.auth.whoAmI.bind(ts.clients.auth), {}));
    expect(none).toMatchObject({ code: status.UNAUTHENTICATED, reason: 'MISSING_CREDENTIALS' });

    for (const token of ['garbage', 'imsop_at_' + 'A'.repeat(64), 'imsop_at_' + Buffer.alloc(48, 7).toString('base64url')]) {
      const bad = await expectError(whoAmI(bearer(token)));
      expect(bad).toMatchObject({ code: status.UNAUTHENTICATED, reason: 'INVALID_TOKEN' });
    }
  });

  it('Logout revokes the token at once and is idempotent for other tokens', async () => {
    const a = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
    const b = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
    await whoAmI(a.metadata); // warms the principal cache
    await unary(ts.clients.auth.logout.bind(ts.clients.auth), {}, a.metadata);
    expect((await expectError(whoAmI(a.metadata))).code).toBe(status.UNAUTHENTICATED);
    expect((await whoAmI(b.metadata)).user?.id).toBe(org.adminUserId);
  });

  it('resolves a token once for many calls that miss the principal cache together', async () => {
    const { accessToken } = await login({ organization: org.name, email: org.adminEmail, password: org.adminPassword });
    // Principal lookups are the transactions without a user (every call's own work has one).
    const transactions = vi.spyOn(ts.runtime.app.db, 'inTenant');
    try {
      const answers = await Promise.all(Array.from({ length: 25 }, () => whoAmI(bearer(accessToken))));
      expect(answers.every((a) => a.user?.id === org.adminUserId)).toBe(true);
      const lookups = transactions.mock.calls.filter(([scope]) => !scope.userId);
      expect(lookups).toHaveLength(1);
    } finally {
      transactions.mockRestore();
    }
  });

  it('echoes the request id and returns it in error details', async () => {
    const md = bearer('garbage');
    md.set('x-request-id', 'req-abc-123');
    const err = await expectError(whoAmI(md));
    expect(err.metadata.requestId).toBe('req-abc-123');
  });
});
