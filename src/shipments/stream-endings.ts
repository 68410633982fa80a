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
  return new AppError(GrpcStatus.UNAVAILABLE, 'SERVER_SHUTTING_DOWN', 'The server is shutting down; reconnect to continue.', {
    metadata: lastSequence === undefined ? {} : { resume_from_sequence: String(lastSequence) },
  });
}
