import { setTimeout as sleep } from 'node:timers/promises';
import { ImsopError, Status } from './errors.js';

/** How a long-lived stream helper reconnects. */
export interface ResumeOptions {
  /** Stops the helper (and its current call); it then throws the AbortError. */
  signal?: AbortSignal;
  /** Reconnections in a row without progress before the last error is thrown (default 8). */
  maxAttempts?: number;
  /** First wait before reconnecting, doubled each time up to `maxBackoffMs` (defaults 100 ms and 5 s); jittered. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Ends after which opening the stream again continues it: the server stopping or unreachable
 * (UNAVAILABLE, e.g. SERVER_SHUTTING_DOWN, or a dropped connection), or the server ending a
 * reader that fell behind (ABORTED WATCHER_TOO_SLOW, ACKS_NOT_READ). Anything else
 * (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT...) is final.
 */
export function isResumable(error: unknown): error is ImsopError {
  if (!(error instanceof ImsopError)) return false;
  if (error.code === Status.UNAVAILABLE) return true;
  return error.code === Status.ABORTED && (error.reason === 'WATCHER_TOO_SLOW' || error.reason === 'ACKS_NOT_READ');
}

/** Waits before reconnection number `attempt` (1, 2, ...): jittered exponential backoff. */
export function backoff(attempt: number, options: ResumeOptions): Promise<void> {
  const initial = options.initialBackoffMs ?? 100;
  const max = options.maxBackoffMs ?? 5_000;
  const ms = Math.min(max, initial * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
  return sleep(ms, undefined, { signal: options.signal });
}
