import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createImsopClient, ImsopError, paginate, Status, type ImsopClient } from './support/sdk.js';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';

let ts: TestServer;
let org: SeededOrganization;
let imsop: ImsopClient;

beforeAll(async () => {
  ts = await startTestServer();
  org = await seedOrganization(ts);
  imsop = createImsopClient({ address: ts.address });
});
afterAll(async () => {
  imsop?.close();
  await ts?.stop();
});

async function failure(promise: Promise<unknown>): Promise<ImsopError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImsopError);
  return error as ImsopError;
}

describe('SDK client', () => {
  it('logs in, attaches the credential, and calls typed methods with partial requests', async () => {
    const { accessToken } = await imsop.auth.login({ organization: org.name, email: org.adminEmail, password: org.adminPassword });
    imsop.setCredential(accessToken);
    const me = await imsop.auth.whoAmI({});
    expect(me.user?.id).toBe(org.adminUserId);
    expect(me.roles).toContain('admin');
    expect((await imsop.health.check({})).status).toBe(1);
  });

  it('decodes failures into ImsopError with code, reason, field violations and request id', async () => {
    const invalid = await failure(imsop.auth.login({ organization: org.name, email: '', password: 'x'.repeat(73) }));
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(invalid.codeName).toBe('INVALID_ARGUMENT');
    expect(invalid.fieldViolations.map((v) => v.field).sort()).toEqual(['email', 'password']);
    expect(invalid.requestId).toMatch(/.+/);
    expect(invalid.method).toBe('/imsop.identity.v1.AuthService/Login');

    const anonymous = createImsopClient({ address: ts.address });
    try {
      const denied = await failure(anonymous.auth.whoAmI({}));
      expect(denied.code).toBe(Status.UNAUTHENTICATED);
      expect(denied.reason).toBe('MISSING_CREDENTIALS');
    } finally {
      anonymous.close();
    }
  });

  it('gives mutating calls a request_id (so retries are safe) and pages lists as async iterators', async () => {
    const admin = new pg.Client({ connectionString: ts.database.adminUrl });
    await admin.connect();
    try {
      const count = async () => (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM request_idempotency')).rows[0]!.n;
      const before = await count();
      const emails: string[] = [];
      for (let i = 0; i < 5; i++) {
        const email = `sdk-user-${i}@sdk.test`;
        await imsop.users.createUser({ email, displayName: `SDK ${i}`, password: 'sdk-password-123' });
        emails.push(email);
      }
      expect(await count()).toBe(before + 5);

      const seen: string[] = [];
      for await (const user of paginate(imsop.users.listUsers, { pageSize: 2 }, (res) => res.users)) seen.push(user.email);
      expect(seen).toEqual(expect.arrayContaining([org.adminEmail, ...emails]));
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await admin.end();
    }
  });

  it('applies a default deadline to unary calls', async () => {
    const hasty = createImsopClient({ address: ts.address, defaultDeadlineMs: 1 });
    try {
      const late = await failure(hasty.auth.login({ organization: org.name, email: org.adminEmail, password: org.adminPassword }));
      expect(late.code).toBe(Status.DEADLINE_EXCEEDED);
    } finally {
      hasty.close();
    }
  });
});
