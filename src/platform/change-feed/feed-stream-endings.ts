import { AppError, GrpcStatus } from '../errors.js';

/**
 * How a WatchChanges stream ends when it cannot go on, with what the client needs to continue:
 * the cursor of the last event written (or of where the watch started), so it watches again
 * after it, losing and repeating nothing.
 */
export function feedWatcherTooSlow(lastCursor: string | undefined): AppError {
  return new AppError(
    GrpcStatus.ABORTED,
    'WATCHER_TOO_SLOW',
    'The watcher read nothing for too long while events waited; watch again after the last cursor received.',
    { metadata: lastCursor === undefined ? {} : { resume_after_cursor: lastCursor } },
  );
}

/** The server is stopping; another instance (or this one, restarted) takes the watch over. */
export function feedServerShuttingDown(lastCursor: string | undefined): AppError {
  return new AppError(
    GrpcStatus.UNAVAILABLE,
    'SERVER_SHUTTING_DOWN',
    'The server is shutting down; reconnect to continue.',
    {
      metadata: lastCursor === undefined ? {} : { resume_after_cursor: lastCursor },
    },
  );
}
