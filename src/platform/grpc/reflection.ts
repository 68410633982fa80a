/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha), served straight from the
 * FileDescriptorSet that buf compiled (gen/descriptor.binpb).
 *
 * Why not @grpc/reflection: it rebuilds descriptors through proto-loader/protobufjs, which
 * drops `dependency` lists and renames map-entry messages, so grpcurl cannot link the files
 * it receives (grpcurl issues #249, #519). Here each FileDescriptorProto is sent as the exact
 * bytes buf produced, cut out of the set's wire encoding, so clients see what protoc would.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import {
  FileDescriptorProtoSchema,
  type DescriptorProto,
  type EnumDescriptorProto,
  type FieldDescriptorProto,
} from '@bufbuild/protobuf/wkt';
import {
  ServerReflectionService as V1Service,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../../../gen/ts/grpc/reflection/v1/reflection.js';
import { ServerReflectionService as V1AlphaService } from '../../../gen/ts/grpc/reflection/v1alpha/reflection.js';
import { Violations } from '../validation.js';
import { bindService, publicMethod, type BoundService, type CallEnvironment } from './bind-service.js';
import { isMalformed, rejectionOf } from './request-decoding.js';
import type { CallContext } from './call-context.js';
import { readOneAtATime } from './stream-reader.js';
import { writeWithBackpressure } from './stream-writer.js';
import { linkedSignal } from '../linked-signal.js';

const NOT_FOUND = grpc.status.NOT_FOUND;

/** Everything reflection needs to answer, built once per server from the descriptor set. */
interface ReflectionIndex {
  /** file name -> exact FileDescriptorProto bytes */
  files: Map<string, Buffer>;
  /** file name -> names of the files it imports */
  deps: Map<string, string[]>;
  /** fully-qualified symbol (no leading dot) -> file name declaring it */
  symbols: Map<string, string>;
  /** extended message full name -> extension field number -> file name declaring it */
  extensions: Map<string, Map<number, string>>;
  /** fully-qualified service names, sorted */
  services: string[];
}

/**
 * Cut the repeated `file` field (number 1, length-delimited) out of a FileDescriptorSet
 * without decoding it, so each entry keeps buf's byte-for-byte encoding.
 */
function splitFileDescriptorSet(set: Uint8Array): Buffer[] {
  const reader = new BinaryReader(set);
  const out: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === 1 && wireType === WireType.LengthDelimited) {
      const bytes = reader.bytes();
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } else {
      reader.skip(wireType, fieldNo);
    }
  }
  return out;
}

function buildIndex(descriptorSet: Uint8Array): ReflectionIndex {
  const index: ReflectionIndex = {
    files: new Map(),
    deps: new Map(),
    symbols: new Map(),
    extensions: new Map(),
    services: [],
  };

  // Each raw entry is decoded on its own (rather than decoding the whole set) so the
  // name/bytes pairing cannot drift.
  for (const raw of splitFileDescriptorSet(descriptorSet)) {
    const file = fromBinary(FileDescriptorProtoSchema, raw);
    const fileName = file.name;
    index.files.set(fileName, raw);
    index.deps.set(fileName, file.dependency);

    const join = (scope: string, name: string) => (scope ? `${scope}.${name}` : name);
    const addSymbol = (name: string) => {
      if (!index.symbols.has(name)) index.symbols.set(name, fileName);
    };
    const addExtension = (scope: string, ext: FieldDescriptorProto) => {
      addSymbol(join(scope, ext.name));
      // buf writes extendee fully qualified with a leading dot (".pkg.Msg").
      const extendee = ext.extendee.replace(/^\./, '');
      let numbers = index.extensions.get(extendee);
      if (!numbers) index.extensions.set(extendee, (numbers = new Map()));
      numbers.set(ext.number, fileName);
    };
    // Enum values live in the enum's *parent* scope (C++ scoping rules), e.g. pkg.FOO_BAR.
    const addEnum = (scope: string, e: EnumDescriptorProto) => {
      addSymbol(join(scope, e.name));
      for (const v of e.value) addSymbol(join(scope, v.name));
    };
    const addMessage = (scope: string, m: DescriptorProto) => {
      const name = join(scope, m.name);
      addSymbol(name);
      for (const f of m.field) addSymbol(join(name, f.name));
      for (const o of m.oneofDecl) addSymbol(join(name, o.name));
      for (const x of m.extension) addExtension(name, x);
      for (const n of m.nestedType) addMessage(name, n);
      for (const e of m.enumType) addEnum(name, e);
    };

    const pkg = file.package;
    for (const m of file.messageType) addMessage(pkg, m);
    for (const e of file.enumType) addEnum(pkg, e);
    for (const x of file.extension) addExtension(pkg, x);
    for (const s of file.service) {
      const svc = join(pkg, s.name);
      addSymbol(svc);
      index.services.push(svc);
      for (const method of s.method) addSymbol(join(svc, method.name));
    }
  }
  index.services.sort();
  return index;
}

/**
 * The requested file first, then its transitive imports (each once). The order matters:
 * grpc-go and older grpcurl (jhump/protoreflect) take the FIRST file as the answer.
 */
function fileWithDependencies(index: ReflectionIndex, fileName: string): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const raw = index.files.get(name);
    if (raw) out.push(raw);
    for (const dep of index.deps.get(name) ?? []) visit(dep);
  };
  visit(fileName);
  return out;
}

type Answer = ServerReflectionResponse['messageResponse'];

