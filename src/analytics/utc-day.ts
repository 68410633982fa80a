import type { DateMessage } from '../../gen/ts/google/type/date.js';
import type { Violations } from '../platform/validation.js';

/**
 * Metrics are kept per UTC day, written 'YYYY-MM-DD' everywhere: in SQL (`date` columns, read back
 * with `day::text`: pg's default parser would turn a date into a JS Date at local midnight) and
 * in code. These helpers convert between that text, instants and google.type.Date.
 */
export type Day = string;

/** A UTC day as instants: [start, end) (of the organization the unit of work is for). */
export interface DayWindow {
  start: Date;
  end: Date;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** The UTC day an instant falls in. */
export function dayOf(instant: Date): Day {
  return instant.toISOString().slice(0, 10);
}

/** Midnight UTC at the start of `day`. */
export function startOf(day: Day): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: Day, days: number): Day {
  return dayOf(new Date(startOf(day).getTime() + days * MS_PER_DAY));
}

/** Days from `first` to `last`, both included (empty when last is before first). */
export function daysBetween(first: Day, last: Day): Day[] {
  const days: Day[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Whole days from `first` to `last` (last - first). */
export function dayDistance(first: Day, last: Day): number {
  return Math.round((startOf(last).getTime() - startOf(first).getTime()) / MS_PER_DAY);
}

/** A real calendar day written YYYY-MM-DD (years 2000..9999), else undefined. */
export function parseDay(text: string): Day | undefined {
  const m = DAY.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(year, month, day) ? text : undefined;
}

/**
 * A google.type.Date as a Day; adds a violation (and returns undefined) for an unset or partial
 * date or one that does not exist.
 */
export function dayFromProto(v: Violations, field: string, date: DateMessage | undefined): Day | undefined {
  if (!date || !isRealDate(date.year, date.month, date.day)) {
    v.add(field, 'must be a full, real calendar date (year 2000..9999)');
    return undefined;
  }
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function dayToProto(day: Day): DateMessage {
  const [year, month, d] = day.split('-').map(Number);
  return { year: year!, month: month!, day: d! };
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (![year, month, day].every(Number.isInteger) || year < 2000 || year > 9999 || month < 1 || month > 12 || day < 1)
    return false;
  // Date.UTC rolls 31 April over into May: a date is real when it survives the round trip.
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}
