import { Client, credentials, Metadata } from '@grpc/grpc-js';

/** One unary call with pre-encoded bytes (setup and sampling; the load itself runs in workers). */
export function rawCall(
  address: string,
  path: string,
  request: Buffer,
  metadata: Metadata = new Metadata(),
): Promise<Buffer> {
  const client = new Client(address, credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise<Buffer>((resolve, reject) =>
    client.makeUnaryRequest(path, identity, identity, request, metadata, (error, response) => {
      client.close();
      return error ? reject(error) : resolve(response!);
    }),
  );
}

export function authMetadata(auth: Record<string, string>): Metadata {
  const md = new Metadata();
  for (const [k, v] of Object.entries(auth)) md.set(k, v);
  return md;
}
