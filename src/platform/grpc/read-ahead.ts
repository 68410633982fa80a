import type { Readable } from 'node:stream';

/**
 * Makes a client stream read at most one message ahead of its handler. grpc-js builds its
 * streams with Node's default object high-water mark (16), so even a paused stream goes on
 * pulling up to 16 decoded messages off the connection: with 4 MiB messages, 64 MiB a stream
 * that its handler never asked for. With a mark of 1, a handler that stops reading stops the
 * reading from the connection, and HTTP/2 flow control holds the client back.
 *
 * The mark is fixed at construction and grpc-js offers no option for it, hence the stream's
 * internal state is set here (the one place that knows).
 */
export function readOneMessageAhead(stream: Readable): void {
  const state = (stream as unknown as { _readableState?: { highWaterMark: number } })._readableState;
  if (state) state.highWaterMark = 1;
}
