import { invalidArgument } from '../platform/errors.js';
import { decodePageToken, encodePageToken, type PageBinding } from '../platform/pagination.js';
import { isUuid } from '../platform/validation.js';

/**
 * Keyset pages of events over (occurred_at, id). The time travels as PostgreSQL's own text
 * (`occurred_at::text`): a JS Date keeps milliseconds only, and a cursor truncated from
 * microseconds would repeat or skip events at page boundaries.
 */
export type EventCursor = [time: string, id: string];

const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/**
 * The cursor a page token carries, checked for shape: tokens are opaque but not secret, so a
 * hand-made one must fail as INVALID_ARGUMENT, not as a SQL error.
 * @throws AppError INVALID_ARGUMENT for a malformed or foreign token.
 */
export function readEventCursor(token: string, binding: PageBinding): EventCursor | undefined {
  const keys = decodePageToken(token, binding);
  if (!keys) return undefined;
  const [time, id] = keys;
  if (keys.length !== 2 || typeof time !== 'string' || !PG_TIMESTAMP.test(time) || typeof id !== 'string' || !isUuid(id)) {
    throw invalidArgument([{ field: 'page_token', description: 'is malformed; start again without it' }]);
  }
  return [time, id];
}

/** Splits the `size + 1` rows a list fetched into the page and the next page's token. */
export function toEventPage<T extends { cursor_time: string; id: string }>(rows: T[], size: number, binding: PageBinding): { items: T[]; nextPageToken: string } {
  if (rows.length <= size) return { items: rows, nextPageToken: '' };
  const items = rows.slice(0, size);
  const last = items[items.length - 1]!;
  return { items, nextPageToken: encodePageToken([last.cursor_time, last.id], binding) };
}
