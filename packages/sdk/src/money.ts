import type { Money } from '../gen/google/type/money.js';

export type { Money };

/**
 * google.type.Money <-> decimal strings, exactly: amounts are parsed and printed digit by digit
 * and computed on as bigint nanos, never as a floating-point number (0.1 + 0.2 stays 0.3).
 * Money holds `units` (whole units; a JS number here, so at most 2^53 - 1) and `nanos`
 * (billionths, -999,999,999..999,999,999, with the sign of units). Anything that would need
 * rounding or does not fit is refused with a RangeError, never approximated.
 */

const NANOS_PER_UNIT = 1_000_000_000n;
const MAX_UNITS = BigInt(Number.MAX_SAFE_INTEGER);
const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;
const CURRENCY = /^[A-Z]{3}$/;

function checkCurrency(currencyCode: string): void {
  if (!CURRENCY.test(currencyCode))
    throw new RangeError(`currency code ${JSON.stringify(currencyCode)} is not three upper-case letters (ISO 4217)`);
}

/** The amount in nanos. @throws RangeError for a Money that breaks google.type.Money's rules. */
function toNanos(money: Money): bigint {
  const { units, nanos } = money;
  if (!Number.isSafeInteger(units)) throw new RangeError(`units ${units} is not an integer within ±(2^53 - 1)`);
  if (!Number.isInteger(nanos) || nanos <= -1e9 || nanos >= 1e9)
    throw new RangeError(`nanos ${nanos} is not an integer within ±999,999,999`);
  if ((units > 0 && nanos < 0) || (units < 0 && nanos > 0))
    throw new RangeError(`units ${units} and nanos ${nanos} have different signs`);
  return BigInt(units) * NANOS_PER_UNIT + BigInt(nanos);
}

/** A Money for an amount in nanos. @throws RangeError when the units do not fit a JS number exactly. */
function fromNanos(currencyCode: string, total: bigint): Money {
  const units = total / NANOS_PER_UNIT; // truncates toward zero: nanos keeps the sign of units
  if (units > MAX_UNITS || units < -MAX_UNITS) throw new RangeError(`the amount's units exceed ±(2^53 - 1)`);
  return { currencyCode, units: Number(units), nanos: Number(total % NANOS_PER_UNIT) };
}

/**
 * Parses a decimal string into Money: `moneyFromDecimal('12.34', 'EUR')` is
 * `{ currencyCode: 'EUR', units: 12, nanos: 340000000 }`. Accepts an optional sign, digits and
 * up to nine decimal places (more only if they are zeros); no exponents, no separators.
 * @throws RangeError for anything else, for more than nine significant decimals (it would
 *   need rounding) and for units beyond ±(2^53 - 1).
 */
export function moneyFromDecimal(decimal: string, currencyCode: string): Money {
  checkCurrency(currencyCode);
  const match = typeof decimal === 'string' ? DECIMAL.exec(decimal.trim()) : null;
  const [, sign = '', whole = '', fraction = ''] = match ?? [];
  if (!match || (whole === '' && fraction === ''))
    throw new RangeError(`${JSON.stringify(decimal)} is not a decimal number`);
  if (fraction.length > 9 && /[^0]/.test(fraction.slice(9))) {
    throw new RangeError(`${decimal} has more than 9 decimal places: Money holds nanos, and rounding is refused`);
  }
  const nanos = BigInt((fraction.slice(0, 9) || '0').padEnd(9, '0'));
  const units = BigInt(whole || '0');
  const total = units * NANOS_PER_UNIT + nanos;
  return fromNanos(currencyCode, sign === '-' ? -total : total);
}

/**
 * Prints Money as a decimal string: `-12.5`, `0.000000001`, `100`; with
 * `minimumFractionDigits: 2`, `100.00` and `-12.50`.
 * @throws RangeError for a Money that breaks google.type.Money's rules.
 */
export function moneyToDecimal(money: Money, options: { minimumFractionDigits?: number } = {}): string {
  const total = toNanos(money);
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  const units = (magnitude / NANOS_PER_UNIT).toString();
  const minimum = Math.min(9, Math.max(0, options.minimumFractionDigits ?? 0));
  let fraction = (magnitude % NANOS_PER_UNIT).toString().padStart(9, '0').replace(/0+$/, '');
  fraction = fraction.padEnd(minimum, '0');
  return `${negative ? '-' : ''}${units}${fraction ? `.${fraction}` : ''}`;
}

/** The sum of amounts in one currency. @throws RangeError for mixed currencies or a sum that does not fit. */
export function addMoney(first: Money, ...rest: Money[]): Money {
  let total = toNanos(first);
  for (const money of rest) {
    if (money.currencyCode !== first.currencyCode)
      throw new RangeError(`cannot add ${money.currencyCode} to ${first.currencyCode}`);
    total += toNanos(money);
  }
  return fromNanos(first.currencyCode, total);
}

/** The amount times an integer quantity (a line total). @throws RangeError for a non-integer quantity or a result that does not fit. */
export function multiplyMoney(money: Money, quantity: number | bigint): Money {
  if (typeof quantity === 'number' && !Number.isSafeInteger(quantity))
    throw new RangeError(`quantity ${quantity} is not a safe integer`);
  return fromNanos(money.currencyCode, toNanos(money) * BigInt(quantity));
}

/** Negative, zero or positive as `a` is less than, equal to or greater than `b`. @throws RangeError for mixed currencies. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  if (a.currencyCode !== b.currencyCode)
    throw new RangeError(`cannot compare ${a.currencyCode} with ${b.currencyCode}`);
  const difference = toNanos(a) - toNanos(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
