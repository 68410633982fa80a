import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes one message to a server stream honouring its flow control. The message is handed to
 * the stream at once (synchronously, during the call); when grpc-js then reports its buffer
 * full (write() returned false: the client reads slower than we write) the returned promise
 * waits for 'drain'. A caller that awaits every write therefore never holds more than the
 * stream's high-water mark in grpc-js; what piles up meanwhile is the caller's to bound.
 *
 * @throws (rejects with) the signal's AbortError when `signal` aborts while waiting (client
 *   gone, shutdown); the message itself was written all the same.
 */
export async function writeWithBackpressure(stream: Writable, message: unknown, signal: AbortSignal): Promise<void> {
  if (stream.write(message)) return;
  await once(stream, 'drain', { signal });
}
