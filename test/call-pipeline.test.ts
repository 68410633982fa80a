import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthServiceService, WhoAmIResponse } from '../gen/ts/imsop/identity/v1/auth_service.js';
import { authHandlers } from '../src/identity/auth-handlers.js';
import type { AuthService } from '../src/identity/auth-service.js';
import { accessOf } from '../src/method-access.js';
import { MemoryBus } from '../src/platform/bus/memory-bus.js';
import { bindService, publicMethod, PublicMethod, type CallEnvironment } from '../src/platform/grpc/bind-service.js';
import { StreamLimits } from '../src/platform/grpc/stream-limits.js';
import { expectError } from './support/expect-error.js';
import { Metadata, Status } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

// The call pipeline as a whole (src/platform/grpc/pipeline/call-pipeline.ts): handlers are bound
// only to the access their method declares, and every call, refused or not, ends in one log line
// that says who called once the caller is known.

describe('binding handlers at server start', () => {
  /** Enough of a running server to bind services with; no call is made. */
  const env = (access = accessOf): CallEnvironment => ({
    logger: pino({ level: 'silent' }),
    authenticator: { authenticate: () => Promise.reject(new Error('no calls are made here')) },
    accessOf: access,
    track: () => {},
    shuttingDown: new AbortController().signal,
    revalidation: { bus: new MemoryBus(), intervalMs: 60_000 },
    streamLimits: new StreamLimits({ perAddress: 1, perPrincipal: 1, perOrganization: 1, total: 1 }),
  });
  // Handlers only touch the service when called.
  const handlers = authHandlers({} as AuthService);

  it('binds handlers that match the access their methods declare', () => {
    expect(bindService(AuthServiceService, handlers, env()).name).toBe('imsop.identity.v1.AuthService');
  });

  it('refuses to start when a public method’s handler expects an authenticated caller', () => {
    if (!(handlers.login instanceof PublicMethod)) throw new Error('Login is bound with publicMethod()');
    // The same handler, unmarked: it type-checks (a public context is less than an authenticated one), so start refuses it.
    const login = handlers.login.handler;
    expect(() => bindService(AuthServiceService, { ...handlers, login }, env())).toThrow(
      '/imsop.identity.v1.AuthService/Login is declared public in its proto, but its handler expects an authenticated caller',
    );
  });

  it('refuses to start when a method that requires a caller is bound as public', () => {
    const whoAmI = publicMethod(async () => WhoAmIResponse.create());
    expect(() => bindService(AuthServiceService, { ...handlers, whoAmI } as typeof handlers, env())).toThrow(
      '/imsop.identity.v1.AuthService/WhoAmI is bound with publicMethod(), but its proto declares authenticated access',
    );
  });

  it('refuses to start when a method declares no access at all (fail closed)', () => {
    const undeclared = (path: string) => (path.endsWith('/RefreshToken') ? undefined : accessOf(path));
    expect(() => bindService(AuthServiceService, handlers, env(undeclared))).toThrow(
      '/imsop.identity.v1.AuthService/RefreshToken declares no access',
    );
  });
});

describe('the line every call ends with', () => {
  const lines: Record<string, unknown>[] = [];
  let ts: TestServer;
  let org: Tenant;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    ts = await startTestServer({ env: { LOG_LEVEL: 'info' }, logTo: sink });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  /** The 'call finished' line of the call sent with this x-request-id (logged as the call ends, before the client hears). */
  const finished = (requestId: string) => lines.find((l) => l.msg === 'call finished' && l.requestId === requestId);
  const withRequestId = (requestId: string) => ({ metadata: Metadata({ 'x-request-id': requestId }) });

  it('names the caller’s organization and user once authenticated, also when the access check refuses the call', async () => {
    const viewer = await userWithRoles(ts, org, ['viewer']);
    await org.imsop.users.listUsers({}, withRequestId('pipeline-ok'));
    expect(finished('pipeline-ok')).toMatchObject({
      level: 'info',
      method: '/imsop.identity.v1.UserService/ListUsers',
      code: 'OK',
      orgId: org.organizationId,
      actorId: org.adminUserId,
    });

    const refused = await expectError(
      viewer.imsop.users.createUser(
        { email: 'x@x.test', displayName: 'X', password: 'long-enough-password' },
        withRequestId('pipeline-denied'),
      ),
    );
    expect(refused).toMatchObject({
      code: Status.PERMISSION_DENIED,
      reason: 'PERMISSION_DENIED',
      metadata: { requestId: 'pipeline-denied' },
    });
    expect(finished('pipeline-denied')).toMatchObject({
      level: 'warn',
      code: 'PERMISSION_DENIED',
      orgId: org.organizationId,
      actorId: viewer.id,
    });
  });

  it('names no caller when there is none: a public method, or a call without credentials', async () => {
    await ts
      .connect()
      .auth.login(
        { organization: org.name, email: org.adminEmail, password: org.adminPassword },
        withRequestId('pipeline-public'),
      );
    const login = finished('pipeline-public');
    expect(login).toMatchObject({ level: 'info', method: '/imsop.identity.v1.AuthService/Login', code: 'OK' });
    expect(login).not.toHaveProperty('orgId');

    const anonymous = await expectError(ts.connect().auth.whoAmI({}, withRequestId('pipeline-anonymous')));
    expect(anonymous).toMatchObject({
      code: Status.UNAUTHENTICATED,
      reason: 'MISSING_CREDENTIALS',
      metadata: { requestId: 'pipeline-anonymous' },
    });
    const line = finished('pipeline-anonymous');
    expect(line).toMatchObject({ level: 'warn', code: 'UNAUTHENTICATED' });
    expect(line).not.toHaveProperty('orgId');
  });
});
