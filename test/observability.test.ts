import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as Serving } from '../gen/ts/grpc/health/v1/health.js';
import { startTracing, type Tracing } from '../src/platform/tracing.js';
import { adminUrlFor } from './support/database.js';
import { expectError } from './support/expect-error.js';
import { bearer } from './support/grpc.js';
import { Metadata, Status } from './support/sdk.js';
import { redisAvailable, startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, Watcher } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

// Tracing is process-wide (one global tracer provider): this file owns its fork, as every file does.
const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;
let ts: TestServer;
let t: Tenant;
let metricsEndpoint: { port: number; close(): Promise<void> };

beforeAll(async () => {
  tracing = await startTracing({
    serviceName: 'imsop-test',
    serviceVersion: '0',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  ts = await startTestServer();
  t = await signedInTenant(ts);
  metricsEndpoint = await ts.server.metrics.listen('127.0.0.1', 0);
});
afterAll(async () => {
  await metricsEndpoint?.close();
  await ts?.stop();
  await tracing?.shutdown();
});

const scrape = async () => (await fetch(`http://127.0.0.1:${metricsEndpoint.port}/metrics`)).text();
/** The value of one series of the exposition, matched by name and exact label set (any order). */
function series(body: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of body.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (
      Object.keys(labels).length === Object.keys(found).length &&
      Object.entries(labels).every(([k, v]) => found[k] === v)
    )
      return Number(m[3]);
  }
  return undefined;
}

const whoAmI = { grpc_type: 'unary', grpc_service: 'imsop.identity.v1.AuthService', grpc_method: 'WhoAmI' };
const watch = {
  grpc_type: 'server_stream',
  grpc_service: 'imsop.shipments.v1.TrackingService',
  grpc_method: 'WatchShipment',
};

describe('Prometheus metrics named as grpc-ecosystem dashboards expect', () => {
  it('counts started and handled unary calls by type, service, method and code, with a latency histogram', async () => {
    await expectError(ts.connect().auth.whoAmI({}));
    await t.imsop.auth.whoAmI({});
    const body = await scrape();
    expect(series(body, 'grpc_server_started_total', whoAmI)).toBeGreaterThanOrEqual(2);
    expect(
      series(body, 'grpc_server_handled_total', { ...whoAmI, grpc_code: 'UNAUTHENTICATED' }),
    ).toBeGreaterThanOrEqual(1);
    expect(series(body, 'grpc_server_handled_total', { ...whoAmI, grpc_code: 'OK' })).toBeGreaterThanOrEqual(1);
    expect(series(body, 'grpc_server_handling_seconds_count', whoAmI)).toBeGreaterThanOrEqual(2);
    expect(series(body, 'grpc_server_msg_received_total', whoAmI)).toBeGreaterThanOrEqual(2);
    expect(body).toMatch(/^imsop_build_info\{version="\d+\.\d+\.\d+[^"]*",node_version="v\d+[^"]*"\} 1$/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(body).toMatch(/^imsop_db_pool_connections \d+/m);
    expect(body).toMatch(/^imsop_background_task_runs_total\{task="[^"]+",outcome="ok"\} [1-9]/m);
    expect(body).not.toContain('imsop_grpc_calls_total');
  });

  it('counts a watch ended by its deadline as DEADLINE_EXCEEDED and one the client cancelled as CANCELLED, with its messages, outside the latency histogram', async () => {
    const shipment = await createTrackableShipment(t.imsop);
    const before = await scrape();
    const base = (code: string) => series(before, 'grpc_server_handled_total', { ...watch, grpc_code: code }) ?? 0;

    // Both watches must reach the server before they end (grpc-js answers a call that arrives
    // past its deadline, or cancelled, without running it): the deadline leaves a loaded machine
    // time, and the cancel waits until the server holds both streams open.
    const expired = new Watcher(
      ts.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(t.token), {
        deadline: Date.now() + 3_000,
      }),
    );
    const cancelled = new Watcher(
      ts.clients.tracking.watchShipment({ shipmentId: shipment.id, sinceSequence: 0 }, bearer(t.token)),
    );
    const open = { grpc_service: watch.grpc_service, grpc_method: watch.grpc_method };
    const opened = Date.now() + 10_000;
    while ((series(await scrape(), 'imsop_grpc_open_streams', open) ?? 0) < 2 && Date.now() < opened)
      await new Promise((r) => setTimeout(r, 20));
    cancelled.call.cancel();
    await expired.whenEnded();
    await cancelled.whenEnded();
    expect(expired.error?.code).toBe(Status.DEADLINE_EXCEEDED);

    // The server notices both ends asynchronously: poll the counters.
    const deadline = Date.now() + 10_000;
    let body = await scrape();
    while (
      ((series(body, 'grpc_server_handled_total', { ...watch, grpc_code: 'DEADLINE_EXCEEDED' }) ?? 0) <=
        base('DEADLINE_EXCEEDED') ||
        (series(body, 'grpc_server_handled_total', { ...watch, grpc_code: 'CANCELLED' }) ?? 0) <= base('CANCELLED')) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
      body = await scrape();
    }
    expect(series(body, 'grpc_server_handled_total', { ...watch, grpc_code: 'DEADLINE_EXCEEDED' })).toBe(
      base('DEADLINE_EXCEEDED') + 1,
    );
    expect(series(body, 'grpc_server_handled_total', { ...watch, grpc_code: 'CANCELLED' })).toBe(base('CANCELLED') + 1);
    expect(series(body, 'grpc_server_handled_total', { ...watch, grpc_code: 'OK' }) ?? 0).toBe(base('OK'));
    expect(series(body, 'grpc_server_msg_received_total', watch)).toBeGreaterThanOrEqual(2);
    expect(series(body, 'grpc_server_handling_seconds_count', watch)).toBeUndefined();
  });
});

describe('OpenTelemetry tracing', () => {
  it("puts one call's server span and its SQL spans in the caller's trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    exporter.reset();
    // GetOrganization reads the database on every call (WhoAmI's answer is cached with the principal).
    await t.imsop.organizations.getOrganization(
      {},
      { metadata: Metadata({ traceparent: `00-${traceId}-${callerSpanId}-01` }) },
    );
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const server = spans.find((s) => s.name === 'imsop.identity.v1.OrganizationService/GetOrganization');
    expect(server).toBeDefined();
    expect(server!.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(server!.attributes['rpc.grpc.status_code']).toBe(0);
    const sql = spans.filter((s) => s.name.startsWith('postgresql '));
    expect(sql.length).toBeGreaterThan(0);
    for (const s of sql) {
      expect(s.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
      expect(s.attributes['db.system.name']).toBe('postgresql');
      expect(String(s.attributes['db.query.text'])).not.toMatch(/correct-horse|imsop_at_/);
    }
  });

  it('starts a new trace for a call without traceparent, and marks failed calls', async () => {
    exporter.reset();
    await expectError(ts.connect().auth.whoAmI({}));
    const server = exporter.getFinishedSpans().find((s) => s.name === 'imsop.identity.v1.AuthService/WhoAmI');
    expect(server?.parentSpanContext).toBeUndefined();
    expect(server?.attributes['rpc.grpc.status_code']).toBe(Status.UNAUTHENTICATED);
    expect(server?.status.code).toBe(2); // SpanStatusCode.ERROR
  });
});

describe.runIf(redisAvailable)('OpenTelemetry tracing with Redis', () => {
  it("puts the call's Redis commands in its trace too", async () => {
    const own = await startTestServer({ database: ts.database, redis: true });
    try {
      const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      exporter.reset();
      await own
        .connect(t.token)
        .auth.whoAmI({}, { metadata: Metadata({ traceparent: `00-${traceId}-1122334455667788-01` }) });
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const server = spans.find((s) => s.name === 'imsop.identity.v1.AuthService/WhoAmI')!;
      const redis = spans.filter((s) => s.name.startsWith('redis '));
      expect(redis.length).toBeGreaterThan(0);
      for (const s of redis) {
        expect(s.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
        expect(s.attributes['db.system.name']).toBe('redis');
      }
    } finally {
      await own.stop();
    }
  });
});

describe('log lines', () => {
  it('carry the level as a word, the time in ISO 8601, and the trace id of the call', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const own = await startTestServer({ database: ts.database, env: { LOG_LEVEL: 'info' }, logTo: sink });
    try {
      await own
        .connect(t.token)
        .auth.whoAmI(
          {},
          { metadata: Metadata({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }) },
        );
      const finished = lines.find(
        (l) => l.msg === 'call finished' && l.method === '/imsop.identity.v1.AuthService/WhoAmI',
      );
      expect(finished).toMatchObject({ level: 'info', traceId: '0af7651916cd43dd8448eb211c80319c', code: 'OK' });
      expect(new Date(String(finished!.time)).toISOString()).toBe(finished!.time);
    } finally {
      await own.stop();
    }
  });
});

describe('health follows the database', () => {
  it('turns NOT_SERVING when PostgreSQL stays unreachable, keeps liveness SERVING, and recovers', async () => {
    const own = await startTestServer({
      env: { HEALTH_DATABASE_CHECK_INTERVAL_MS: '100', HEALTH_DATABASE_UNREACHABLE_MS: '500' },
    });
    const admin = new pg.Client({ connectionString: adminUrlFor('postgres') });
    await admin.connect();
    const health = own.connect().health;
    const check = (service: string) => health.check({ service }).then((r) => r.status);
    const until = async (service: string, wanted: Serving) => {
      const deadline = Date.now() + 15_000;
      while ((await check(service)) !== wanted) {
        if (Date.now() > deadline) throw new Error(`${service || 'server'} never became ${Serving[wanted]}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      expect(await check('')).toBe(Serving.SERVING);
      // The database refuses new connections and loses the ones it had: unreachable for the server.
      await admin.query(`ALTER DATABASE ${own.database.name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
        own.database.name,
      ]);
      await until('', Serving.NOT_SERVING);
      expect(await check('imsop.inventory.v1.ProductService')).toBe(Serving.NOT_SERVING);
      expect(await check('liveness')).toBe(Serving.SERVING);

      await admin.query(`ALTER DATABASE ${own.database.name} ALLOW_CONNECTIONS true`);
      await until('', Serving.SERVING);
      expect(await check('imsop.inventory.v1.ProductService')).toBe(Serving.SERVING);
    } finally {
      await admin.query(`ALTER DATABASE ${own.database.name} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
      await own.stop();
    }
  });
});
