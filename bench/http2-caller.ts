import http2 from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Unary gRPC calls of pre-encoded requests straight over node:http2, as load tools such as
 * h2load or ghz send them: a POST with the gRPC headers, one length-prefixed message, and the
 * status read from the trailers (or from the headers of a trailers-only answer). The load
 * generators share the cores with the server they measure, and a grpc-js client spends about
 * twice this per call (its channel, interceptors and call objects: 384-519 µs against 188-207 µs
 * per call on a 2-core VM, 2026-12-07), time taken from the server and from PostgreSQL and charged
 * to the service in every comparison with a ceiling called through pg. The response is not
 * decoded: only its status counts. A failed call rejects with `code` set to its gRPC status (a
 * transport failure, say a refused connection, as UNAVAILABLE, as grpc-js reports it).
 */
export class Http2Caller {
  readonly #sessions: http2.ClientHttp2Session[];
  readonly #headers: http2.OutgoingHttpHeaders;
  #next = 0;

  constructor(address: string, path: string, metadata: Record<string, string>, connections: number) {
    this.#sessions = Array.from({ length: connections }, () => http2.connect(`http://${address}`));
    for (const session of this.#sessions) session.on('error', () => {}); // each call reports its own failure
    this.#headers = grpcRequestHeaders(path, metadata);
  }

  /** One call with `framed` (a message with its 5-byte gRPC prefix, see `frame`). */
  call(framed: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const session = this.#sessions[this.#next++ % this.#sessions.length]!;
      const stream = session.request(this.#headers);
      let status: string | undefined;
      let message: string | undefined;
      const read = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] === undefined) return;
        status = String(headers['grpc-status']);
        message = headers['grpc-message'] === undefined ? undefined : String(headers['grpc-message']);
      };
      stream.on('response', read);
      stream.on('trailers', read);
      stream.on('data', () => {}); // the answer's bytes are not looked at
      stream.on('error', (error) => reject(Object.assign(new Error(error.message), { code: GrpcStatus.UNAVAILABLE })));
      stream.on('close', () => {
        if (status === '0') return resolve();
        const error = Object.assign(new Error(message ?? `stream closed with grpc-status ${status ?? 'none'}`), {
          code: status === undefined ? undefined : Number(status),
        });
        reject(error);
      });
      stream.end(framed);
    });
  }

  close(): void {
    for (const session of this.#sessions) session.close();
  }
}

/** The headers of a gRPC call of `path` carrying `metadata` (HTTP/2 wants its names in lower case). */
export function grpcRequestHeaders(path: string, metadata: Record<string, string>): http2.OutgoingHttpHeaders {
  return {
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

/** A message as a gRPC request body: uncompressed flag, big-endian length, the bytes. */
export function frame(message: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}
