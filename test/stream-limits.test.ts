import { connect, constants as http2 } from 'node:http2';
import {
  credentials,
  Metadata,
  type ClientReadableStream,
  type ClientDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HealthCheckResponse_ServingStatus as Serving,
  HealthClient,
  type HealthCheckResponse,
} from '../gen/ts/grpc/health/v1/health.js';
import {
  ServerReflectionClient,
  ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../gen/ts/grpc/reflection/v1/reflection.js';
import { errorInfoCount, expectError, serviceError, statusError } from './support/expect-error.js';
import { bearer, unary } from './support/grpc.js';
import { Status, type ImsopError } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
} from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { RawCall } from './support/raw-stream.js';
import { createTrackableShipment, Scanner, update, withAdmin } from './support/shipments.js';
import { signedInTenant, userWithRoles, type Tenant } from './support/tenant.js';

/**
 * The bounds on streams: names public methods keep, concurrent streams per caller address,
 * principal and organization (RESOURCE_EXHAUSTED STREAM_LIMIT_REACHED, released however a stream
 * ends), calls per HTTP/2 connection, and a scanner that does not read its acks. Small limits so
 * the tests reach them; memory under abuse is measured in stream-memory.test.ts.
 */
const PER_ADDRESS = 6;
const PER_PRINCIPAL = 2;
const PER_ORGANIZATION = 3;
const PER_CONNECTION = 8;

let ts: TestServer;
let org: Tenant;

beforeAll(async () => {
  ts = await startTestServer({
    env: {
      STREAMS_MAX_PER_ADDRESS: String(PER_ADDRESS),
      STREAMS_MAX_PER_PRINCIPAL: String(PER_PRINCIPAL),
      STREAMS_MAX_PER_ORGANIZATION: String(PER_ORGANIZATION),
      GRPC_MAX_CONCURRENT_STREAMS_PER_CONNECTION: String(PER_CONNECTION),
      STREAM_SCANNER_ACK_WAIT_MS: '500',
    },
  });
  org = await signedInTenant(ts);
});
afterAll(() => ts?.stop());

/** A client on a connection of its own (grpc-js otherwise shares one connection per target). */
const ownConnection = () =>
  new HealthClient(ts.address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });

/** How an opened stream went: its first message, or the error it ended with instead. */
interface Opened<T> {
  call: ClientReadableStream<T> | ClientDuplexStream<unknown, T>;
  first: Promise<{ message: T } | { error: ImsopError }>;
  ended: Promise<ImsopError | 'OK'>;
}

function opened<T>(call: ClientReadableStream<T> | ClientDuplexStream<unknown, T>): Opened<T> {
  const ended = new Promise<ImsopError | 'OK'>((resolve) => {
    call.on('error', (e: ServiceError) => resolve(serviceError(e)));
    call.on('status', (s: { code: number }) => s.code === Status.OK && resolve('OK'));
  });
  const first = new Promise<{ message: T } | { error: ImsopError }>((resolve) => {
    call.once('data', (message: T) => resolve({ message }));
    void ended.then((e) => e !== 'OK' && resolve({ error: e }));
  });
  return { call, first, ended };
}

const healthWatch = (client: HealthClient, service = '', deadline?: number) =>
  opened<HealthCheckResponse>(client.watch({ service }, new Metadata(), deadline ? { deadline } : {}));

const feedWatch = (md: Metadata) =>
  opened(ts.clients.tracking.watchOrganizationFeed({ statuses: [], warehouseId: '' }, md));

/** Waits for the server to take a stream's first message or metadata: it then holds its slot. */
async function isOpen<T>(stream: Opened<T>): Promise<void> {
  const result = await Promise.race([
    stream.first,
    new Promise<'metadata'>((resolve) => stream.call.once('metadata', () => resolve('metadata'))),
  ]);
  if (result !== 'metadata' && 'error' in result) throw new Error(`stream refused: ${result.error.reason}`);
}

async function refusal<T>(stream: Opened<T>): Promise<ImsopError> {
  const result = await stream.first;
  if (!('error' in result)) throw new Error('expected the stream to be refused');
  return result.error;
}

