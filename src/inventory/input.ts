import { isUuid, type Violations } from '../platform/validation.js';

/**
 * Normalisation and checks of inventory request fields. Each check adds a field violation
 * instead of throwing, so a request reports every problem at once; each returns the normalised
 * value (or undefined when invalid) for the caller to use after `throwIfAny()`.
 */

const SKU = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const UNIT_OF_MEASURE = /^[a-z][a-z0-9_]{0,19}$/;

/** Largest quantity one movement may move (a level holds at most 2^31-1 units). */
export const MAX_MOVEMENT_QUANTITY = 1_000_000_000;
/** Largest counted quantity of a cycle count. */
export const MAX_COUNTED_QUANTITY = 2_000_000_000;
/** Upper bound of reorder points and quantities. */
export const MAX_REORDER_QUANTITY = 1_000_000_000;

/**
 * SKUs and warehouse codes are ASCII and compare ignoring ASCII case: stored and looked up in
 * upper case. Only a-z is upper-cased, so a non-ASCII letter is refused rather than turned
 * into ASCII by locale-free upper-casing ("straße" is not the SKU "STRASSE", "ıd" not "ID").
 */
const upperAscii = (value: string) => value.replace(/[a-z]+/g, (letters) => letters.toUpperCase());

/** A SKU filter prefix as SKUs are stored. */
export const skuPrefix = (value: string) => upperAscii(value.trim());

export function sku(v: Violations, field: string, value: string | undefined): string | undefined {
  const normalised = upperAscii((value ?? '').trim());
  if (normalised === '') {
    v.add(field, 'is required');
    return undefined;
  }
  if (!SKU.test(normalised)) {
    v.add(field, "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
    return undefined;
  }
  return normalised;
}

export function warehouseCode(v: Violations, field: string, value: string | undefined): string | undefined {
  const normalised = upperAscii((value ?? '').trim());
  if (normalised === '') {
    v.add(field, 'is required');
    return undefined;
  }
  if (!WAREHOUSE_CODE.test(normalised)) {
    v.add(field, "must be 1-32 characters of letters, digits, '_' or '-', starting with a letter or digit");
    return undefined;
  }
  return normalised;
}

export function unitOfMeasure(v: Violations, field: string, value: string | undefined): string | undefined {
  const normalised = (value ?? '').trim() || 'each';
  if (!UNIT_OF_MEASURE.test(normalised)) {
    v.add(field, "must be 1-20 lower-case letters, digits or '_', starting with a letter (e.g. each, kg, box_of_12)");
    return undefined;
  }
  return normalised;
}

/** A required UUID, lower-cased (ids compare as text when ordering locks). */
export function id(v: Violations, field: string, value: string | undefined): string {
  const normalised = (value ?? '').trim().toLowerCase();
  if (normalised === '') v.add(field, 'is required');
  else if (!isUuid(normalised)) v.add(field, 'must be a UUID');
  return normalised;
}

/** An optional UUID: '' stays '' (no filter / no reference). */
export function optionalId(v: Violations, field: string, value: string | undefined): string {
  const normalised = (value ?? '').trim().toLowerCase();
  if (normalised !== '' && !isUuid(normalised)) v.add(field, 'must be a UUID');
  return normalised;
}

export function intInRange(v: Violations, field: string, value: number | undefined, min: number, max: number): number {
  const n = value ?? 0;
  if (!Number.isInteger(n) || n < min || n > max)
    v.add(field, `must be a whole number from ${min} to ${max.toLocaleString('en-US')}`);
  return n;
}

/** A movement's quantity: 1..MAX_MOVEMENT_QUANTITY (zero and negative are refused, not ignored). */
export function movementQuantity(v: Violations, field: string, value: number | undefined): number {
  return intInRange(v, field, value, 1, MAX_MOVEMENT_QUANTITY);
}

/** Optional free text, at most `maxChars` characters, trimmed. */
export function text(v: Violations, field: string, value: string | undefined, maxChars: number): string {
  const trimmed = (value ?? '').trim();
  v.maxChars(field, trimmed, maxChars);
  return trimmed;
}

/** A proto enum value that must be one of `allowed` (unknown numbers and UNSPECIFIED are refused). */
export function enumValue<E extends number>(
  v: Violations,
  field: string,
  value: E | undefined,
  allowed: readonly E[],
  names: string,
): E | undefined {
  if (value === undefined || !allowed.includes(value)) {
    v.add(field, `must be one of ${names}`);
    return undefined;
  }
  return value;
}
