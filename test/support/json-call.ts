import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { fromBinary, fromJson, toBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import { registry } from './descriptors.js';
import { serviceError } from './expect-error.js';

/**
 * Calls a unary method the way grpcurl does: the request as proto3 JSON (strict: an unknown
 * field fails), the response back as proto3 JSON (lowerCamelCase names, as `jq` sees them).
 * @param target `package.Service/Method`, as on a grpcurl command line.
 * @param headers `name: value` strings, as grpcurl's `-H`.
 * @throws the server's failure as an ImsopError, as the SDK would.
 */
export async function grpcurlCall(
  address: string,
  target: string,
  body: JsonValue,
  headers: string[] = [],
): Promise<JsonValue> {
  const [serviceName, methodName] = target.split('/') as [string, string];
  const method = registry.getService(serviceName)?.methods.find((m) => m.name === methodName);
  if (!method) throw new Error(`unknown method ${target}`);
  if (method.methodKind !== 'unary') throw new Error(`${target} is not unary`);
  const request = Buffer.from(toBinary(method.input, fromJson(method.input, body, { registry })));
  const metadata = new Metadata();
  for (const header of headers) {
    const colon = header.indexOf(':');
    metadata.set(header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim());
  }
  const client = new Client(address, credentials.createInsecure());
  const identity = (b: Buffer) => b;
  try {
    const response = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        `/${target}`,
        identity,
        identity,
        request,
        metadata,
        { deadline: Date.now() + 30_000 },
        (error: ServiceError | null, value?: Buffer) => (error ? reject(serviceError(error)) : resolve(value!)),
      ),
    );
    return toJson(method.output, fromBinary(method.output, response), { registry });
  } finally {
    client.close();
  }
}