/** Opens the stream `open` makes, retrying while the server has not yet released an ended one's slot. */
async function openWhenFree<T>(open: () => Opened<T>, timeoutMs = 10_000): Promise<Opened<T>> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const stream = open();
    const result = await Promise.race([
      stream.first,
      new Promise<'metadata'>((resolve) => stream.call.once('metadata', () => resolve('metadata'))),
    ]);
    if (result === 'metadata' || !('error' in result)) return stream;
    if (result.error.reason !== 'STREAM_LIMIT_REACHED' || Date.now() > deadline)
      throw new Error(`not opened: ${result.error.reason}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function reflection(client: ServerReflectionClient) {
  const call = client.serverReflectionInfo();
  return {
    ...opened<ServerReflectionResponse>(call),
    send: (req: Partial<ServerReflectionRequest>) => call.write(ServerReflectionRequest.fromPartial(req)),
    end: () => call.end(),
  };
}

describe('public methods keep bounded names', () => {
  it('refuses health names longer than any service name, whole (before decoding) or field by field, and still watches unknown ones', async () => {
    const health = ts.clients.health;
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const long = 's'.repeat(600);
    const watchHuge = await refusal(healthWatch(health, huge));
    expect(watchHuge).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'REQUEST_TOO_LARGE' });
    expect(errorInfoCount(watchHuge)).toBe(1);
    const watchLong = await refusal(healthWatch(health, long));
    expect(watchLong).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      fieldViolations: [{ field: 'service', description: expect.stringContaining('512') }],
    });
    expect(errorInfoCount(watchLong)).toBe(1);
    const checkHuge = await expectError(unary(health.check.bind(health), { service: huge }));
    expect(checkHuge).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'REQUEST_TOO_LARGE' });
    const checkLong = await expectError(unary(health.check.bind(health), { service: long }));
    expect(checkLong.fieldViolations.map((v) => v.field)).toEqual(['service']);
    // The protocol is unchanged for names of a real size: unknown ones are watched, answered SERVICE_UNKNOWN.
    const unknown = healthWatch(health, 'imsop.nope.v1.Later');
    expect(await unknown.first).toEqual({ message: { status: Serving.SERVICE_UNKNOWN } });
    expect((await expectError(unary(health.check.bind(health), { service: 'imsop.nope.v1.Later' }))).code).toBe(
      Status.NOT_FOUND,
    );
    unknown.call.cancel();
  });

  it('refuses reflection requests with oversized names and ends the stream, instead of echoing them back', async () => {
    const client = new ServerReflectionClient(ts.address, credentials.createInsecure());
    try {
      const huge = reflection(client);
      huge.send({ host: '', messageRequest: { $case: 'fileContainingSymbol', value: 'y'.repeat(2 * 1024 * 1024) } });
      expect(await huge.ended).toMatchObject({ code: Status.INVALID_ARGUMENT, reason: 'REQUEST_TOO_LARGE' });

      const long = reflection(client);
      long.send({ host: '', messageRequest: { $case: 'listServices', value: '*' } });
      const listed = ((await long.first) as { message: ServerReflectionResponse }).message.messageResponse;
      expect(listed?.$case === 'listServicesResponse' && listed.value.service.length).toBeGreaterThan(5);
      long.send({ host: 'h'.repeat(1500), messageRequest: { $case: 'fileContainingSymbol', value: 'z'.repeat(1500) } });
      const ended = await long.ended;
      expect(ended).toMatchObject({ code: Status.INVALID_ARGUMENT });
      expect(errorInfoCount(ended as ImsopError)).toBe(1);
      expect((ended as ImsopError).fieldViolations.map((v) => v.field).sort()).toEqual([
        'file_containing_symbol',
        'host',
      ]);
    } finally {
      client.close();
    }
  });
});

describe('concurrent streams', () => {
  it('caps the streams of one address, over any number of connections and methods, and frees a slot however a stream ends', async () => {
    const connections = [ownConnection(), ownConnection(), ownConnection(), ownConnection()];
    const reflectionClient = new ServerReflectionClient(ts.address, credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    try {
      // Health watches and reflection streams (both public) from several connections of one address.
      const open: Opened<unknown>[] = [];
      for (let i = 0; i < PER_ADDRESS - 1; i++) open.push(healthWatch(connections[i % 3]!, ''));
      const reflecting = reflection(reflectionClient);
      open.push(reflecting);
      for (const s of open) await isOpen(s);

      for (const extra of [
        healthWatch(connections[3]!, ''),
        reflection(reflectionClient),
        feedWatch(bearer(org.token)),
      ] as Opened<unknown>[]) {
        const refused = await refusal(extra);
        expect(refused).toMatchObject({
          code: Status.RESOURCE_EXHAUSTED,
          reason: 'STREAM_LIMIT_REACHED',
          metadata: expect.objectContaining({ limit: 'STREAMS_MAX_PER_ADDRESS', max: String(PER_ADDRESS) }),
        });
        expect(errorInfoCount(refused)).toBe(1);
        expect(refused.retryDelayMs).toBeGreaterThan(0);
      }
      // Unary calls are not streams: they go on.
      expect((await unary(connections[3]!.check.bind(connections[3]!), { service: '' })).status).toBe(Serving.SERVING);

      // Cancelled by the client: the slot comes back.
      open[0]!.call.cancel();
      const replacement = await openWhenFree(() => healthWatch(connections[3]!, ''));
      // Half-closed reflection stream: ends OK, slot comes back.
      reflecting.end();
      expect(await reflecting.ended).toBe('OK');
      // Deadline passed: the slot comes back.
      const shortLived = await openWhenFree(() => healthWatch(connections[3]!, '', Date.now() + 300));
      expect(await shortLived.ended).toMatchObject({ code: Status.DEADLINE_EXCEEDED });
      // A stream that fails (here NOT_FOUND) holds nothing afterwards either.
      const missing = await openWhenFree(() =>
        opened(
          ts.clients.tracking.watchShipment(
            { shipmentId: '8d3e1c6a-2222-4222-8222-222222222222', sinceSequence: 0 },
            bearer(org.token),
          ),
        ),
      );
      expect(await missing.ended).toMatchObject({ code: Status.NOT_FOUND });
      // So exactly the slots of ended streams are free again: one more fits, the next does not.
      const last = [await openWhenFree(() => healthWatch(connections[3]!, ''))];
      expect((await refusal(healthWatch(connections[3]!, ''))).metadata.limit).toBe('STREAMS_MAX_PER_ADDRESS');
      for (const s of [...open, replacement, ...last]) s.call.cancel();
    } finally {
      connections.forEach((c) => c.close());
      reflectionClient.close();
    }
  });

  it('caps the streams of one principal and of one organization', async () => {
    const colleague = await userWithRoles(ts, org, ['admin']);
    const outsider = await signedInTenant(ts);
    const mine = [
      await openWhenFree(() => feedWatch(bearer(org.token))),
      await openWhenFree(() => feedWatch(bearer(org.token))),
    ];
    const third = await refusal(feedWatch(bearer(org.token)));
    expect(third).toMatchObject({
      code: Status.RESOURCE_EXHAUSTED,
      reason: 'STREAM_LIMIT_REACHED',
      metadata: expect.objectContaining({ limit: 'STREAMS_MAX_PER_PRINCIPAL', max: String(PER_PRINCIPAL) }),
    });
    // Another principal of the organization gets what is left of the organization's share.
    const theirs = await openWhenFree(() => feedWatch(bearer(colleague.token)));
    expect(await refusal(feedWatch(bearer(colleague.token)))).toMatchObject({
      code: Status.RESOURCE_EXHAUSTED,
      metadata: expect.objectContaining({ limit: 'STREAMS_MAX_PER_ORGANIZATION', max: String(PER_ORGANIZATION) }),
    });
    // Other organizations are not held back by this one.
    const other = await openWhenFree(() => feedWatch(bearer(outsider.token)));
    for (const s of [...mine, theirs, other]) s.call.cancel();
    // Released on cancel: the organization can open streams again.
    (await openWhenFree(() => feedWatch(bearer(colleague.token)))).call.cancel();
  });

  it('advertises and enforces the per-connection stream limit (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS)', async () => {
    const session = connect(`http://${ts.address}`);
    const headers = {
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    };
    try {
      await new Promise<void>((resolve, reject) =>
        session.once('remoteSettings', () => resolve()).once('error', reject),
      );
      expect(session.remoteSettings.maxConcurrentStreams).toBe(PER_CONNECTION);
      // Calls that never send their request hold the connection's streams...
      const held = Array.from({ length: PER_CONNECTION }, () => session.request(headers, { endStream: false }));
      for (const s of held) s.on('error', () => {});
      await new Promise((r) => setTimeout(r, 300));
      // ...so one more complete call on the connection does not start until one of them ends.
      const next = session.request(headers, { endStream: false });
      next.end(Buffer.from([0, 0, 0, 0, 0])); // an empty HealthCheckRequest: the overall status
      const answered = new Promise<number>((resolve) => next.once('response', (h) => resolve(Number(h[':status']))));
      expect(await Promise.race([answered, new Promise((r) => setTimeout(() => r('waiting'), 1000))])).toBe('waiting');
      held[0]!.close(http2.NGHTTP2_CANCEL);
      expect(await answered).toBe(200);
      for (const s of held) s.close(http2.NGHTTP2_CANCEL);
    } finally {
      session.destroy();
    }
  });
});

