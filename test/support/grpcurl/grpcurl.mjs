#!/usr/bin/env node
// A stand-in for grpcurl (github.com/fullstorydev/grpcurl), for machines where it cannot be
// installed (it is in neither npm nor Debian's archive): the tests run the README's commands
// through it when no real `grpcurl` is on PATH. It does what grpcurl does for the commands the
// docs use, the same way: descriptors only from the server's reflection service, request bodies
// parsed strictly as proto3 JSON (both field-name spellings, an unknown field is an error),
// responses printed as indented proto3 JSON without default values, and grpcurl's exit codes
// (0; 1 for bad request data; 2 for bad usage; 64 + the gRPC status code for a failed call).
//
// Usage: grpcurl [flags] address (list [service] | describe [symbol] | service/method)
// Flags (Go style, before the address): -plaintext (required: the stand-in speaks no TLS),
// -d DATA ('@' reads standard input; a stream of JSON objects for streaming calls),
// -H 'name: value' (repeatable), -emit-defaults, -allow-unknown-fields, -max-time SECONDS.
import { readFileSync } from 'node:fs';
import { fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import { Client, credentials } from '@grpc/grpc-js';
import { fieldBehaviors, leadingComments, localRegistry, metadataOf, Reflection } from './reflection.mjs';

const BOOL_FLAGS = new Set(['plaintext', 'emit-defaults', 'allow-unknown-fields', 'v', 'vv', 'format-error']);
const VALUE_FLAGS = new Set(['d', 'H', 'rpc-header', 'max-time', 'format']);
const CODE_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];
const identity = (b) => b;

function usageError(message) {
  process.stderr.write(`${message}\nTry 'grpcurl -help' for more details.\n`);
  process.exit(2);
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Go's flag package: flags come first; parsing stops at the first argument that is not one. */
function parseArgs(argv) {
  const flags = { H: [], 'rpc-header': [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    if (BOOL_FLAGS.has(name)) flags[name] = eq < 0 ? true : body.slice(eq + 1) !== 'false';
    else if (VALUE_FLAGS.has(name)) {
      const value = eq < 0 ? argv[++i] : body.slice(eq + 1);
      if (value === undefined) usageError(`flag needs an argument: -${name}`);
      if (Array.isArray(flags[name])) flags[name].push(value);
      else flags[name] = value;
    } else usageError(`flag provided but not defined: -${name}`);
  }
  return { flags, args: argv.slice(i) };
}

/** grpcurl reads a stream of JSON values: concatenated, or separated by whitespace. */
function jsonValues(text) {
  const values = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (--depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && /\s/.test(c)) break;
    }
    values.push(JSON.parse(text.slice(start, i)));
  }
  return values;
}

/** What grpcurl prints for a failed call: the status, then each detail resolved through reflection. */
async function printStatus(reflection, error, flags) {
  let text = `ERROR:\n  Code: ${CODE_NAMES[error.code] ?? error.code}\n  Message: ${error.details}\n`;
  const raw = error.metadata?.get('grpc-status-details-bin')[0];
  if (raw) {
    // google.rpc.Status is compiled into grpcurl; the details' types come from the server.
    const status = fromBinary(localRegistry.getMessage('google.rpc.Status'), raw);
    if (status.details.length > 0) text += '  Details:\n';
    for (const [i, any] of status.details.entries()) {
      const { '@type': type, ...fields } = await responseJson(reflection, AnySchema, toBinary(AnySchema, any), flags);
      text += `  ${i + 1})\t${JSON.stringify({ '@type': type, ...fields }, null, 2).replace(/\n/g, '\n  ')}\n`;
    }
  }
  process.stderr.write(text);
}

const commentLines = (desc, indent) =>
  leadingComments(desc)
    .split('\n')
    .filter((line, i, all) => line !== '' || i < all.length - 1)
    .map((line) => `${indent}//${line ? ' ' + line.trim() : ''}\n`)
    .join('');

function fieldType(field) {
  const type = field.message
    ? `.${field.message.typeName}`
    : field.enum
      ? `.${field.enum.typeName}`
      : field.proto.type
        ? scalarName(field)
        : '?';
  return field.fieldKind === 'list' ? `repeated ${type}` : field.fieldKind === 'map' ? `map<…>` : type;
}

