import { AppError, GrpcStatus, invalidArgument } from '../errors.js';

/**
 * The opaque cursor a change event carries: where a reader resumes (after the event's position)
 * and when the event occurred, which says whether the events after it may have been purged by
 * retention (cursor-retention.ts). Base64url of `1.<position>.<occurred_at ms>`; clients never
 * look inside.
 */
export interface ChangeCursor {
  readonly position: number;
  readonly occurredAtMs: number;
}

export function encodeChangeCursor(cursor: ChangeCursor): string {
  return Buffer.from(`1.${cursor.position}.${cursor.occurredAtMs}`).toString('base64url');
}

/**
 * The cursor `text` encodes.
 * @throws AppError INVALID_ARGUMENT (a field violation on `field`) when it is not a cursor.
 */
export function decodeChangeCursor(text: string, field: string): ChangeCursor {
  const match = /^1\.(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString('latin1'));
  if (!match || Buffer.from(text, 'base64url').toString('base64url') !== text) {
    throw invalidArgument([{ field, description: 'not a cursor this service issued' }]);
  }
  return { position: Number(match[1]), occurredAtMs: Number(match[2]) };
}

const DAY_MS = 86_400_000;

/**
 * Refuses a cursor older than the retention window: the events after it may have been purged,
 * so resuming from it could silently skip some. The caller resyncs (reloads its state, then
 * watches from now).
 * @throws AppError OUT_OF_RANGE `CURSOR_EXPIRED`.
 */
export function assertCursorRetained(cursor: ChangeCursor, retentionDays: number, now = Date.now()): void {
  if (cursor.occurredAtMs >= now - retentionDays * DAY_MS) return;
  throw new AppError(
    GrpcStatus.OUT_OF_RANGE,
    'CURSOR_EXPIRED',
    `The cursor is older than the change feed's retention window (${retentionDays} days): events after it may be gone. Resync: reload the state you keep, then watch from now.`,
    { metadata: { retention_days: String(retentionDays) } },
  );
}
