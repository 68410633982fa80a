import { AppError, GrpcStatus } from '../platform/errors.js';

/**
 * How long-lived tracking streams end when they cannot go on, with what the client needs to
 * continue: the last sequence the server wrote (watches of one shipment), so it watches again
 * with since_sequence set to the last sequence it received, losing and repeating nothing.
 */
export function watcherTooSlow(lastSequence?: number): AppError {
  return new AppError(
    GrpcStatus.ABORTED,
    'WATCHER_TOO_SLOW',
    'The watcher read more slowly than events arrived and fell too far behind; watch again from the last sequence received.',
    { metadata: lastSequence === undefined ? {} : { resume_from_sequence: String(lastSequence) } },
  );
}

/** The server is stopping; another instance (or this one, restarted) takes the stream over. */
export function serverShuttingDown(lastSequence?: number): AppError {
  return new AppError(
    GrpcStatus.UNAVAILABLE,
    'SERVER_SHUTTING_DOWN',
    'The server is shutting down; reconnect to continue.',
    {
      metadata: lastSequence === undefined ? {} : { resume_from_sequence: String(lastSequence) },
    },
  );
}

/**
 * A scanner that does not read its acks: whatever it sends would only pile up. Every update up
 * to `lastAnswered` (in the order sent) was answered; it reconnects and re-sends the ones it has
 * no ack for, and those already stored come back as duplicates (by update_id), nothing twice.
 */
export function acksNotRead(lastAnswered?: string): AppError {
  return new AppError(
    GrpcStatus.ABORTED,
    'ACKS_NOT_READ',
    'The scanner did not read its acknowledgements, so the stream was ended; reconnect and re-send the updates without an ack (stored ones are answered as duplicates).',
    { metadata: lastAnswered === undefined ? {} : { resume_after_update_id: lastAnswered } },
  );
}
