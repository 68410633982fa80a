import { Metadata as ServerMetadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config.js';
import { FairQueue, QueueFullError } from '../src/platform/fair-queue.js';
import { ClientAddressResolver, parseAddressRange } from '../src/platform/grpc/client-address.js';
import { expectError } from './support/expect-error.js';
import { Metadata, Status, type ImsopClient, type ImsopError } from './support/sdk.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

// Sign-in fairness and the client address behind proxies. One test process poses as many
// clients: 127.0.0.1 is a trusted proxy, and each call names its client in x-forwarded-for.

const anonymousClients = new WeakMap<TestServer, ImsopClient>();
/** One client without credentials per server, shared by the many sign-ins a test sends. */
const anonymous = (ts: TestServer) => anonymousClients.get(ts) ?? anonymousClients.set(ts, ts.connect()).get(ts)!;
const login = (ts: TestServer, from: string | undefined, organization: string, email: string, password: string) =>
  anonymous(ts).auth.login(
    { organization, email, password },
    from === undefined ? {} : { metadata: Metadata({ 'x-forwarded-for': from }) },
  );
const bogus = (ts: TestServer, from: string | undefined, i: number) =>
  expectError(login(ts, from, `no-such-org-${i}`, `nobody${i}@x.test`, 'wrong-password-1'));

describe('client address behind trusted proxies', () => {
  let ts: TestServer;
  let org: Tenant;
  beforeAll(async () => {
    ts = await startTestServer({
      env: {
        TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1, fd00::/8',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '3',
        LOGIN_THROTTLE_WINDOW_SECONDS: '60',
      },
    });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it('throttles each forwarded client separately, so one cannot lock out another behind the same balancer', async () => {
    for (let i = 0; i < 3; i++) expect((await bogus(ts, '198.51.100.1', i)).reason).toBe('INVALID_CREDENTIALS');
    const locked = await expectError(login(ts, '198.51.100.1', org.name, org.adminEmail, org.adminPassword));
    expect(locked).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, reason: 'LOGIN_THROTTLED' });
    // The admin, behind the same balancer, from another address (IPv4 and IPv6).
    expect((await login(ts, '198.51.100.2', org.name, org.adminEmail, org.adminPassword)).accessToken).toMatch(
      /^imsop_at_/,
    );
    expect((await login(ts, '2001:db8::7', org.name, org.adminEmail, org.adminPassword)).accessToken).toMatch(
      /^imsop_at_/,
    );
  });

  it('takes the right-most address that is not a trusted proxy; what the client wrote left of it is ignored', async () => {
    for (let i = 0; i < 3; i++) expect((await bogus(ts, '203.0.113.5', i)).reason).toBe('INVALID_CREDENTIALS');
    // A client spoofing a fresh address in front of its real one (appended by the proxies) is still itself.
    const spoofed = await expectError(
      login(ts, '192.0.2.99, 203.0.113.5, 10.1.2.3, fd00::1', org.name, org.adminEmail, org.adminPassword),
    );
    expect(spoofed.reason).toBe('LOGIN_THROTTLED');
    const withPort = await expectError(login(ts, '203.0.113.5:4711', org.name, org.adminEmail, org.adminPassword));
    expect(withPort.reason).toBe('LOGIN_THROTTLED');
  });
});

describe('client address from untrusted peers', () => {
  let ts: TestServer;
  let org: Tenant;
  beforeAll(async () => {
    // The test's own peer (127.0.0.1) is not among the trusted proxies.
    ts = await startTestServer({
      env: { TRUSTED_PROXIES: '10.0.0.0/8', LOGIN_MAX_FAILURES_PER_ADDRESS: '3', LOGIN_THROTTLE_WINDOW_SECONDS: '60' },
    });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it('ignores a spoofed x-forwarded-for: the limits apply to the direct peer', async () => {
    for (let i = 0; i < 3; i++) expect((await bogus(ts, `198.51.100.${10 + i}`, i)).reason).toBe('INVALID_CREDENTIALS');
    const e = await expectError(login(ts, '198.51.100.50', org.name, org.adminEmail, org.adminPassword));
    expect(e).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, reason: 'LOGIN_THROTTLED' });
  });
});

describe('throttle counters', () => {
  let ts: TestServer;
  let org: Tenant;
  beforeAll(async () => {
    ts = await startTestServer({ env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '3', LOGIN_THROTTLE_WINDOW_SECONDS: '60' } });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it('live apart from cached reads: a tenant filling the read cache does not reset them', async () => {
    for (let i = 0; i < 3; i++) expect((await bogus(ts, undefined, i)).reason).toBe('INVALID_CREDENTIALS');
    // What a tenant reading 60,000 distinct cached rows does to the read cache (more than it holds).
    const cache = ts.runtime.app.cache;
    for (let i = 0; i < 60_000; i++)
      await cache.set(`org:${org.organizationId}:product:${i}`, { id: i, sku: `SKU-${i}` }, 300);
    expect((await expectError(login(ts, undefined, org.name, org.adminEmail, org.adminPassword))).reason).toBe(
      'LOGIN_THROTTLED',
    );
  });
});

describe.runIf(redisAvailable)('throttle counters in Redis, shared by two instances', () => {
  let first: TestServer;
  let second: TestServer;
  let org: Tenant;
  const env = {
    TRUSTED_PROXIES: '127.0.0.1',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '3',
    LOGIN_THROTTLE_WINDOW_SECONDS: '60',
  };
  beforeAll(async () => {
    first = await startTestServer({ redis: true, env });
    second = await startTestServer({ database: first.database, redis: true, env });
    org = await signedInTenant(first);
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('count an address across instances; a right password gives its reservation back, a wrong one keeps it', async () => {
    // An address of its own on the shared Redis, so other runs cannot count against it.
    const from = `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    expect((await bogus(first, from, 1)).reason).toBe('INVALID_CREDENTIALS');
    expect((await bogus(second, from, 2)).reason).toBe('INVALID_CREDENTIALS');
    expect((await login(first, from, org.name, org.adminEmail, org.adminPassword)).accessToken).toMatch(/^imsop_at_/);
    expect((await bogus(second, from, 3)).reason).toBe('INVALID_CREDENTIALS');
    const e = await bogus(first, from, 4);
    expect(e).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, reason: 'LOGIN_THROTTLED' });
    expect(e.retryDelayMs).toBeGreaterThan(0);
  });
});

describe('per-address failure limit under a burst', () => {
  let ts: TestServer;
  beforeAll(async () => {
    // A high per-address concurrency cap, so only the failure limit decides.
    ts = await startTestServer({
      env: {
        LOGIN_MAX_FAILURES_PER_ADDRESS: '100',
        LOGIN_MAX_CONCURRENT_PER_ADDRESS: '1000',
        LOGIN_THROTTLE_WINDOW_SECONDS: '60',
      },
    });
  });
  afterAll(() => ts?.stop());

  it('reserves each attempt before checking it: of 150 parallel wrong passwords at most 100 reach a password check', async () => {
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        expectError(login(ts, undefined, `no-such-org-${i}`, `nobody${i}@x.test`, 'wrong-password-1')),
      ),
    );
    const checked = answers.filter((a) => a.reason === 'INVALID_CREDENTIALS').length;
    const throttled = answers.filter((a) => a.code === Status.RESOURCE_EXHAUSTED && a.reason === 'LOGIN_THROTTLED');
    expect(checked).toBe(100);
    expect(throttled.length).toBe(50);
    for (const t of throttled) expect(t.retryDelayMs).toBeGreaterThan(0);
  });
});

describe('fair password hashing across addresses', () => {
  let ts: TestServer;
  let org: Tenant;
  beforeAll(async () => {
    // A production-like hashing cost, so a flood of bogus sign-ins is real work; the admin's
    // own hash is cheap (seeded at cost 4): what delays their sign-in is the queue, nothing else.
    ts = await startTestServer({
      env: { TRUSTED_PROXIES: '127.0.0.1', BCRYPT_COST: '11', LOGIN_MAX_CONCURRENT_PER_ADDRESS: '8' },
    });
    org = await signedInTenant(ts);
  });
  afterAll(() => ts?.stop());

  it('one address flooding sign-ins gets its share of hashing, not the whole of it: the excess is refused at once and another tenant signs in ahead of it', async () => {
    const attacker = '203.0.113.66';
    const answered: ImsopError[] = [];
    const flood = Array.from({ length: 90 }, (_, i) => bogus(ts, attacker, i).then((e) => void answered.push(e)));
    // Once the attacker's first answer is back, its checks fill its share of the queue.
    await waitFor(() => answered.length > 0);

    const admin = await login(ts, '198.51.100.7', org.name, org.adminEmail, org.adminPassword);
    const checkedBeforeAdmin = answered.filter((a) => a.reason === 'INVALID_CREDENTIALS').length;
    await Promise.all(flood);

    expect(admin.accessToken).toMatch(/^imsop_at_/);
    const refused = answered.filter((a) => a.code === Status.RESOURCE_EXHAUSTED);
    expect(refused.length).toBeGreaterThanOrEqual(90 - 8);
    for (const r of refused) {
      expect(r.reason).toBe('TOO_MANY_CONCURRENT_LOGINS');
      expect(r.retryDelayMs).toBeGreaterThan(0);
    }
    // At most 8 of the attacker's checks were admitted, and the admin was served before they were all done.
    const checked = answered.filter((a) => a.reason === 'INVALID_CREDENTIALS').length;
    expect(checked).toBeLessThanOrEqual(8);
    expect(checkedBeforeAdmin).toBeLessThan(checked);
  });
});

describe('TRUSTED_PROXIES setting', () => {
  it('refuses a malformed range with a clear error naming the variable', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1, 2001:db8::/32' }).TRUSTED_PROXIES).toHaveLength(3);
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    for (const bad of ['10.0.0.0/33', 'load-balancer', '10.0.0.0/8/1', 'fd00::/129']) {
      let error: unknown;
      try {
        loadConfig({ TRUSTED_PROXIES: `127.0.0.1,${bad}` });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(new RegExp(`^TRUSTED_PROXIES: "${bad.replace(/[./]/g, '\\$&')}" is not`)),
      ]);
    }
  });
});

describe('building blocks', () => {
  it('the fair queue serves lanes in turn, caps a lane, and bounds the waiting', async () => {
    const queue = new FairQueue(1, 6);
    const order: string[] = [];
    const job = (name: string) => async () => void order.push(name);
    const runs = [
      ...['a1', 'a2', 'a3', 'a4'].map((n) => queue.run('a', job(n), 4)),
      queue.run('b', job('b1'), 4),
      queue.run('c', job('c1'), 4),
      queue.run('b', job('b2'), 4),
    ];
    const laneFull = queue.run('a', job('a5'), 4);
    const queueFull = queue.run('d', job('d1'));
    await expect(laneFull).rejects.toEqual(new QueueFullError('lane'));
    await expect(queueFull).rejects.toEqual(new QueueFullError('queue'));
    await Promise.all(runs);
    expect(order).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'b2', 'a4']);
    await queue.run('a', job('a6'), 1); // a lane's cap frees up as its jobs end
  });

  it('the client address: right-most untrusted x-forwarded-for entry from a trusted peer, else the peer', () => {
    const resolver = new ClientAddressResolver(['10.0.0.0/8', '2001:db8:ff::/48'].map((r) => parseAddressRange(r)!));
    const xff = (...values: string[]) => {
      const md = new ServerMetadata();
      for (const v of values) md.add('x-forwarded-for', v);
      return md;
    };
    expect(resolver.resolve('10.0.0.5:4000', xff('192.0.2.1, 198.51.100.2'))).toBe('198.51.100.2');
    expect(resolver.resolve('10.0.0.5:4000', xff('192.0.2.1', '198.51.100.2, 10.9.9.9'))).toBe('198.51.100.2');
    expect(resolver.resolve('[2001:db8:ff::1]:4000', xff('[2001:DB8::9]:1234'))).toBe('2001:db8::9');
    expect(resolver.resolve('::ffff:10.0.0.5:4000', xff('::ffff:198.51.100.3'))).toBe('198.51.100.3');
    expect(resolver.resolve('10.0.0.5:4000', xff('10.1.1.1, 10.2.2.2'))).toBe('10.1.1.1'); // only proxies: the first
    expect(resolver.resolve('10.0.0.5:4000', xff('198.51.100.2, not-an-address'))).toBe('10.0.0.5'); // unreadable: the last known hop
    expect(resolver.resolve('10.0.0.5:4000', new ServerMetadata())).toBe('10.0.0.5');
    expect(resolver.resolve('192.0.2.7:4000', xff('198.51.100.2'))).toBe('192.0.2.7'); // untrusted peer: header ignored
    expect(new ClientAddressResolver().resolve('10.0.0.5:4000', xff('198.51.100.2'))).toBe('10.0.0.5');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
