import { describe, expect, it } from 'vitest';
import { addMoney, compareMoney, moneyFromDecimal, moneyToDecimal, multiplyMoney } from './support/sdk.js';

const eur = (units: number, nanos = 0) => ({ currencyCode: 'EUR', units, nanos });

describe('SDK Money helpers (exact, no floating point)', () => {
  it('parses decimal strings into units and nanos, the sign on both', () => {
    expect(moneyFromDecimal('12.34', 'EUR')).toEqual(eur(12, 340_000_000));
    expect(moneyFromDecimal('-12.34', 'EUR')).toEqual(eur(-12, -340_000_000));
    expect(moneyFromDecimal('-0.5', 'EUR')).toEqual(eur(0, -500_000_000));
    expect(moneyFromDecimal('+.5', 'EUR')).toEqual(eur(0, 500_000_000));
    expect(moneyFromDecimal('7.', 'EUR')).toEqual(eur(7));
    expect(moneyFromDecimal('0.000000001', 'EUR')).toEqual(eur(0, 1));
    expect(moneyFromDecimal('-0', 'EUR')).toEqual(eur(0));
    expect(moneyFromDecimal(' 3.10 ', 'USD')).toEqual({ currencyCode: 'USD', units: 3, nanos: 100_000_000 });
    // Trailing zeros past the ninth place need no rounding.
    expect(moneyFromDecimal('1.2500000000000', 'EUR')).toEqual(eur(1, 250_000_000));
  });

  it('refuses what would need rounding, does not fit, or is not a plain decimal', () => {
    expect(() => moneyFromDecimal('0.0000000001', 'EUR')).toThrow(/more than 9 decimal places/);
    expect(() => moneyFromDecimal('1.9999999999', 'EUR')).toThrow(RangeError);
    expect(moneyFromDecimal('9007199254740991.999999999', 'EUR')).toEqual(eur(9_007_199_254_740_991, 999_999_999));
    expect(() => moneyFromDecimal('9007199254740992', 'EUR')).toThrow(/2\^53/);
    expect(() => moneyFromDecimal('-9007199254740992', 'EUR')).toThrow(RangeError);
    for (const bad of ['', '.', '-', '1e3', '1,000.00', '0x10', 'NaN', '1.2.3', '--1']) {
      expect(() => moneyFromDecimal(bad, 'EUR'), bad).toThrow(RangeError);
    }
    expect(() => moneyFromDecimal(0.1 as unknown as string, 'EUR')).toThrow(RangeError);
    expect(() => moneyFromDecimal('1', 'eur')).toThrow(/currency code/);
  });

  it('prints decimals exactly, with optional minimum fraction digits', () => {
    expect(moneyToDecimal(eur(12, 340_000_000))).toBe('12.34');
    expect(moneyToDecimal(eur(-12, -340_000_000))).toBe('-12.34');
    expect(moneyToDecimal(eur(0, -500_000_000))).toBe('-0.5');
    expect(moneyToDecimal(eur(0, 1))).toBe('0.000000001');
    expect(moneyToDecimal(eur(100))).toBe('100');
    expect(moneyToDecimal(eur(100), { minimumFractionDigits: 2 })).toBe('100.00');
    expect(moneyToDecimal(eur(-12, -500_000_000), { minimumFractionDigits: 2 })).toBe('-12.50');
    expect(moneyToDecimal(eur(9_007_199_254_740_991, 999_999_999))).toBe('9007199254740991.999999999');
    for (const decimal of ['0', '-0.000000001', '123456789.123456789', '-42'])
      expect(moneyToDecimal(moneyFromDecimal(decimal, 'EUR'))).toBe(decimal);
  });

  it('refuses Money that breaks google.type.Money rules', () => {
    expect(() => moneyToDecimal(eur(1, -1))).toThrow(/different signs/);
    expect(() => moneyToDecimal(eur(0, 1_000_000_000))).toThrow(/nanos/);
    expect(() => moneyToDecimal(eur(1.5))).toThrow(/units/);
    expect(() => moneyToDecimal(eur(2 ** 60))).toThrow(/units/);
  });

  it('adds, multiplies and compares on nanos, so 0.1 + 0.2 is 0.3', () => {
    const tenth = moneyFromDecimal('0.1', 'EUR');
    expect(moneyToDecimal(addMoney(tenth, moneyFromDecimal('0.2', 'EUR')))).toBe('0.3');
    expect(moneyToDecimal(addMoney(moneyFromDecimal('1.25', 'EUR'), moneyFromDecimal('-3.5', 'EUR')))).toBe('-2.25');
    expect(addMoney(moneyFromDecimal('1.25', 'EUR'), moneyFromDecimal('-3.5', 'EUR'))).toEqual(eur(-2, -250_000_000));
    expect(moneyToDecimal(multiplyMoney(moneyFromDecimal('0.333333333', 'EUR'), 3))).toBe('0.999999999');
    expect(moneyToDecimal(multiplyMoney(moneyFromDecimal('19.99', 'EUR'), -3n))).toBe('-59.97');
    expect(() => multiplyMoney(tenth, 1.5)).toThrow(/safe integer/);
    expect(() => multiplyMoney(moneyFromDecimal('9007199254740991', 'EUR'), 2)).toThrow(/2\^53/);
    expect(() => addMoney(tenth, moneyFromDecimal('1', 'USD'))).toThrow(/USD/);
    expect(compareMoney(moneyFromDecimal('0.3', 'EUR'), addMoney(tenth, moneyFromDecimal('0.2', 'EUR')))).toBe(0);
    expect(compareMoney(moneyFromDecimal('-0.1', 'EUR'), tenth)).toBe(-1);
    expect(compareMoney(tenth, moneyFromDecimal('0.099999999', 'EUR'))).toBe(1);
  });
});
