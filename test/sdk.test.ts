import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  createImsopClient,
  ImsopError,
  isImsopError,
  Metadata,
  paginate,
  Status,
  type ImsopClient,
  type ImsopMiddleware,
} from './support/sdk.js';
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
    const { accessToken } = await imsop.auth.login({
      organization: org.name,
      email: org.adminEmail,
      password: org.adminPassword,
    });
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
      const count = async () =>
        (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM request_idempotency')).rows[0]!.n;
      const before = await count();
      const emails: string[] = [];
      for (let i = 0; i < 5; i++) {
        const email = `sdk-user-${i}@sdk.test`;
        await imsop.users.createUser({ email, displayName: `SDK ${i}`, password: 'sdk-password-123' });
        emails.push(email);
      }
      expect(await count()).toBe(before + 5);

      const seen: string[] = [];
      for await (const user of paginate(imsop.users.listUsers, { pageSize: 2 }, (res) => res.users))
        seen.push(user.email);
      expect(seen).toEqual(expect.arrayContaining([org.adminEmail, ...emails]));
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await admin.end();
    }
  });

  it('applies a default deadline to unary calls', async () => {
    const hasty = createImsopClient({ address: ts.address, defaultDeadlineMs: 1 });
    try {
      const late = await failure(
        hasty.auth.login({ organization: org.name, email: org.adminEmail, password: org.adminPassword }),
      );
      expect(late.code).toBe(Status.DEADLINE_EXCEEDED);
    } finally {
      hasty.close();
    }
  });

  it('takes typed per-call options: a deadline as a Date or in ms, an AbortSignal, metadata', async () => {
    const past = await failure(imsop.auth.whoAmI({}, { deadline: new Date(Date.now() - 1000) }));
    expect(past.code).toBe(Status.DEADLINE_EXCEEDED);
    expect((await imsop.auth.whoAmI({}, { deadline: 5_000 })).user?.id).toBe(org.adminUserId);

    const aborted = new AbortController();
    aborted.abort();
    await expect(imsop.auth.whoAmI({}, { signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });

    // Metadata of the call wins over the client's credential: here, no valid one.
    const overridden = await failure(
      imsop.auth.whoAmI({}, { metadata: Metadata({ authorization: 'Bearer not-a-token' }) }),
    );
    expect(overridden.reason).toBe('INVALID_TOKEN');
  });

  it('types error reasons and narrows their metadata to what the reason declares', async () => {
    const { warehouse } = await imsop.warehouses.createWarehouse({ warehouse: { code: 'SDK-ERR', name: 'Errors' } });
    const { product } = await imsop.products.createProduct({ product: { sku: 'SDK-ERR-1', name: 'Scarce' } });
    await imsop.stock.receiveStock({ warehouseId: warehouse!.id, productId: product!.id, quantity: 3 });
    const reserve = imsop.stock.reserveStock({
      warehouseId: warehouse!.id,
      productId: product!.id,
      quantity: 5,
      expiration: { $case: 'ttl', value: { seconds: 60, nanos: 0 } },
    });
    const error: unknown = await reserve.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isImsopError(error, 'INSUFFICIENT_STOCK')).toBe(true);
    if (!isImsopError(error, 'INSUFFICIENT_STOCK')) return;
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    // Typed: `available` and `requested` are declared by the reason (a typo would not compile).
    expect({
      available: error.metadata.available,
      requested: error.metadata.requested,
      warehouseId: error.metadata.warehouse_id,
    }).toEqual({
      available: '3',
      requested: '5',
      warehouseId: warehouse!.id,
    });
    expect(error.rawReason).toBe('INSUFFICIENT_STOCK');
    expect(error.hasReason('WAREHOUSE_INACTIVE')).toBe(false);
  });

  it('runs middleware around every call, the first listed outermost, and shows it failures as ImsopError', async () => {
    const seen: string[] = [];
    const named = (name: string): ImsopMiddleware =>
      async function* (call, options) {
        seen.push(`${name}>${call.method.path}`);
        try {
          return yield* call.next(call.request, options);
        } catch (error) {
          seen.push(`${name}!${error instanceof ImsopError ? error.reason : 'other'}`);
          throw error;
        }
      };
    const observed = createImsopClient({ address: ts.address, middleware: [named('outer'), named('inner')] });
    try {
      await failure(observed.auth.whoAmI({}));
      expect(seen).toEqual([
        'outer>/imsop.identity.v1.AuthService/WhoAmI',
        'inner>/imsop.identity.v1.AuthService/WhoAmI',
        'inner!MISSING_CREDENTIALS',
        'outer!MISSING_CREDENTIALS',
      ]);
    } finally {
      observed.close();
    }
  });

  it('refreshes the credential once when a unary call is UNAUTHENTICATED, and asks a credential function on every call', async () => {
    const { accessToken } = await imsop.auth.login({
      organization: org.name,
      email: org.adminEmail,
      password: org.adminPassword,
    });
    const refreshed: (string | undefined)[] = [];
    const refreshing = createImsopClient({
      address: ts.address,
      credential: 'expired-token',
      refreshCredential: (error) => {
        refreshed.push(error.reason);
        return accessToken;
      },
    });
    try {
      expect((await refreshing.auth.whoAmI({})).user?.id).toBe(org.adminUserId);
      expect((await refreshing.auth.whoAmI({})).user?.id).toBe(org.adminUserId);
      expect(refreshed).toEqual(['INVALID_TOKEN']);
    } finally {
      refreshing.close();
    }

    let asked = 0;
    const provided = createImsopClient({ address: ts.address, credential: async () => (asked++, accessToken) });
    try {
      await provided.auth.whoAmI({});
      await provided.auth.whoAmI({});
      expect(asked).toBe(2);
    } finally {
      provided.close();
    }
  });
});
