import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as Serving } from '../gen/ts/grpc/health/v1/health.js';
import { expectError } from './support/expect-error.js';
import { Status } from './support/sdk.js';
import { seedOrganization, startTestServer, type TestServer } from './support/server.js';
import { loginAs } from './support/tenant.js';

let ts: TestServer;
afterAll(() => ts?.stop());
beforeAll(async () => {
  ts = await startTestServer({ env: { BCRYPT_COST: '12' } });
});

const check = (t: TestServer) => t.connect().health.check({ service: '' });

describe('server lifecycle', () => {
  it('reports SERVING for the server and each IMSOP service once listening', async () => {
    expect((await check(ts)).status).toBe(Serving.SERVING);
    const auth = await ts.connect().health.check({ service: 'imsop.identity.v1.AuthService' });
    expect(auth.status).toBe(Serving.SERVING);
  });

  it('exposes Prometheus metrics per method and code on a separate HTTP port', async () => {
    await expectError(ts.connect().auth.whoAmI({}));
    const endpoint = await ts.server.metrics.listen('127.0.0.1', 0);
    try {
      const body = await (await fetch(`http://127.0.0.1:${endpoint.port}/metrics`)).text();
      expect(body).toMatch(
        /grpc_server_handled_total\{grpc_type="unary",grpc_service="imsop\.identity\.v1\.AuthService",grpc_method="WhoAmI",grpc_code="UNAUTHENTICATED"\} [1-9]/,
      );
      expect(body).toContain('grpc_server_handling_seconds_bucket');
      expect(body).toMatch(/imsop_db_pool_connections \d+/);
    } finally {
      await endpoint.close();
    }
  });

  it('honours deadlines: a call whose deadline passes gets DEADLINE_EXCEEDED', async () => {
    const org = await seedOrganization(ts);
    // bcrypt at cost 12 takes far longer than 5 ms, so the deadline passes mid-call.
    const err = await expectError(
      ts
        .connect(undefined, { defaultDeadlineMs: 5 })
        .auth.login({ organization: org.name, email: org.adminEmail, password: org.adminPassword }),
    );
    expect(err.code).toBe(Status.DEADLINE_EXCEEDED);
  });

  it('on shutdown turns NOT_SERVING, lets an in-flight call finish, then refuses new calls', async () => {
    const other = await startTestServer({ database: ts.database, env: { BCRYPT_COST: '12' } });
    const org = await seedOrganization(other);
    const watch = other.clients.health.watch({ service: '' });
    const seen: Serving[] = [];
    watch.on('data', (r: { status: Serving }) => seen.push(r.status));
    watch.on('error', () => {});
    await new Promise((r) => setTimeout(r, 50));

    // A slow call (bcrypt cost 12) is in flight when shutdown starts.
    const inFlight = loginAs(other, org.name, org.adminEmail, org.adminPassword);
    await new Promise((r) => setTimeout(r, 20));
    const stopping = other.server.shutdown(5_000);
    const response = await inFlight;
    expect(response.token).toMatch(/^imsop_at_/);
    await stopping;
    expect(seen).toContain(Serving.NOT_SERVING);

    const refused = await expectError(check(other));
    expect(refused.code).toBe(Status.UNAVAILABLE);
    await other.stop();
  });
});
