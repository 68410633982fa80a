import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { linkedSignal } from '../linked-signal.js';

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

/** The client took nothing for longer than the writer was willing to wait. */
export class ClientNotReading extends Error {
  constructor(readonly waitedMs: number) {
    super(`The client read nothing for ${waitedMs} ms.`);
    this.name = 'ClientNotReading';
  }
}

/**
 * Like {@link writeWithBackpressure}, but waits for the client at most `patienceMs`: a stream
 * whose client stopped reading would otherwise hold its unsent messages (and whatever its
 * handler keeps meanwhile) for as long as the connection lives.
 *
 * @throws ClientNotReading when the client took nothing for `patienceMs`; the signal's
 *   AbortError when `signal` aborts first.
 */
export async function writeWithPatience(
  stream: Writable,
  message: unknown,
  signal: AbortSignal,
  patienceMs: number,
): Promise<void> {
  if (stream.write(message)) return;
  const patience = new AbortController();
  const timer = setTimeout(() => patience.abort(), patienceMs);
  const either = linkedSignal([signal, patience.signal]);
  try {
    await once(stream, 'drain', { signal: either.signal });
  } catch (error) {
    if (patience.signal.aborted && !signal.aborted) throw new ClientNotReading(patienceMs);
    throw error;
  } finally {
    clearTimeout(timer);
    either.release();
  }
}
