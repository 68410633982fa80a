import { describe, expect, it } from 'vitest';
import { AppError } from '../src/platform/errors.js';
import { checkEtag, formatEtag } from '../src/platform/etag.js';
import { maskPaths } from '../src/platform/field-mask.js';
import { decimalToMoney, moneyToDecimal } from '../src/platform/money.js';
import { decodePageToken, encodePageToken, resolvePageSize } from '../src/platform/pagination.js';
import { Violations } from '../src/platform/validation.js';

/** Pure helpers every domain relies on; their RPC-level behaviour is covered by the domain tests. */
const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).fieldViolations.map((f) => f.field);
  }
  return [];
};

describe('money', () => {
  it('round-trips exact decimals and refuses too many decimal places', () => {
    const v = new Violations();
    expect(moneyToDecimal(v, 'price', { currencyCode: 'EUR', units: 12, nanos: 340_000_000 })).toEqual({ amount: '12.3400', currency: 'EUR' });
    expect(moneyToDecimal(v, 'price', { currencyCode: 'EUR', units: -1, nanos: -500_000_000 }, { allowNegative: true })?.amount).toBe('-1.5000');
    expect(v.empty).toBe(true);
    expect(decimalToMoney('12.3400', 'EUR')).toEqual({ currencyCode: 'EUR', units: 12, nanos: 340_000_000 });
    expect(decimalToMoney('-0.5', 'USD')).toEqual({ currencyCode: 'USD', units: 0, nanos: -500_000_000 });
    expect(fieldsOf(() => (moneyToDecimal(v, 'price', { currencyCode: 'EUR', units: 1, nanos: 123_450_000 }), v.throwIfAny()))).toEqual(['price']);
    const w = new Violations();
    moneyToDecimal(w, 'cost', { currencyCode: 'eur', units: 1, nanos: -1 });
    expect(fieldsOf(() => w.throwIfAny())).toEqual(['cost.currency_code', 'cost.nanos', 'cost']);
  });
});

describe('pagination', () => {
  const binding = { organizationId: 'o1', method: 'List', filter: { status: 1 } };
  it('resolves page sizes per AIP-158', () => {
    expect(resolvePageSize(0)).toBe(50);
    expect(resolvePageSize(10_000)).toBe(500);
    expect(fieldsOf(() => resolvePageSize(-1))).toEqual(['page_size']);
  });
  it('binds tokens to the tenant, method and filter', () => {
    const token = encodePageToken(['2026-01-01', 'id-9'], binding);
    expect(decodePageToken(token, binding)).toEqual(['2026-01-01', 'id-9']);
    expect(decodePageToken('', binding)).toBeUndefined();
    expect(fieldsOf(() => decodePageToken(token, { ...binding, organizationId: 'o2' }))).toEqual(['page_token']);
    expect(fieldsOf(() => decodePageToken(token, { ...binding, filter: { status: 2 } }))).toEqual(['page_token']);
    expect(fieldsOf(() => decodePageToken('%%%not-base64', binding))).toEqual(['page_token']);
  });
});

describe('etag and field mask', () => {
  it('accepts a current or absent etag and refuses a stale one with ABORTED', () => {
    expect(() => checkEtag(undefined, 3)).not.toThrow();
    expect(() => checkEtag(formatEtag(3), 3)).not.toThrow();
    expect(() => checkEtag(formatEtag(2), 3)).toThrow(expect.objectContaining({ reason: 'ETAG_MISMATCH' }));
  });
  it('requires a mask of known paths', () => {
    expect([...maskPaths(['name', 'status'], ['name', 'status', 'email'])]).toEqual(['name', 'status']);
    expect(fieldsOf(() => maskPaths([], ['name']))).toEqual(['update_mask']);
    expect(fieldsOf(() => maskPaths(['id'], ['name']))).toEqual(['update_mask']);
  });
});
