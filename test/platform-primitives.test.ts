import { describe, expect, it } from 'vitest';
import { AppError } from '../src/platform/errors.js';
import { checkEtag, formatEtag } from '../src/platform/etag.js';
import { maskPaths } from '../src/platform/field-mask.js';
import { decimalToMoney, moneyToDecimal } from '../src/platform/money.js';
import { PageTokens } from '../src/platform/page-tokens.js';
import { resolvePageSize } from '../src/platform/pagination.js';
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
    expect(moneyToDecimal(v, 'price', { currencyCode: 'EUR', units: 12, nanos: 340_000_000 })).toEqual({
      amount: '12.3400',
      currency: 'EUR',
    });
    expect(
      moneyToDecimal(v, 'price', { currencyCode: 'EUR', units: -1, nanos: -500_000_000 }, { allowNegative: true })
        ?.amount,
    ).toBe('-1.5000');
    expect(v.empty).toBe(true);
    expect(decimalToMoney('12.3400', 'EUR')).toEqual({ currencyCode: 'EUR', units: 12, nanos: 340_000_000 });
    expect(decimalToMoney('-0.5', 'USD')).toEqual({ currencyCode: 'USD', units: 0, nanos: -500_000_000 });
    expect(
      fieldsOf(
        () => (moneyToDecimal(v, 'price', { currencyCode: 'EUR', units: 1, nanos: 123_450_000 }), v.throwIfAny()),
      ),
    ).toEqual(['price']);
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
  const tokens = new PageTokens({ current: 'a'.repeat(32) });
  const id = '0b5e8a52-7c1d-4f7e-9a64-2d8f1c3b5a70';
  it('binds tokens to the tenant, method and filter', () => {
    const token = tokens.encode(['2026-01-01 10:00:00.123456+00', id], binding);
    expect(tokens.decode(token, binding, ['timestamp', 'uuid'])).toEqual(['2026-01-01 10:00:00.123456+00', id]);
    expect(tokens.decode('', binding, ['timestamp', 'uuid'])).toBeUndefined();
    expect(fieldsOf(() => tokens.decode(token, { ...binding, organizationId: 'o2' }, ['timestamp', 'uuid']))).toEqual([
      'page_token',
    ]);
    expect(fieldsOf(() => tokens.decode(token, { ...binding, method: 'Other' }, ['timestamp', 'uuid']))).toEqual([
      'page_token',
    ]);
    expect(fieldsOf(() => tokens.decode(token, { ...binding, filter: { status: 2 } }, ['timestamp', 'uuid']))).toEqual([
      'page_token',
    ]);
    expect(fieldsOf(() => tokens.decode('%%%not-base64', binding, ['timestamp', 'uuid']))).toEqual(['page_token']);
  });
  it('refuses a token signed with another secret, and verifies with the previous one during a rotation', () => {
    const old = new PageTokens({ current: 'b'.repeat(32) });
    const token = old.encode(['sku-1'], binding);
    expect(fieldsOf(() => tokens.decode(token, binding, ['text']))).toEqual(['page_token']);
    const rotated = new PageTokens({ current: 'a'.repeat(32), previous: 'b'.repeat(32) });
    expect(rotated.decode(token, binding, ['text'])).toEqual(['sku-1']);
    expect(rotated.decode(rotated.encode(['sku-2'], binding), binding, ['text'])).toEqual(['sku-2']);
  });
  it('refuses every other spelling of a token, even one that decodes to the same bytes', () => {
    const token = tokens.encode(['sku-12'], binding); // 43 bytes: the last character has spare bits
    const bytes = Buffer.from(token, 'base64url');
    // Spare low bits in the last character, a character outside the alphabet, padding.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = [...alphabet]
      .map((c) => token.slice(0, -1) + c)
      .filter((t) => t !== token && Buffer.from(t, 'base64url').equals(bytes));
    expect(sameBytes.length).toBeGreaterThan(0);
    for (const spelling of [...sameBytes, token + '=', token.slice(0, 5) + '!' + token.slice(5), token + '\n']) {
      expect(fieldsOf(() => tokens.decode(spelling, binding, ['text']))).toEqual(['page_token']);
    }
  });
  it('refuses every one-character substitution of a token (all 63 others at each position)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const token = tokens.encode(['2026-01-01 10:00:00.123456+00', id], binding);
    const accepted: string[] = [];
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        const edited = token.slice(0, i) + c + token.slice(i + 1);
        if (fieldsOf(() => tokens.decode(edited, binding, ['timestamp', 'uuid'])).join() !== 'page_token')
          accepted.push(edited);
      }
    }
    expect(accepted).toEqual([]);
  });
  it('checks every cursor value against its type before it can reach SQL', () => {
    const refused = (keys: (string | number)[], shape: Parameters<PageTokens['decode']>[2]) =>
      fieldsOf(() => tokens.decode(tokens.encode(keys, binding), binding, shape));
    expect(refused(['2026-52-01 00:00:00+00', id], ['timestamp', 'uuid'])).toEqual(['page_token']);
    expect(refused(['2026-02-29 00:00:00+00', id], ['timestamp', 'uuid'])).toEqual(['page_token']);
    expect(refused(['2026-01-01 24:00:00+00', id], ['timestamp', 'uuid'])).toEqual(['page_token']);
    expect(refused(['2026-01-01 10:00:00+00', 'not-a-uuid'], ['timestamp', 'uuid'])).toEqual(['page_token']);
    expect(refused(['2026-01-01 10:00:00+00'], ['timestamp', 'uuid'])).toEqual(['page_token']);
    expect(refused(['a\u0000b'], ['text'])).toEqual(['page_token']);
    expect(refused(['9223372036854775808'], ['bigint'])).toEqual(['page_token']);
    expect(refused([-1], ['integer'])).toEqual(['page_token']);
    expect(refused(['7'], ['integer'])).toEqual(['page_token']);
    expect(refused(['2024-02-29 23:59:59.999999-09:30', id], ['timestamp', 'uuid'])).toEqual([]);
    expect(refused(['9223372036854775807'], ['bigint'])).toEqual([]);
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
  it('takes mask paths as proto field names or in lowerCamelCase (proto3 JSON), alike', () => {
    expect([...maskPaths(['displayName', 'email'], ['email', 'display_name'])]).toEqual(['display_name', 'email']);
    expect([...maskPaths(['display_name,unitOfMeasure'], ['display_name', 'unit_of_measure'])]).toEqual([
      'display_name',
      'unit_of_measure',
    ]);
    expect(fieldsOf(() => maskPaths(['DisplayName'], ['display_name']))).toEqual(['update_mask']);
  });
});
