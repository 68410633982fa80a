import * as grpc from '@grpc/grpc-js';
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDescriptorSet } from '../src/platform/grpc/descriptor-set.js';
import type { HealthService } from '../src/platform/grpc/health.js';
import { startTestServer } from './support/server.js';
import {
  HealthClient,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckResponse,
} from '../gen/ts/grpc/health/v1/health.js';
import * as v1 from '../gen/ts/grpc/reflection/v1/reflection.js';
import * as v1alpha from '../gen/ts/grpc/reflection/v1alpha/reflection.js';

// The real IMSOP server (with its database), as grpcurl would meet it.
interface TestServer {
  address: string;
  health: HealthService;
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const ts = await startTestServer();
  return { address: ts.address, health: ts.server.health, close: () => ts.stop() };
}

type Client = v1.ServerReflectionClient | v1alpha.ServerReflectionClient;
type RequestCase = NonNullable<v1.ServerReflectionRequest['messageRequest']>;
type ResponseCase = NonNullable<v1.ServerReflectionResponse['messageResponse']>;
/** A request as grpcurl's users think of it: the host and the one question, by field name. */
type Request = { host?: string } & Partial<{ [C in RequestCase as C['$case']]: C['value'] }>;
/** A response with its one answer by field name (`res.errorResponse`, `res.listServicesResponse`, ...). */
type Response = { validHost: string; originalRequest: Request | undefined } & Partial<{
  [C in ResponseCase as C['$case']]: C['value'];
}>;

const toWire = ({ host = '', ...question }: Request): v1.ServerReflectionRequest => {
  const [field, value] = Object.entries(question)[0] ?? [];
  return { host, messageRequest: field === undefined ? undefined : ({ $case: field, value } as RequestCase) };
};
const fromWireRequest = (req: v1.ServerReflectionRequest): Request =>
  req.messageRequest ? { host: req.host, [req.messageRequest.$case]: req.messageRequest.value } : { host: req.host };
const fromWire = (res: v1.ServerReflectionResponse): Response => ({
  validHost: res.validHost,
  originalRequest: res.originalRequest && fromWireRequest(res.originalRequest),
  ...(res.messageResponse ? { [res.messageResponse.$case]: res.messageResponse.value } : {}),
});

/** One reflection stream; ask() sends a request and resolves with the next response (in order). */
function openSession(client: Client) {
  const call = client.serverReflectionInfo();
  const waiting: Array<(r: Response) => void> = [];
  call.on('data', (r: v1.ServerReflectionResponse) => waiting.shift()?.(fromWire(r)));
  call.on('error', () => {});
  return {
    ask(req: Request): Promise<Response> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        call.write(toWire(req));
      });
    },
    /** Half-close and wait for the server to finish the call. */
    close(): Promise<grpc.StatusObject> {
      return new Promise((resolve) => {
        call.on('status', resolve);
        call.end();
      });
    },
  };
}

/** Independent of the server's splitter: raw bytes of each file in gen/descriptor.binpb, by name. */
function rawFilesOfDescriptorSet(): Map<string, Uint8Array> {
  const reader = new BinaryReader(loadDescriptorSet());
  const out = new Map<string, Uint8Array>();
  while (reader.pos < reader.len) {
    const [no, wt] = reader.tag();
    if (no !== 1 || wt !== WireType.LengthDelimited) {
      reader.skip(wt, no);
      continue;
    }
    const raw = reader.bytes();
    out.set(fromBinary(FileDescriptorProtoSchema, raw).name, raw);
  }
  return out;
}

const fileName = (raw: Uint8Array) => fromBinary(FileDescriptorProtoSchema, raw).name;

