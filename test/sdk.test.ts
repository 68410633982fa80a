import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImsopClient, ImsopError, Status, type ImsopClient } from '../src/sdk/index.js';
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
