import { describe, expect, it } from 'vitest';
import { SERVICES } from './support/sdk.js';
import { imsopServices } from './support/descriptors.js';

describe('SDK coverage', () => {
  it('exposes a client for every IMSOP service in the descriptors', () => {
    const exposed = new Set<string>(Object.values(SERVICES).map((d) => d.fullName));
    expect(imsopServices().map((s) => s.typeName).filter((name) => !exposed.has(name))).toEqual([]);
  });
});