describe('server reflection', () => {
  let srv: TestServer;
  let client: v1.ServerReflectionClient;

  beforeAll(async () => {
    srv = await startServer();
    client = new v1.ServerReflectionClient(srv.address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await srv?.close();
  });

  it('lists the services (v1)', async () => {
    const session = openSession(client);
    const res = await session.ask({ listServices: '' });
    const names = res.listServicesResponse!.service.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'imsop.identity.v1.AuthService',
        'grpc.health.v1.Health',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
      ]),
    );
    expect((await session.close()).code).toBe(grpc.status.OK);
  });

  it('serves every file byte-exact and the result links in a strict registry', async () => {
    const session = openSession(client);
    const services = (await session.ask({ listServices: '' })).listServicesResponse!.service.map((s) => s.name);
    const expected = rawFilesOfDescriptorSet();
    const fetched = new Map<string, Uint8Array>();

    // Each service's file: the first file of the answer is the one asked for (grpcurl relies on it)
    // and the answer carries the whole import closure.
    const pending: string[] = [];
    for (const svc of services) {
      const res = await session.ask({ fileContainingSymbol: svc });
      expect(res.errorResponse, svc).toBeUndefined();
      const files = res.fileDescriptorResponse!.fileDescriptorProto;
      const first = fromBinary(FileDescriptorProtoSchema, files[0]);
      expect(first.service.map((s) => `${first.package}.${s.name}`)).toContain(svc);
      expect(new Set(files.map(fileName)).size).toBe(files.length); // deduplicated
      fetched.set(first.name, files[0]);
      pending.push(...first.dependency);
    }
    // Then walk imports one file_by_filename at a time, as a client without a cache would.
    while (pending.length) {
      const name = pending.pop()!;
      if (fetched.has(name)) continue;
      const res = await session.ask({ fileByFilename: name });
      expect(res.errorResponse, name).toBeUndefined();
      const first = res.fileDescriptorResponse!.fileDescriptorProto[0];
      const file = fromBinary(FileDescriptorProtoSchema, first);
      expect(file.name).toBe(name);
      fetched.set(name, first);
      pending.push(...file.dependency);
    }

    for (const [name, raw] of fetched) {
      expect(expected.has(name), name).toBe(true);
      expect(Buffer.from(raw).equals(Buffer.from(expected.get(name)!)), `bytes of ${name}`).toBe(true);
    }

    // createFileRegistry throws on any import or type reference it cannot resolve; it wants
    // imports before importers (as protoc --include_imports writes them), so sort first.
    const protos = new Map([...fetched].map(([name, raw]) => [name, fromBinary(FileDescriptorProtoSchema, raw)]));
    const ordered: FileDescriptorProto[] = [];
    const placed = new Set<string>();
    const place = (name: string) => {
      const proto = protos.get(name);
      if (!proto || placed.has(name)) return; // a missing import is left for the registry to reject
      placed.add(name);
      proto.dependency.forEach(place);
      ordered.push(proto);
    };
    [...protos.keys()].forEach(place);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
    for (const svc of services) {
      const desc = registry.getService(svc);
      expect(desc, svc).toBeDefined();
      expect(desc!.methods.length).toBeGreaterThan(0);
      for (const m of desc!.methods) {
        expect(registry.getMessage(m.input.typeName), `${svc}.${m.name} input`).toBeDefined();
        expect(registry.getMessage(m.output.typeName), `${svc}.${m.name} output`).toBeDefined();
      }
    }
    await session.close();
  });

  it('resolves methods, nested types, fields, enums and enum values', async () => {
    const session = openSession(client);
    for (const symbol of [
      'grpc.health.v1.Health.Check',
      'grpc.health.v1.HealthCheckRequest.service',
      'grpc.health.v1.HealthCheckResponse.ServingStatus',
      'grpc.health.v1.HealthCheckResponse.SERVING',
      'grpc.health.v1.HealthListResponse.StatusesEntry',
    ]) {
      const res = await session.ask({ fileContainingSymbol: symbol });
      expect(res.errorResponse, symbol).toBeUndefined();
      expect(fileName(res.fileDescriptorResponse!.fileDescriptorProto[0]), symbol).toBe('grpc/health/v1/health.proto');
    }
    await session.close();
  });

  it('works over v1alpha too', async () => {
    const alpha = new v1alpha.ServerReflectionClient(srv.address, grpc.credentials.createInsecure());
    try {
      const session = openSession(alpha);
      const list = await session.ask({ listServices: '*' });
      expect(list.listServicesResponse!.service.map((s) => s.name)).toContain('imsop.identity.v1.AuthService');
      const res = await session.ask({ fileContainingSymbol: 'imsop.identity.v1.AuthService' });
      expect(fileName(res.fileDescriptorResponse!.fileDescriptorProto[0])).toBe('imsop/identity/v1/auth_service.proto');
      expect((await session.close()).code).toBe(grpc.status.OK);
    } finally {
      alpha.close();
    }
  });

  it('answers unknowns with NOT_FOUND in-band and keeps the stream usable', async () => {
    const session = openSession(client);
    const req = { host: 'example.test', fileContainingSymbol: 'imsop.nope.v1.Missing' };
    const res = await session.ask(req);
    expect(res.errorResponse).toEqual({ errorCode: grpc.status.NOT_FOUND, errorMessage: expect.any(String) });
    expect(res.validHost).toBe('example.test');
    expect(res.originalRequest).toMatchObject(req);

    expect((await session.ask({ fileByFilename: 'nope.proto' })).errorResponse?.errorCode).toBe(grpc.status.NOT_FOUND);
    const ext = await session.ask({
      fileContainingExtension: { containingType: 'google.protobuf.Timestamp', extensionNumber: 1000 },
    });
    expect(ext.errorResponse?.errorCode).toBe(grpc.status.NOT_FOUND);
    expect((await session.ask({ allExtensionNumbersOfType: 'nope.Missing' })).errorResponse?.errorCode).toBe(
      grpc.status.NOT_FOUND,
    );
    // A known message without extensions is an empty answer, not an error.
    expect(
      (await session.ask({ allExtensionNumbersOfType: 'google.protobuf.Timestamp' })).allExtensionNumbersResponse,
    ).toEqual({
      baseTypeName: 'google.protobuf.Timestamp',
      extensionNumber: [],
    });

    const ok = await session.ask({ fileContainingSymbol: 'grpc.health.v1.Health' });
    expect(ok.errorResponse).toBeUndefined();
    expect(fileName(ok.fileDescriptorResponse!.fileDescriptorProto[0])).toBe('grpc/health/v1/health.proto');
    expect((await session.close()).code).toBe(grpc.status.OK);
  });
});