const SCALARS = {
  1: 'double',
  2: 'float',
  3: 'int64',
  4: 'uint64',
  5: 'int32',
  6: 'fixed64',
  7: 'fixed32',
  8: 'bool',
  9: 'string',
  12: 'bytes',
  13: 'uint32',
  15: 'sfixed32',
  16: 'sfixed64',
  17: 'sint32',
  18: 'sint64',
};
const scalarName = (field) => SCALARS[field.proto.type] ?? 'scalar';

/** grpcurl prints the descriptor as proto source, comments included (a shorter rendering here). */
function describe(registry, symbol) {
  const name = symbol.replace(/^\./, '');
  const [parent, member] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
  const desc =
    registry.get(name) ??
    registry.getService(parent)?.methods.find((m) => m.name === member) ??
    registry.getMessage(parent)?.fields.find((f) => f.name === member) ??
    registry.getEnum(parent)?.values.find((v) => v.name === member);
  if (!desc) fail(`Failed to resolve symbol "${name}": Symbol not found: ${name}`);
  if (desc.kind === 'service') {
    let text = `${name} is a service:\n${commentLines(desc, '')}service ${desc.name} {\n`;
    for (const m of desc.methods)
      text += `${commentLines(m, '  ')}  rpc ${m.name} ( ${m.methodKind.includes('client') || m.methodKind === 'bidi_streaming' ? 'stream ' : ''}.${m.input.typeName} ) returns ( ${m.methodKind.includes('server') || m.methodKind === 'bidi_streaming' ? 'stream ' : ''}.${m.output.typeName} );\n`;
    return text + '}\n';
  }
  if (desc.kind === 'message') {
    let text = `${name} is a message:\n${commentLines(desc, '')}message ${desc.name} {\n`;
    for (const f of desc.fields) {
      const behaviors = fieldBehaviors(registry, f);
      const options = behaviors.length > 0 ? ` [(.google.api.field_behavior) = ${behaviors.join(', ')}]` : '';
      text += `${commentLines(f, '  ')}  ${fieldType(f)} ${f.name} = ${f.number}${options};\n`;
    }
    return text + '}\n';
  }
  if (desc.kind === 'enum') {
    let text = `${name} is an enum:\n${commentLines(desc, '')}enum ${desc.name} {\n`;
    for (const v of desc.values) text += `${commentLines(v, '  ')}  ${v.name} = ${v.number};\n`;
    return text + '}\n';
  }
  if (desc.kind === 'rpc')
    return `${name} is a method:\n${commentLines(desc, '')}rpc ${desc.name} ( .${desc.input.typeName} ) returns ( .${desc.output.typeName} );\n`;
  if (desc.kind === 'field')
    return `${name} is a field:\n${commentLines(desc, '')}${fieldType(desc)} ${desc.name} = ${desc.number};\n`;
  if (desc.kind === 'enum_value')
    return `${name} is an enum value:\n${commentLines(desc, '')}${desc.name} = ${desc.number};\n`;
  return `${name} is ${desc.kind}\n`;
}

/**
 * A response as JSON. Like grpcurl, a google.protobuf.Any whose type is not known yet is looked
 * up through reflection (error details inside a message, say).
 */
async function responseJson(reflection, schema, bytes, flags) {
  for (;;) {
    try {
      return toJson(schema, fromBinary(schema, bytes), {
        registry: reflection.registry,
        alwaysEmitImplicit: Boolean(flags['emit-defaults']),
      });
    } catch (error) {
      const unknown = /"type\.googleapis\.com\/([\w.]+)" is not in the type registry/.exec(error.message)?.[1];
      if (!unknown || reflection.registry.get(unknown)) throw error;
      await reflection.load(unknown);
    }
  }
}

