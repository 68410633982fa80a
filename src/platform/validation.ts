import { invalidArgument, type FieldViolation } from './errors.js';

/** The one UUID rule of the API: canonical 8-4-4-4-12 hex, either case (login's looser reading is organization-reference.ts). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Collects every problem of a request before failing, so the caller sees all field violations
 * at once. Field names are the proto field names (snake_case), as clients see them.
 */
export class Violations {
  readonly #list: FieldViolation[] = [];

  add(field: string, description: string): this {
    this.#list.push({ field, description });
    return this;
  }

  /** Non-empty after trimming, at most `maxChars` characters. */
  requireText(field: string, value: string | undefined, maxChars: number): this {
    if (value === undefined || value.trim() === '') return this.add(field, 'is required');
    return this.maxChars(field, value, maxChars);
  }

  maxChars(field: string, value: string | undefined, maxChars: number): this {
    if (value !== undefined && codePointsExceed(value, maxChars))
      this.add(field, `must be at most ${maxChars} characters`);
    return this;
  }

  maxBytes(field: string, value: string | undefined, maxBytes: number): this {
    if (value !== undefined && Buffer.byteLength(value, 'utf8') > maxBytes)
      this.add(field, `must be at most ${maxBytes} bytes`);
    return this;
  }

  uuid(field: string, value: string | undefined, required = true): this {
    if (value === undefined || value === '') return required ? this.add(field, 'is required') : this;
    if (!isUuid(value)) this.add(field, 'must be a UUID');
    return this;
  }

  get empty(): boolean {
    return this.#list.length === 0;
  }

  /** @throws AppError INVALID_ARGUMENT with every violation collected so far, if any. */
  throwIfAny(): void {
    if (this.#list.length > 0) throw invalidArgument([...this.#list]);
  }
}

/**
 * Whether `value` has more than `max` characters (code points), without spreading a huge string
 * into an array: a string has between length / 2 and length code points, so only lengths in
 * between need counting (and that count is at most 2 * max + 1 steps).
 */
function codePointsExceed(value: string, max: number): boolean {
  if (value.length <= max) return false;
  if (value.length > 2 * max) return true;
  let count = 0;
  for (const _ of value) if (++count > max) return true;
  return false;
}

export const isUuid = (value: string): boolean => UUID.test(value);