describe('health', () => {
  let srv: TestServer;
  let client: HealthClient;

  beforeAll(async () => {
    srv = await startServer();
    client = new HealthClient(srv.address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await srv?.close();
  });

  const check = (service: string) =>
    new Promise<HealthCheckResponse>((resolve, reject) =>
      client.check({ service }, (err, res) => (err ? reject(err) : resolve(res))),
    );

  /** Collects Watch messages; next() resolves with the next one. */
  function watch(service: string) {
    const call = client.watch({ service });
    const queue: ServingStatus[] = [];
    const waiting: Array<(s: ServingStatus) => void> = [];
    call.on('data', (r: HealthCheckResponse) => {
      const w = waiting.shift();
      if (w) w(r.status);
      else queue.push(r.status);
    });
    const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    call.on('error', () => {});
    return {
      next: () =>
        new Promise<ServingStatus>((resolve) => (queue.length ? resolve(queue.shift()!) : waiting.push(resolve))),
      ended,
    };
  }

  it('checks, watches, and ends watches on shutdown', async () => {
    expect((await check('')).status).toBe(ServingStatus.SERVING);
    expect((await check('imsop.identity.v1.AuthService')).status).toBe(ServingStatus.SERVING);
    await expect(check('imsop.nope.v1.Missing')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });

    const overall = watch('');
    expect(await overall.next()).toBe(ServingStatus.SERVING);
    const later = watch('imsop.test.v1.Later');
    expect(await later.next()).toBe(ServingStatus.SERVICE_UNKNOWN);

    srv.health.setStatus('', 'NOT_SERVING');
    expect(await overall.next()).toBe(ServingStatus.NOT_SERVING);
    expect((await check('')).status).toBe(ServingStatus.NOT_SERVING);

    srv.health.setStatus('imsop.test.v1.Later', 'SERVING');
    expect(await later.next()).toBe(ServingStatus.SERVING);

    srv.health.shutdown();
    expect(await later.next()).toBe(ServingStatus.NOT_SERVING);
    expect((await overall.ended).code).toBe(grpc.status.OK);
    expect((await later.ended).code).toBe(grpc.status.OK);
  });
});
