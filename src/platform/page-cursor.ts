import { isUuid } from './validation.js';

/**
 * The kinds of sort key a page cursor holds:
 * - `timestamp`: PostgreSQL's timestamptz text (`created_at::text`, e.g.
 *   `2026-01-02 03:04:05.123456+00`). It keeps microseconds; a JS Date keeps milliseconds
 *   only, and a truncated cursor would repeat or skip rows at page boundaries.
 * - `uuid`: a row id.
 * - `text`: a unique text key (a SKU, a code, a lower-cased name).
 * - `bigint`: a positive int8 id as decimal text (beyond 2^53).
 * - `integer`: a non-negative safe integer (a sequence number).
 */
export type CursorField = 'timestamp' | 'uuid' | 'text' | 'bigint' | 'integer';

/** The values of a cursor of the given shape. */
export type CursorOf<S extends readonly CursorField[]> = {
  -readonly [I in keyof S]: S[I] extends 'integer' ? number : string;
};

/** A value a list may put into a cursor. */
export type CursorValue = string | number;

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;
const MAX_TEXT_CHARS = 1000;
const INT8_MAX = 9223372036854775807n;

/**
 * The cursor when `keys` has exactly the given shape and every value is one PostgreSQL takes
 * for its type (a real calendar date and time, a UUID, text without NUL, an int8 in range).
 * A value SQL would refuse must fail here as a bad page token, never as a database error.
 * @returns undefined for anything else.
 */
export function readCursor<const S extends readonly CursorField[]>(keys: unknown, shape: S): CursorOf<S> | undefined {
  if (!Array.isArray(keys) || keys.length !== shape.length) return undefined;
  return keys.every((value, i) => isField(value, shape[i]!)) ? (keys as CursorOf<S>) : undefined;
}

function isField(value: unknown, field: CursorField): boolean {
  switch (field) {
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'uuid':
      return typeof value === 'string' && isUuid(value);
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_CHARS && !value.includes('\u0000');
    case 'bigint':
      return typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= INT8_MAX;
    case 'timestamp':
      return typeof value === 'string' && isTimestamp(value);
  }
}

function isTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, , offsetHours, offsetMinutes, offsetSeconds] = m
    .slice(1)
    .map(Number) as number[];
  return (
    year! >= 1 &&
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours! <= 15 &&
    (Number.isNaN(offsetMinutes) || offsetMinutes! <= 59) &&
    (Number.isNaN(offsetSeconds) || offsetSeconds! <= 59)
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