describe('scanner acks', () => {
  it('ends a scanner that sends but does not read its acks with ABORTED ACKS_NOT_READ, resumable by re-sending what has no ack', async () => {
    const shipment = await createTrackableShipment(org.imsop);
    const id = (i: number) => `${'k'.repeat(100)}-${i}`; // long ids: acks fill the flow-control windows sooner
    // Updates without a shipment are answered in-band at once (no database): plenty of acks, fast.
    const unanswerable = Array.from({ length: 5_000 }, (_, i) => update('', id(i)));
    const valid = Array.from({ length: 1_000 }, (_, i) => update(shipment.id, id(5_000 + i)));
    const updates = [...unanswerable, ...valid];
    const scanner = new RawCall(ts.address, '/imsop.shipments.v1.TrackingService/StreamTrackingUpdates', {
      authorization: `Bearer ${org.token}`,
    });
    scanner.stream.pause(); // reads nothing: the server's acks wait on flow control
    for (let i = 0; i < updates.length; i += 50)
      scanner.send(
        StreamTrackingUpdatesRequest.encode({ update: undefined, updates: updates.slice(i, i + 50) }).finish(),
      );
    await new Promise((r) => setTimeout(r, 2000)); // well past STREAM_SCANNER_ACK_WAIT_MS
    scanner.stream.resume();
    const ended = await scanner.ended;
    scanner.close();
    const ending = statusError(ended.details!);
    expect(ending).toMatchObject({ code: Status.ABORTED, reason: 'ACKS_NOT_READ' });
    expect(errorInfoCount(ending)).toBe(1);
    const received = scanner.messages.flatMap((m) => StreamTrackingUpdatesResponse.decode(m).acks);
    const answered = received.length;
    expect(answered).toBeLessThan(updates.length);
    // Every ack written before the end arrives, in order; the status names the last one.
    expect(ending.metadata.resume_after_update_id).toBe(received.at(-1)!.updateId);
    expect(received.map((a) => a.updateId)).toEqual(updates.slice(0, answered).map((u) => u.updateId));
    // Nothing without an ack was stored.
    const stored = () =>
      withAdmin(
        ts,
        async (c) =>
          (await c.query(`SELECT count(*)::int AS n FROM shipment_tracking WHERE shipment_id = $1`, [shipment.id]))
            .rows[0].n as number,
      );
    expect(await stored()).toBe(received.filter((a) => a.error === undefined).length);

    // Resuming: re-send everything after the last answered update; every valid update ends up stored once.
    const resumed = new Scanner(ts, bearer(org.token));
    const rest = updates.slice(answered);
    for (let i = 0; i < rest.length; i += 500) resumed.send(...rest.slice(i, i + 500));
    await resumed.acks(rest.length, 60_000);
    await resumed.close();
    expect(await stored()).toBe(valid.length);
  });
});
