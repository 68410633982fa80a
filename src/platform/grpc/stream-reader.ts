import type { Readable } from 'node:stream';

/**
 * The messages of a client stream, one at a time: the stream is paused while a message is being
 * handled, so grpc-js reads no further and HTTP/2 flow control holds the client back. A handler
 * that awaits its answer before asking for the next message therefore holds one request at a
 * time, however fast the client sends. Ends when the client half-closes or `signal` aborts
 * (client gone, shutdown); a message already read when the signal aborts is not yielded.
 */
export async function* readOneAtATime<T>(stream: Readable, signal: AbortSignal): AsyncGenerator<T> {
  const pending: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onData = (message: T) => {
    pending.push(message);
    stream.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  signal.addEventListener('abort', notify, { once: true });
  try {
    while (!signal.aborted) {
      if (pending.length > 0) {
        yield pending.shift()!;
        if (pending.length === 0 && !ended) stream.resume();
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.removeListener('data', onData);
    stream.removeListener('end', onEnd);
    signal.removeEventListener('abort', notify);
  }
}