async function invoke(address, reflection, target, flags) {
  const [serviceName, methodName] = target.includes('/')
    ? target.split('/')
    : [target.slice(0, target.lastIndexOf('.')), target.slice(target.lastIndexOf('.') + 1)];
  await reflection.load(serviceName).catch((error) => fail(`Error invoking method "${target}": ${error.message}`));
  const registry = reflection.registry;
  const method = registry.getService(serviceName)?.methods.find((m) => m.name === methodName);
  if (!method)
    fail(
      `Error invoking method "${target}": target server does not expose service "${serviceName}" with method "${methodName}"`,
    );
  const data = flags.d === '@' ? readFileSync(0, 'utf8') : (flags.d ?? '');
  let requests;
  try {
    requests = jsonValues(data).map((json) =>
      Buffer.from(
        toBinary(
          method.input,
          fromJson(method.input, json, { registry, ignoreUnknownFields: Boolean(flags['allow-unknown-fields']) }),
        ),
      ),
    );
  } catch (error) {
    fail(`Error invoking method "${target}": error getting request data: ${error.message}`);
  }
  const clientStreams = method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming';
  if (!clientStreams && requests.length > 1)
    fail(`Error invoking method "${target}": method is not client-streaming but more than one request message given`);
  if (!clientStreams && requests.length === 0) requests.push(Buffer.alloc(0));

  const client = new Client(address, credentials.createInsecure());
  const metadata = metadataOf([...flags.H, ...flags['rpc-header']]);
  const options = flags['max-time'] ? { deadline: Date.now() + Number(flags['max-time']) * 1000 } : {};
  const path = `/${serviceName}/${methodName}`;
  // Responses print in arrival order, each once the one before it is printed.
  let printed = Promise.resolve();
  const print = (bytes) => {
    printed = printed.then(async () =>
      process.stdout.write(`${JSON.stringify(await responseJson(reflection, method.output, bytes, flags), null, 2)}\n`),
    );
    return printed;
  };
  try {
    await new Promise((resolve, reject) => {
      const done = (error, response) => (error ? reject(error) : print(response).then(resolve, reject));
      let call;
      if (method.methodKind === 'unary')
        call = client.makeUnaryRequest(path, identity, identity, requests[0], metadata, options, done);
      else if (method.methodKind === 'client_streaming')
        call = client.makeClientStreamRequest(path, identity, identity, metadata, options, done);
      else if (method.methodKind === 'server_streaming')
        call = client.makeServerStreamRequest(path, identity, identity, requests[0], metadata, options);
      else call = client.makeBidiStreamRequest(path, identity, identity, metadata, options);
      if (method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming') {
        call.on('data', print);
        call.on('error', reject);
        call.on('status', (status) => status.code === 0 && printed.then(resolve, reject));
      }
      if (clientStreams) {
        for (const request of requests) call.write(request);
        call.end();
      }
    });
  } catch (error) {
    await printStatus(reflection, error, flags);
    process.exit(64 + error.code);
  } finally {
    client.close();
  }
}

async function main() {
  const { flags, args } = parseArgs(process.argv.slice(2));
  if (args.length === 0) usageError('Too few arguments.');
  if (!flags.plaintext) usageError('This grpcurl stand-in speaks plaintext only: pass -plaintext.');
  let address;
  if (args[0] !== 'list' && args[0] !== 'describe') address = args.shift();
  if (!address) usageError('No host:port specified.');
  if (args.length === 0) usageError('Too few arguments.');
  const verb = args[0] === 'list' || args[0] === 'describe' ? args.shift() : 'invoke';
  const symbol = args.shift();
  if (args.length > 0) usageError('Too many arguments.');
  if (verb === 'invoke' && !symbol) usageError('Too few arguments.');

  const reflection = new Reflection(address, flags.H);
  try {
    if (verb === 'list') {
      if (!symbol) {
        const services = await reflection
          .services()
          .catch((error) => fail(`Failed to list services: ${error.message}`));
        process.stdout.write(services.map((s) => `${s}\n`).join(''));
      } else {
        await reflection
          .load(symbol)
          .catch((error) => fail(`Failed to list methods for service "${symbol}": ${error.message}`));
        const service =
          reflection.registry.getService(symbol) ??
          fail(`Failed to list methods for service "${symbol}": Service not found: ${symbol}`);
        process.stdout.write(
          service.methods
            .map((m) => `${symbol}.${m.name}\n`)
            .sort()
            .join(''),
        );
      }
    } else if (verb === 'describe') {
      const symbols = symbol ? [symbol.replace(/^\./, '')] : await reflection.services();
      for (const s of symbols)
        await reflection.load(s).catch((error) => fail(`Failed to resolve symbol "${s}": ${error.message}`));
      process.stdout.write(symbols.map((s) => describe(reflection.registry, s)).join(''));
    } else await invoke(address, reflection, symbol, flags);
  } finally {
    reflection.close();
  }
}

await main();
