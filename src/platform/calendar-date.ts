import type { DateMessage } from '../../gen/ts/google/type/date.js';
import type { Violations } from './validation.js';

/**
 * google.type.Date <-> the 'YYYY-MM-DD' text PostgreSQL `date` columns take and give back (read
 * them with `to_char(col, 'YYYY-MM-DD')`: pg's default parser would turn a date into a JS Date
 * at local midnight, which shifts the day in any time zone west of UTC).
 */

/**
 * Validates a full calendar date (year 2000..9999, a real month and day) and returns its text,
 * or undefined after adding a violation.
 */
export function dateToText(v: Violations, field: string, date: DateMessage): string | undefined {
  const { year, month, day } = date;
  const valid =
    Number.isInteger(year) &&
    year >= 2000 &&
    year <= 9999 &&
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(day) &&
    day >= 1;
  // Date.UTC rolls 31 April over into May: a date is real when it survives the round trip.
  if (!valid || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) {
    v.add(field, 'must be a real calendar date (year 2000..9999, month 1..12, a day that exists)');
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function textToDate(text: string): DateMessage {
  const [year, month, day] = text.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
}

/** Today in UTC plus `days`, as 'YYYY-MM-DD'. */
export function utcDatePlusDays(days: number, now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days))
    .toISOString()
    .slice(0, 10);
}