function notFound(message: string): Answer {
  return { $case: 'errorResponse', value: { errorCode: NOT_FOUND, errorMessage: message } };
}

function filesAnswer(index: ReflectionIndex, fileName: string | undefined, what: string): Answer {
  if (fileName === undefined || !index.files.has(fileName)) return notFound(`${what} not found`);
  return { $case: 'fileDescriptorResponse', value: { fileDescriptorProto: fileWithDependencies(index, fileName) } };
}

function answer(index: ReflectionIndex, req: ServerReflectionRequest): Answer {
  const request = req.messageRequest;
  switch (request?.$case) {
    case 'listServices':
      return { $case: 'listServicesResponse', value: { service: index.services.map((name) => ({ name })) } };
    case 'fileByFilename':
      return filesAnswer(index, request.value, `file ${request.value}`);
    case 'fileContainingSymbol': {
      const symbol = request.value.replace(/^\./, '');
      return filesAnswer(index, index.symbols.get(symbol), `symbol ${symbol}`);
    }
    case 'fileContainingExtension': {
      const { containingType, extensionNumber } = request.value;
      const fileName = index.extensions.get(containingType.replace(/^\./, ''))?.get(extensionNumber);
      return filesAnswer(index, fileName, `extension ${containingType}#${extensionNumber}`);
    }
    case 'allExtensionNumbersOfType': {
      const type = request.value.replace(/^\./, '');
      // An existing message with no extensions is a valid, empty answer; only unknown types are errors.
      if (index.symbols.get(type) === undefined) return notFound(`type ${type} not found`);
      const numbers = [...(index.extensions.get(type)?.keys() ?? [])].sort((a, b) => a - b);
      return { $case: 'allExtensionNumbersResponse', value: { baseTypeName: type, extensionNumber: numbers } };
    }
    case undefined:
      // Reported in-band (not as a call error) so one bad request does not kill the stream.
      return {
        $case: 'errorResponse',
        value: { errorCode: grpc.status.INVALID_ARGUMENT, errorMessage: 'empty reflection request' },
      };
  }
}

/** Longest name a reflection request may carry (file, symbol, type or host); real ones are far shorter. */
export const MAX_REFLECTION_NAME_BYTES = 1024;
/** A request is one or two names: anything much larger is refused before it is decoded. */
const MAX_REQUEST_BYTES = 4 * 1024;

/** @throws AppError INVALID_ARGUMENT naming every oversized field (the stream ends: answers echo the request). */
function checkNames(req: ServerReflectionRequest): void {
  const request = req.messageRequest;
  type NameField = Exclude<NonNullable<typeof request>['$case'], 'fileContainingExtension'>;
  const name = (field: NameField) => (request?.$case === field ? (request.value as string) : undefined);
  new Violations()
    .maxBytes('host', req.host, MAX_REFLECTION_NAME_BYTES)
    .maxBytes('file_by_filename', name('fileByFilename'), MAX_REFLECTION_NAME_BYTES)
    .maxBytes('file_containing_symbol', name('fileContainingSymbol'), MAX_REFLECTION_NAME_BYTES)
    .maxBytes(
      'file_containing_extension.containing_type',
      request?.$case === 'fileContainingExtension' ? request.value.containingType : undefined,
      MAX_REFLECTION_NAME_BYTES,
    )
    .maxBytes('all_extension_numbers_of_type', name('allExtensionNumbersOfType'), MAX_REFLECTION_NAME_BYTES)
    .maxBytes('list_services', name('listServices'), MAX_REFLECTION_NAME_BYTES)
    .throwIfAny();
}

/**
 * grpc.reflection.v1.ServerReflection and grpc.reflection.v1alpha.ServerReflection, bound
 * through the call pipeline (stream limits, request size cap). list_services reports every
 * service in the descriptor set: the server registers all of them.
 *
 * One request at a time: the next is read only once the answer to the previous one has been
 * taken by the client (flow control), so a client that sends without reading stalls itself
 * instead of piling answers up in our memory.
 */
export function reflectionServices(descriptorSet: Uint8Array, env: CallEnvironment): BoundService[] {
  const index = buildIndex(descriptorSet);

  const serverReflectionInfo = async (
    call: ServerDuplexStream<ServerReflectionRequest, ServerReflectionResponse>,
    ctx: CallContext,
  ): Promise<void> => {
    const linked = linkedSignal([ctx.cancellation.signal, env.shuttingDown]);
    const stop = linked.signal;
    try {
      for await (const req of readOneAtATime<ServerReflectionRequest>(call, stop)) {
        if (isMalformed(req)) throw rejectionOf(req);
        checkNames(req);
        let result: Answer;
        try {
          result = answer(index, req);
        } catch (err) {
          ctx.logger.error({ err }, 'reflection answer failed');
          result = {
            $case: 'errorResponse',
            value: { errorCode: grpc.status.INTERNAL, errorMessage: 'internal error' },
          };
        }
        await writeWithBackpressure(call, { validHost: req.host, originalRequest: req, messageResponse: result }, stop);
      }
    } finally {
      linked.release();
    }
  };

  const options = { maxRequestBytes: MAX_REQUEST_BYTES, quiet: true };
  return [
    bindService(V1Service, { serverReflectionInfo: publicMethod(serverReflectionInfo) }, env, options),
    // v1alpha messages are wire-identical to v1; only the service path differs.
    bindService(V1AlphaService, { serverReflectionInfo: publicMethod(serverReflectionInfo) }, env, options),
  ];
}
