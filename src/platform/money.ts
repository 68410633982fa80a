import type { Money } from '../../gen/ts/google/type/money.js';
import type { Violations } from './validation.js';

const NANOS = 1_000_000_000;

/**
 * google.type.Money <-> exact decimal strings for PostgreSQL `numeric` columns. No floating
 * point anywhere: units and nanos are integers, the string is built digit by digit.
 */

/**
 * Validates `money` and returns it as a decimal string with currency, or undefined after adding
 * violations. `scale` is the most decimal places the column keeps: more are refused, never rounded.
 */
export function moneyToDecimal(
  v: Violations,
  field: string,
  money: Money | undefined,
  opts: { scale?: number; required?: boolean; allowNegative?: boolean } = {},
): { amount: string; currency: string } | undefined {
  const scale = opts.scale ?? 4;
  if (!money) {
    if (opts.required ?? true) v.add(field, 'is required');
    return undefined;
  }
  const problems: [string, string][] = [];
  if (!/^[A-Z]{3}$/.test(money.currencyCode))
    problems.push([`${field}.currency_code`, 'must be a 3-letter ISO 4217 code, e.g. EUR']);
  const { units, nanos } = money;
  if (!Number.isSafeInteger(units) || Math.abs(units) > 1e13) problems.push([`${field}.units`, 'is out of range']);
  if (!Number.isInteger(nanos) || Math.abs(nanos) >= NANOS)
    problems.push([`${field}.nanos`, 'must be between -999999999 and 999999999']);
  else if ((units > 0 && nanos < 0) || (units < 0 && nanos > 0))
    problems.push([`${field}.nanos`, 'must have the same sign as units']);
  else if (nanos % 10 ** (9 - scale) !== 0) problems.push([field, `must have at most ${scale} decimal places`]);
  if (!(opts.allowNegative ?? false) && (units < 0 || nanos < 0)) problems.push([field, 'must not be negative']);
  if (problems.length > 0) {
    for (const [f, d] of problems) v.add(f, d);
    return undefined;
  }
  const negative = units < 0 || nanos < 0;
  const frac = String(Math.abs(nanos)).padStart(9, '0').slice(0, scale);
  return {
    amount: `${negative ? '-' : ''}${Math.abs(units)}${scale > 0 ? '.' + frac : ''}`,
    currency: money.currencyCode,
  };
}

/** A `numeric` value as PostgreSQL returns it (e.g. "12.3400", "-0.5") to Money. */
export function decimalToMoney(amount: string, currencyCode: string): Money {
  const negative = amount.startsWith('-');
  const [whole = '0', frac = ''] = amount.replace(/^[-+]/, '').split('.');
  const units = Number(whole);
  const nanos = Number(frac.padEnd(9, '0').slice(0, 9));
  return {
    currencyCode,
    units: negative && units !== 0 ? -units : units,
    nanos: negative && nanos !== 0 ? -nanos : nanos,
  };
}
