import { status as GrpcStatus } from '@grpc/grpc-js';
import { AppError } from '../errors.js';

/** Marks a request message the server could not decode (see `tolerantDeserializer`). */
const MALFORMED = Symbol('malformed request');
/** The size in bytes of a received request message, as it came off the wire (see `receivedBytes`). */
const RECEIVED_BYTES = Symbol('received bytes');

/**
 * How many bytes a request message had on the wire: what a stream that queues messages counts
 * against its memory bound. 0 for a message that did not come through the pipeline.
 */
export function receivedBytes(message: unknown): number {
  return typeof message === 'object' && message !== null
    ? ((message as Record<symbol, number>)[RECEIVED_BYTES] ?? 0)
    : 0;
}

/** Marks a request message larger than its service accepts; it was not decoded at all. */
const OVERSIZED = Symbol('oversized request');

/** True for a message that arrived but could not be decoded; it carries only default field values. */
export function isMalformed(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (MALFORMED in message || OVERSIZED in message);
}

/** The error a call (or a bidi stream) ends with for an undecodable or oversized request. */
export function rejectionOf(message: unknown): AppError {
  const oversized = typeof message === 'object' && message !== null && OVERSIZED in message;
  return oversized ? tooLarge((message as Record<symbol, number>)[OVERSIZED]!) : malformed();
}

/**
 * grpc-js answers INTERNAL when a request cannot be decoded (garbage bytes, an int64 beyond
 * 2^53). That is the caller's mistake, so decode failures become an empty message marked
 * MALFORMED: unary and server-streaming calls then fail with INVALID_ARGUMENT before the handler
 * runs; in bidi streams the handler sees an empty message and rejects that one item in-band.
 */
export function tolerantDeserializer(
  decode: (b: Buffer) => any,
  maxBytes: number | undefined,
  requestStream: boolean,
): (b: Buffer) => any {
  return (bytes) => {
    if (maxBytes !== undefined && bytes.length > maxBytes)
      return Object.assign(decode(Buffer.alloc(0)), { [OVERSIZED]: maxBytes });
    try {
      const message = decode(bytes);
      // Only client streams queue messages; unary requests need no size tag.
      return requestStream ? Object.defineProperty(message, RECEIVED_BYTES, { value: bytes.length }) : message;
    } catch (error) {
      return Object.assign(decode(Buffer.alloc(0)), { [MALFORMED]: (error as Error).message });
    }
  };
}

const malformed = () =>
  new AppError(
    GrpcStatus.INVALID_ARGUMENT,
    'MALFORMED_REQUEST',
    'The request message could not be decoded (bad encoding, or a number out of range).',
  );
const tooLarge = (maxBytes: number) =>
  new AppError(
    GrpcStatus.INVALID_ARGUMENT,
    'REQUEST_TOO_LARGE',
    `The request message is larger than this method accepts (at most ${maxBytes} bytes).`,
    {
      metadata: { max_bytes: String(maxBytes) },
    },
  );
