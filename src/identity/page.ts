import { invalidArgument } from '../platform/errors.js';
import { decodePageToken, encodePageToken, type PageBinding } from '../platform/pagination.js';
import { isUuid } from '../platform/validation.js';

/**
 * Keyset pages over (timestamp, id). The timestamp travels as PostgreSQL's own text form
 * (`created_at::text`): a JS Date keeps milliseconds only, and a cursor truncated from
 * microseconds would repeat or skip rows at page boundaries.
 */
export type Cursor = [time: string, id: string];

const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/**
 * The cursor a page token carries, checked for shape: tokens are opaque but not secret, so a
 * hand-made one must fail as INVALID_ARGUMENT, not as a SQL error.
 * @param id what the second key must be: a UUID, or a positive integer (audit entry ids).
 * @throws AppError INVALID_ARGUMENT for a malformed or foreign token.
 */
export function readCursor(token: string, binding: PageBinding, id: 'uuid' | 'integer' = 'uuid'): Cursor | undefined {
  const keys = decodePageToken(token, binding);
  if (!keys) return undefined;
  const [time, key] = keys;
  const idOk = typeof key === 'string' && (id === 'uuid' ? isUuid(key) : /^[1-9]\d{0,18}$/.test(key));
  if (keys.length !== 2 || typeof time !== 'string' || !PG_TIMESTAMP.test(time) || !idOk) {
    throw invalidArgument([{ field: 'page_token', description: 'is malformed; start again without it' }]);
  }
  return [time, key];
}

/**
 * Splits the `size + 1` rows a list query fetched into the page and the token for the next one
 * (empty on the last page).
 */
export function toPage<T extends { cursor_time: string; id: string | number }>(rows: T[], size: number, binding: PageBinding): { items: T[]; nextPageToken: string } {
  if (rows.length <= size) return { items: rows, nextPageToken: '' };
  const items = rows.slice(0, size);
  const last = items[items.length - 1]!;
  return { items, nextPageToken: encodePageToken([last.cursor_time, String(last.id)], binding) };
}
