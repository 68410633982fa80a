import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { Status } from '../../gen/ts/google/rpc/status.js';

/**
 * A gRPC call over a bare HTTP/2 connection, for clients a grpc-js client cannot imitate: one
 * that truly stops reading (its stream is paused, so HTTP/2 flow control holds the server's
 * writes back) while it keeps sending. Messages in and out are raw bytes, framed here.
 */
export class RawCall {
  readonly session: ClientHttp2Session;
  readonly stream: ClientHttp2Stream;
  #buffered = Buffer.alloc(0);
  readonly messages: Buffer[] = [];
  readonly ended: Promise<{ code: number; details?: Status }>;

  constructor(address: string, path: string, headers: Record<string, string> = {}) {
    // Room (in MB) for what the tests send ahead of flow control; Node's default (10) would make
    // the client reset its own stream (ENHANCE_YOUR_CALM) before the server is tested.
    this.session = connect(`http://${address}`, { maxSessionMemory: 1024 });
    this.session.on('error', () => {});
    this.stream = this.session.request(
      { ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers },
      { endStream: false },
    );
    this.stream.on('error', () => {});
    this.stream.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      while (this.#buffered.length >= 5 && this.#buffered.length >= 5 + this.#buffered.readUInt32BE(1)) {
        const length = this.#buffered.readUInt32BE(1);
        this.messages.push(this.#buffered.subarray(5, 5 + length));
        this.#buffered = this.#buffered.subarray(5 + length);
      }
    });
    this.ended = new Promise((resolve) => {
      const done = (h: Record<string, unknown>) => {
        const raw = h['grpc-status-details-bin'];
        resolve({
          code: Number(h['grpc-status']),
          details: typeof raw === 'string' ? Status.decode(Buffer.from(raw, 'base64')) : undefined,
        });
      };
      this.stream.on('trailers', done);
      // A trailers-only answer (refused before any message) arrives as the response headers.
      this.stream.on('response', (h) => h['grpc-status'] !== undefined && done(h));
      this.stream.on('close', () => resolve({ code: -1 }));
    });
  }

  /** Sends one message (already encoded); false when HTTP/2 flow control holds it back. */
  send(message: Uint8Array): boolean {
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    Buffer.from(message).copy(frame, 5);
    return this.stream.write(frame);
  }

  close(): void {
    this.stream.close();
    this.session.destroy();
  }
}
