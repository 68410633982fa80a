// What grpcurl learns from a server: its services and their descriptors, fetched over
// grpc.reflection.v1 (nothing read from this repository's descriptor set but the reflection
// protocol's own messages, which grpcurl has compiled in), and the comments they carry.
// Plain JavaScript so the grpcurl stand-in starts fast; typed by reflection.d.mts.
import { readFileSync } from 'node:fs';
import { create, createFileRegistry, fromBinary, getOption, hasOption, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Client, credentials, Metadata } from '@grpc/grpc-js';

/** This repository's descriptors: only for the reflection protocol and for decoding error details. */
export const localRegistry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(new URL('../../../gen/descriptor.binpb', import.meta.url))),
);
const RequestSchema = localRegistry.getMessage('grpc.reflection.v1.ServerReflectionRequest');
const ResponseSchema = localRegistry.getMessage('grpc.reflection.v1.ServerReflectionResponse');
const identity = (b) => b;

/** `name: value` strings (grpcurl's -H) as gRPC metadata. */
export function metadataOf(headers) {
  const metadata = new Metadata();
  for (const header of headers) {
    const colon = header.indexOf(':');
    if (colon < 0) throw new Error(`header "${header}" is not of the form 'name: value'`);
    metadata.add(header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim());
  }
  return metadata;
}

/**
 * A reflection session, as grpcurl keeps one: the service list, and files fetched as symbols are
 * needed (each with its imports, by file name), linked into a registry. An import the server does
 * not serve is an error, as it is for grpcurl.
 */
export class Reflection {
  #client;
  #call;
  #waiting = [];
  #failure;
  #files = new Map();
  /** Every file fetched so far, linked. */
  registry = createFileRegistry();

  constructor(address, headers = []) {
    this.#client = new Client(address, credentials.createInsecure());
    this.#call = this.#client.makeBidiStreamRequest(
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      identity,
      identity,
      metadataOf(headers),
    );
    this.#call.on('data', (bytes) => this.#waiting.shift()?.resolve(fromBinary(ResponseSchema, bytes)));
    this.#call.on('error', (error) => {
      this.#failure = error;
      for (const w of this.#waiting.splice(0)) w.reject(error);
    });
  }

  #ask(request) {
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#waiting.push({ resolve, reject });
      this.#call.write(Buffer.from(toBinary(RequestSchema, create(RequestSchema, { messageRequest: request }))));
    });
  }

  async #fetch(request) {
    const answer = (await this.#ask(request)).messageResponse;
    if (answer.case === 'errorResponse') throw new Error(`reflection: ${answer.value.errorMessage} (${request.value})`);
    return answer.value.fileDescriptorProto.map((raw) => fromBinary(FileDescriptorProtoSchema, raw));
  }

  async services() {
    const answer = (await this.#ask({ case: 'listServices', value: '' })).messageResponse;
    return answer.value.service.map((s) => s.name).sort();
  }

  /** Fetches the file declaring `symbol` and its imports (unless known), and relinks the registry. */
  async load(symbol) {
    if (this.registry.get(symbol)) return;
    const pending = [];
    for (const file of await this.#fetch({ case: 'fileContainingSymbol', value: symbol })) {
      this.#files.set(file.name, file);
      pending.push(...file.dependency);
    }
    while (pending.length > 0) {
      const name = pending.pop();
      if (this.#files.has(name)) continue;
      for (const file of await this.#fetch({ case: 'fileByFilename', value: name })) {
        this.#files.set(file.name, file);
        pending.push(...file.dependency);
      }
    }
    this.registry = createFileRegistry(create(FileDescriptorSetSchema, { file: importsFirst(this.#files) }));
  }

  close() {
    this.#call.end();
    this.#client.close();
  }
}

/** The services a server lists and every file they need. */
export async function reflect(address, headers = []) {
  const reflection = new Reflection(address, headers);
  try {
    const services = await reflection.services();
    for (const service of services) await reflection.load(service);
    return { services, registry: reflection.registry };
  } finally {
    reflection.close();
  }
}

/** createFileRegistry wants every file after its imports. */
function importsFirst(byName) {
  const ordered = [];
  const placed = new Set();
  const place = (name) => {
    const file = byName.get(name);
    if (!file || placed.has(name)) return;
    placed.add(name);
    file.dependency.forEach(place);
    ordered.push(file);
  };
  [...byName.keys()].forEach(place);
  return ordered;
}

/** The source path of a descriptor in its file (descriptor.proto's SourceCodeInfo.Location.path). */
function sourcePath(desc) {
  switch (desc.kind) {
    case 'service':
      return [6, desc.file.proto.service.indexOf(desc.proto)];
    case 'rpc':
      return [...sourcePath(desc.parent), 2, desc.parent.proto.method.indexOf(desc.proto)];
    case 'message':
      return desc.parent
        ? [...sourcePath(desc.parent), 3, desc.parent.proto.nestedType.indexOf(desc.proto)]
        : [4, desc.file.proto.messageType.indexOf(desc.proto)];
    case 'enum':
      return desc.parent
        ? [...sourcePath(desc.parent), 4, desc.parent.proto.enumType.indexOf(desc.proto)]
        : [5, desc.file.proto.enumType.indexOf(desc.proto)];
    case 'enum_value':
      return [...sourcePath(desc.parent), 2, desc.parent.proto.value.indexOf(desc.proto)];
    case 'field':
      return [...sourcePath(desc.parent), 2, desc.parent.proto.field.indexOf(desc.proto)];
    default:
      throw new Error(`no source path for a ${desc.kind}`);
  }
}

/** The leading comment of a service, method, message, field, enum or enum value ('' when none), as `describe` prints it. */
export function leadingComments(desc) {
  const file =
    desc.kind === 'service' || desc.kind === 'message' || desc.kind === 'enum' ? desc.file : desc.parent.file;
  const path = sourcePath(desc).join(',');
  const location = file.proto.sourceCodeInfo?.location.find((l) => l.path.join(',') === path);
  return (location?.leadingComments ?? '').trim();
}

/** The `(google.api.field_behavior)` values of a field, by name (e.g. ['REQUIRED']). */
export function fieldBehaviors(registry, field) {
  const extension = registry.getExtension('google.api.field_behavior');
  const names = registry.getEnum('google.api.FieldBehavior');
  if (!extension || !names || !hasOption(field, extension)) return [];
  return getOption(field, extension).map((v) => names.value[v]?.name ?? String(v));
}
